"""Every page run with Streamlit's AppTest against a real store holding the sample data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pcp_data.access import local_user
from pcp_data.markdown import WORD_JOINER, escape
from pcp_data.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
TIMEOUT = 120


@pytest.fixture
def app(sample_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app with sign-in off (a single local user): secrets without ``[auth]``, whatever
    ``.streamlit/secrets.toml`` the machine may hold."""
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    return at


def shown(markdown: str) -> str:
    """Markdown as a reader sees it: without the backslashes that keep user text from being
    read as markdown (`pcp_data.markdown.escape`)."""
    unescaped = re.sub(r"\\([\\`*_{}\[\]()<>#+\-.!|~:$&])", r"\1", markdown)
    return unescaped.replace(WORD_JOINER, "")


def text_of(at: AppTest) -> str:
    """Everything the page says in markdown, as a reader sees it."""
    parts = (
        [m.value for m in at.markdown]
        + [t.value for t in at.title]
        + [h.value for h in at.header]
        + [s.value for s in at.subheader]
        + [c.value for c in at.caption]
        + [w.value for w in at.warning]
        + [i.value for i in at.info]
        + [str(m.value) for m in at.metric]
        + [str(m.label) for m in at.metric]
    )
    return shown("\n".join(parts))


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_overview_shows_the_plan_in_its_own_words(app: AppTest) -> None:
    at = app.run()
    no_errors(at)
    text = text_of(at)
    assert "Police, Crime and Victims' Plan 2018-2021" in text
    assert "County Durham and Darlington are areas where all communities are safe" in text
    assert "How safe are our communities?" in text
    assert "Synthetic sample data, not real figures" in text
    assert "figures for Northmoor Constabulary" in text
    assert "Key Performance Questions: how each is doing" in text
    glance = {
        m.label: m.value
        for m in at.metric
        if m.label.split(" ", 1)[-1] in ("of concern", "needs attention", "on track", "not judged")
    }
    assert set(glance) == {"✖ of concern", "⚠ needs attention", "✔ on track", "– not judged"}
    assert sum(int(v.split(" of ")[0]) for v in glance.values()) == 8  # the 8 KPQs
    assert "What changed since the last Panel" in text
    assert "they are listed first" in text


@pytest.mark.parametrize(
    ("plan_id", "words"),
    [
        (
            "durham-2018-21",
            ["4 Outcomes", "12 Priorities", "How confident are people in the Police?"],
        ),
        ("devon-cornwall-2014-17", ["6 Priorities"]),
        ("durham-2015-17", ["4 Objectives", "14 Key areas of focus"]),
        ("dorset-2013-17", ["6 Priorities"]),
        ("cambridgeshire-2017-20", ["4 Themes"]),
    ],
)
def test_every_shipped_plan_renders_on_the_overview(
    app: AppTest, plan_id: str, words: list[str]
) -> None:
    app.query_params["plan"] = plan_id
    at = app.run()
    no_errors(at)
    assert next(s for s in at.selectbox if s.label == "Police and Crime Plan").value == plan_id
    expanders = " ".join(e.label for e in at.expander)
    text = text_of(at) + expanders
    for w in words:
        assert w in text, (w, plan_id)


def test_kpq_deep_link_opens_the_question_page(app: AppTest) -> None:
    app.query_params["kpq"] = "kpq-crime"
    at = app.run()
    no_errors(at)
    assert shown(at.title[0].value) == "How well are we preventing and reducing crime?"
    text = text_of(at)
    assert "Domestic burglary" in text
    assert "Commentary for September 2026" in text


def test_measure_deep_link_and_its_sentence(app: AppTest) -> None:
    app.query_params["measure"] = "domestic-burglary"
    at = app.run()
    no_errors(at)
    text = text_of(at)
    assert "#### Domestic burglary" in text
    assert "special cause improvement" in text  # the sample's built-in fall from Oct 2025


