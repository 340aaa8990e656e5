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
    assert [shown(t.value) for t in at.title] == ["Domestic burglary"]
    assert "## Domestic burglary" not in text  # the title once, as the page's h1
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
    """Next steps through every question in order (a long one may take several screens)."""
    app.query_params["present"] = "1"
    at = app.run()
    no_errors(at)
    seen: list[str] = []
    for _ in range(40):
        title = shown(next(m.value for m in at.markdown if m.value.startswith("# ")))
        if not seen or seen[-1] != title:
            seen.append(title)
        nxt = at.button(key="next")
        if nxt.disabled:
            break
        nxt.click()
        at.run()
        no_errors(at)
    assert seen[0] == "# How safe are our communities?"
    assert seen[-1] == "# How confident are people in the Police?"
    assert len(seen) == len(set(seen)) == 8
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


# --------------------------------------------------------------------------- issue 13: context


@pytest.fixture
def with_durham(sample_store: Store) -> Store:
    """The sample store plus four months of recorded crime for Durham (E23000008), the force
    of the shipped Durham plans, as a national table would add it: its latest figure is
    years older than the sample's home force's."""
    from pcp_data.importer import import_files
    from tests.template_helpers import crime_rows, workbook

    rows = [
        [month, "Durham", "Robbery", "Robbery of personal property", n]
        for month, n in (("2019-01", 21), ("2019-02", 19), ("2019-03", 25), ("2019-04", 22))
    ]
    content = workbook({"Recorded crime": crime_rows(*rows)})
    import_files([("durham.xlsx", content)], sample_store, uploaded_by="tests")
    return sample_store


def _select(at: AppTest, label: str) -> object:
    return next(s for s in at.selectbox if s.label == label)


def test_an_unknown_plan_in_the_address_is_named_not_replaced(app: AppTest) -> None:
    app.query_params["plan"] = "no-such-plan"
    at = app.run()
    assert not at.exception, [e.value for e in at.exception]
    [error] = [shown(e.value) for e in at.error]
    assert "There is no plan called `no-such-plan`" in error
    for plan_id in ("durham-2018-21", "cambridgeshire-2017-20", "dorset-2013-17"):
        assert plan_id in error
    assert not at.title, "no plan is opened in its place"
    assert _select(at, "Police and Crime Plan").value is None  # the sidebar asks for one


def test_the_default_area_is_the_plans_force_and_says_so(
    with_durham: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCP_DATABASE_URL", with_durham.url)
    for present in (False, True):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.secrets["pcp_tests"] = "sign-in off"
        if present:
            at.query_params["present"] = "1"
        at.run()
        no_errors(at)
        assert _select(at, "Area").value == "E23000008", present
        said = " ".join(shown(c.value) for c in at.sidebar.caption)
        assert "the plan's force" in said, said
        assert "home area, Northmoor Constabulary, is in the list" in said


def test_what_changed_offers_the_areas_own_months(
    with_durham: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCP_DATABASE_URL", with_durham.url)
    offered = {}
    for area in ("LOCAL:northmoor-constabulary", "E23000008"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.secrets["pcp_tests"] = "sign-in off"
        at.query_params["area"] = area
        at.run()
        no_errors(at)
        assert _select(at, "Area").value == area
        offered[area] = (
            _select(at, "Figures at the last Panel meeting (as at the end of)").options,
            _select(at, "Figures as at").options,
        )
    home, durham = offered["LOCAL:northmoor-constabulary"], offered["E23000008"]
    assert home[0][0].endswith("2026")  # the home force's figures run to 2026
    assert durham[0] == ["March 2019", "February 2019", "January 2019"]
    assert durham[1] == ["Latest figures", "April 2019", *durham[0]]


def test_a_question_page_drops_measure_from_its_address(app: AppTest) -> None:
    """After Back from a measure, the question page's address must not keep ``measure=``:
    it would hide the question's "Open this measure" links."""
    app.query_params["kpq"] = "kpq-safe"
    app.query_params["measure"] = "crime-rate"
    at = app.run()
    no_errors(at)
    assert shown(at.title[0].value) == "How safe are our communities?"
    assert "measure" not in at.query_params
    links = [link.label for link in at.main.get("page_link")]
    assert links.count("Open this measure") == 3, links


@pytest.mark.parametrize(
    ("measure", "title"),
    [
        ("domestic-burglary", "Domestic burglary"),
        ("crime-rate", "Recorded crime per 1,000 population"),
    ],
)
def test_the_measure_page_has_the_measure_as_its_title(
    app: AppTest, measure: str, title: str
) -> None:
    app.query_params["measure"] = measure
    at = app.run()
    no_errors(at)
    assert [shown(t.value) for t in at.title] == [title]


@pytest.mark.parametrize("plan_id", ["durham-2018-21", "cambridgeshire-2017-20"])
def test_the_overview_is_tiles_not_tables(app: AppTest, plan_id: str) -> None:
    app.query_params["plan"] = plan_id
    at = app.run()
    no_errors(at)
    assert not at.main.get("arrow_data_frame"), "no tables on the plan on a page"
    questions = at.session_state["question_pages"]
    tiles = [m.value for m in at.markdown if m.value.startswith("### ")]
    links = [link.label for link in at.main.get("page_link")]
    # every question is there once: a tile of its own or a line in the unmeasured list
    for n in range(1, len(questions) + 1):
        found = [t for t in tiles if t.startswith(f"### {n}. ")] + [
            x for x in links if x.startswith(f"{n}. ")
        ]
        assert len(found) == 1, (n, found)
    # each reason is said in full (wrapping, never cut), one click away
    text = text_of(at)
    pa = at.session_state["ctx"].assessment()
    for a in (a for qa in pa.questions for a in qa.measures):
        assert a.judgement.sentence in text, a.judgement.sentence


def test_the_sidebar_puts_the_selectors_before_the_navigation(app: AppTest) -> None:
    at = app.run()
    no_errors(at)
    kinds = [
        ("select", n.label) if n.type == "selectbox" else ("link", n.label)
        for n in at.sidebar
        if n.type in ("selectbox", "page_link")
    ]
    assert kinds[:3] == [
        ("select", "Police and Crime Plan"),
        ("select", "Area"),
        ("select", "Figures as at"),
    ]
    assert ("link", "Plan on a page") in kinds[3:]