def test_commentary_is_saved_and_shown_as_text(app: AppTest, sample_store: Store) -> None:
    app.query_params["kpq"] = "kpq-safe"
    at = app.run()
    assert not at.text_input, "no free-text names: the identity is recorded"
    next(t for t in at.text_area if t.label == "Commentary").input(
        "<script>alert(1)</script> Burglary fell after Operation Nightjar."
    )
    next(b for b in at.button if b.label == "Save commentary").click()
    at.run()
    no_errors(at)
    versions = sample_store.commentary("durham-2018-21", "kpq-safe")
    assert versions.iloc[0]["author"] == local_user().name
    assert any("<script>alert(1)</script>" in t.value for t in at.text)  # shown as text
    assert sample_store.audit().iloc[0]["who"] == local_user().name


def test_every_page_says_it_runs_as_a_single_local_user(app: AppTest) -> None:
    at = app.run()
    note = " ".join(i.value for i in at.sidebar.info)
    assert "Single local user" in note and "sign-in is off" in note
    assert escape(local_user().name) in note


@pytest.mark.parametrize(
    ("page", "heading", "words"),
    [
        ("pages/recorded_crime.py", "Recorded crime", "Offences by group, latest 12 months"),
        ("pages/victim_satisfaction.py", "Victim satisfaction", "Kept informed"),
        ("pages/workforce.py", "Workforce", "Police officers"),
        ("pages/upload.py", "Upload data", "Upload history"),
        ("pages/plan.py", "The Police and Crime Plan", "Measures"),
        ("pages/method.py", "How the figures are judged", "seasonally adjusted"),
    ],
)
def test_data_and_manage_pages(app: AppTest, page: str, heading: str, words: str) -> None:
    at = app.run()
    at.switch_page(page)
    at.run()
    no_errors(at)
    assert shown(at.title[0].value) == heading
    assert words in text_of(at)


def test_workforce_shows_the_latest_officer_fte(app: AppTest, sample_store: Store) -> None:
    at = app.run()
    at.switch_page("pages/workforce.py")
    at.run()
    facts = sample_store.facts(
        dataset="workforce",
        area_codes=["LOCAL:northmoor-constabulary"],
        category="Police officers",
        measure="fte",
    )
    latest = facts.sort_values("period_end").iloc[-1]["value"]
    metric = next(m for m in at.metric if m.label == "Police officers")
    assert metric.value == f"{latest:,.1f}"


def test_presentation_mode_steps_through_every_question(app: AppTest) -> None:
    app.query_params["present"] = "1"
    at = app.run()
    no_errors(at)
    seen = []
    for _ in range(8):
        seen.append(shown(next(m.value for m in at.markdown if m.value.startswith("# "))))
        nxt = at.button(key="next")
        if nxt.disabled:
            break
        nxt.click()
        at.run()
        no_errors(at)
    assert seen[0] == "# How safe are our communities?"
    assert seen[-1] == "# How confident are people in the Police?"
    assert len(seen) == 8
    at.button(key="exit").click()
    at.run()
    no_errors(at)
    assert shown(at.title[0].value) == "Police, Crime and Victims' Plan 2018-2021"  # left
    assert "present" not in at.query_params


def test_upload_page_refuses_a_bad_file_and_stores_nothing(
    app: AppTest, sample_store: Store
) -> None:
    from tests.template_helpers import crime_rows, workbook

    before = sample_store.revision()
    at = app.run()
    at.switch_page("pages/upload.py")
    at.run()
    bad = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", "lots"]
            )
        }
    )
    at.file_uploader[0].upload(
        "bad.xlsx", bad, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.run()
    no_errors_except_report = [e.value for e in at.error]
    assert any("nothing from this file can be stored" in e for e in no_errors_except_report)
    publish = next(b for b in at.button if b.label == "Publish")
    assert publish.disabled
    assert sample_store.revision() == before


def test_upload_page_shows_a_readers_bug_as_the_products_fault(
    app: AppTest, sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.template_helpers import FAULT, break_template_reader, crime_rows, workbook

    before = sample_store.revision()
    break_template_reader(monkeypatch, "april.xlsx")
    at = app.run()
    at.switch_page("pages/upload.py")
    at.run()
    content = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3]
            )
        }
    )
    at.file_uploader[0].upload(
        "april.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]  # no traceback on the page
    [error] = [e.value for e in at.error]
    assert shown(error).startswith(f"april.xlsx: {FAULT}.")
    assert "Validation report" not in text_of(at)
    assert not [b for b in at.button if b.label == "Publish"]
    assert "Upload history" in text_of(at)
    assert sample_store.revision() == before
