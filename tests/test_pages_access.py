"""Who may do what on the pages (AppTest with ``st.user`` as each role), user text shown as
written (never markdown), and the store's faults as messages, never tracebacks.

Sign-in itself, through a real OpenID Connect provider, is in ``test_sign_in.py``; here
``AppTest.user`` plays the part of the signed-in person and ``AppTest.secrets`` holds
``[auth]``, so the app takes the signed-in branch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pcp_data.facts import FACT_COLUMNS
from pcp_data.markdown import escape
from pcp_data.plan import shipped_plans
from pcp_data.store import BUSY_MESSAGE, Store
from tests.test_pages import APP, TIMEOUT, no_errors, shown, text_of

pytestmark = pytest.mark.slow

LINK = "[link](http://evil)"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-long-enough",
    "client_id": "pcp",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
ROLES = """
[emails]
"ann@force.example" = "analyst"
"cora@pcc.example" = "commissioner"

[domains]
"panel.example" = "panel"
"public.example" = "public"
"""
PEOPLE = {
    "analyst": ("Ann Analyst", "ann@force.example"),
    "commissioner": ("Cora Commissioner", "cora@pcc.example"),
    "panel": ("Pat Panel", "pat@panel.example"),
    "public": ("Pam Public", "pam@public.example"),
    "nobody": ("Nick Nobody", "nick@elsewhere.example"),
}


@pytest.fixture
def roles_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("PCP_ROLES_FILE", str(path))
    return path


@pytest.fixture
def signed_in(
    sample_store: Store, roles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], AppTest]:
    """An app with sign-in on, as the person playing ``role`` (see `PEOPLE`)."""
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)

    def make(role: str, name: str | None = None) -> AppTest:
        person, email = PEOPLE[role]
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "name": name or person, "email": email}
        return at

    return make


def page_ran(at: AppTest, page: str) -> str:
    """The title of ``page`` once opened; "" when the navigation does not offer it (AppTest
    refuses to switch to a page the app did not register)."""
    try:
        at.switch_page(page)
    except ValueError as exc:
        assert "Could not find a navigation page" in str(exc)
        return ""
    at.run()
    return at.title[0].value if at.title else ""


def commentary_form(at: AppTest) -> bool:
    return any(b.label == "Save commentary" for b in at.button)


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("role", "upload", "audit", "writes", "sees_internal"),
    [
        ("analyst", True, True, False, True),
        ("commissioner", False, True, True, True),
        ("panel", False, False, False, True),
        ("public", False, False, False, False),
    ],
)
def test_each_role_gets_its_pages_and_nothing_more(
    signed_in: Callable[[str], AppTest],
    sample_store: Store,
    role: str,
    upload: bool,
    audit: bool,
    writes: bool,
    sees_internal: bool,
) -> None:
    sample_store.save_commentary(
        "durham-2018-21", "kpq-safe", "2026-09", "Public words", author="PCC office"
    )
    sample_store.save_commentary(
        "durham-2018-21",
        "kpq-safe",
        "2026-09",
        "Internal words",
        author="PCC office",
        internal=True,
    )
    at = signed_in(role)
    at.query_params["kpq"] = "kpq-safe"
    at.run()
    no_errors(at)
    name, email = PEOPLE[role]
    assert f"Signed in as {name} ({email})" in text_of(at)
    assert any(b.label == "Sign out" for b in at.sidebar.button)
    assert not at.text_input, "no free-text names anywhere"
    assert commentary_form(at) is writes
    shown = [t.value for t in at.text]
    assert shown == (["Internal words"] if sees_internal else ["Public words"])
    # a page not offered cannot be opened, by its address or otherwise
    assert (page_ran(at, "pages/upload.py") == "Upload data") is upload
    assert (page_ran(at, "pages/audit.py") == "Audit log") is audit
    assert page_ran(at, "pages/plan.py") == "The Police and Crime Plan"
    assert bool(at.file_uploader) is (role == "analyst")  # loading a plan


def test_the_commissioners_office_writes_internal_commentary_as_itself(
    signed_in: Callable[[str], AppTest], sample_store: Store
) -> None:
    at = signed_in("commissioner")
    at.query_params["kpq"] = "kpq-safe"
    at.run()
    next(t for t in at.text_area if t.label == "Commentary").input("For the Panel only.")
    next(c for c in at.checkbox if c.label.startswith("Internal")).check()
    next(b for b in at.button if b.label == "Save commentary").click()
    at.run()
    no_errors(at)
    latest = sample_store.commentary("durham-2018-21", "kpq-safe").iloc[0]
    assert latest["author"] == "Cora Commissioner (cora@pcc.example)"
    assert bool(latest["internal"]) is True
    entry = sample_store.audit().iloc[0]
    assert (entry["who"], entry["action"]) == (latest["author"], "commentary")
    # the public never sees it
    public = signed_in("public")
    public.query_params["kpq"] = "kpq-safe"
    public.run()
    assert "For the Panel only." not in [t.value for t in public.text]


def test_an_analyst_publishes_and_withdraws_as_themselves(
    signed_in: Callable[[str], AppTest], sample_store: Store
) -> None:
    from tests.template_helpers import crime_rows, workbook

    at = signed_in("analyst")
    at.run()
    assert page_ran(at, "pages/upload.py") == "Upload data"
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
    next(b for b in at.button if b.label == "Publish").click()
    at.run()
    no_errors(at)
    who = "Ann Analyst (ann@force.example)"
    assert sample_store.uploads().iloc[0]["uploaded_by"] == who
    next(c for c in at.checkbox if c.label.startswith("Yes, withdraw")).check()
    next(b for b in at.button if b.label == "Withdraw").click()
    at.run()
    no_errors(at)
    log = sample_store.audit()
    assert log["who"].tolist()[:2] == [who, who]
    assert log["action"].tolist()[:2] == ["withdraw", "publish"]


def test_someone_signed_in_without_a_role_gets_a_clear_no_access_page(
    signed_in: Callable[[str], AppTest],
) -> None:
    at = signed_in("nobody")
    at.run()
    assert not at.exception
    assert at.title[0].value == "No access"
    [error] = [e.value for e in at.error]
    assert "has no role in this dashboard" in error
    assert escape("nick@elsewhere.example") in error
    assert "Northmoor" not in text_of(at)  # no figures, no sidebar choices
    assert not at.selectbox


def test_a_broken_roles_file_gives_everyone_no_access(
    signed_in: Callable[[str], AppTest], roles_file: Path
) -> None:
    roles_file.write_text('[emails]\n"ann@force.example" = "superuser"\n', encoding="utf-8")
    at = signed_in("analyst")
    at.run()
    assert at.title[0].value == "No access"
    assert "superuser" in at.error[0].value and "the roles are analyst" in at.error[0].value


def test_someone_not_signed_in_sees_only_the_sign_in_page(
    sample_store: Store, roles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.query_params["kpq"] = "kpq-safe"
    at.run()
    no_errors(at)
    assert at.title[0].value == "Sign in"
    assert [b.label for b in at.button] == ["Sign in"]
    assert "How safe are our communities?" not in text_of(at)


def test_visitors_may_read_as_the_public_when_the_roles_file_says_so(
    sample_store: Store, roles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles_file.write_text('visitors = "public"\n' + ROLES, encoding="utf-8")
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    no_errors(at)
    assert at.title[0].value == escape("Police, Crime and Victims' Plan 2018-2021")
    assert "Reading as a visitor" in text_of(at)
    assert page_ran(at, "pages/upload.py") != "Upload data"


# --------------------------------------------------------------------------- hostile text


def hostile_area(store: Store) -> None:
    """Recorded crime for an area whose name and source are payloads."""
    rows = []
    for month in range(1, 13):
        end = pd.Timestamp(2026, month, 1) + pd.offsets.MonthEnd(0)
        rows.append(
            {
                "dataset": "recorded_crime",
                "area_code": "LOCAL:evil",
                "area_name": LINK,
                "area_kind": "force",
                "period_start": f"2026-{month:02d}-01",
                "period_end": end.date().isoformat(),
                "period_type": "month",
                "category": '=HYPERLINK("http://x","y")',
                "subcategory": "",
                "measure": "offences",
                "value": 10.0 + month,
                "base": None,
                "source": "[source](http://evil)",
                "sheet": "x",
                "edition": "",
            }
        )
    store.publish(
        "evil.xlsx",
        b"evil bytes",
        pd.DataFrame(rows, columns=list(FACT_COLUMNS)),
        uploaded_by="[author](http://evil)",
        file_format="pcp_template",
    )


def no_raw_link(at: AppTest) -> None:
    """No element that renders markdown holds the payload unescaped."""
    rendered = (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [t.value for t in at.title]
        + [h.value for h in at.header]
        + [s.value for s in at.subheader]
        + [i.value for i in at.info]
        + [w.value for w in at.warning]
        + [e.value for e in at.error]
        + [x.label for x in at.expander]
        + [m.label for m in at.metric]
        + [b.label for b in at.button]
    )
    assert not [r for r in rendered if "](http://evil)" in r], rendered


def test_an_area_name_is_never_a_link(app_with_hostile_area: AppTest) -> None:
    at = app_with_hostile_area
    at.query_params["area"] = "LOCAL:evil"
    at.run()
    for page in ("pages/recorded_crime.py", "pages/overview.py"):
        at.switch_page(page)
        at.run()
        no_errors(at)
        no_raw_link(at)
    at.switch_page("pages/recorded_crime.py")
    at.run()
    assert escape(LINK) in "\n".join(c.value for c in at.caption)
    assert LINK in text_of(at)  # as the reader sees it


@pytest.fixture
def app_with_hostile_area(sample_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    hostile_area(sample_store)
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    return at


def test_a_plan_title_and_an_author_are_never_links(
    signed_in: Callable[[str], AppTest], sample_store: Store
) -> None:
    text = shipped_plans()["durham-2018-21"].read_text(encoding="utf-8")
    text = text.replace("id: durham-2018-21", "id: hostile-plan").replace(
        "title: Police, Crime and Victims' Plan 2018-2021", f'title: "{LINK}"'
    )
    text = text.replace("How safe are our communities?", '"[question](http://evil)"')
    sample_store.save_plan("hostile-plan", text, by="Ann")
    at = signed_in("commissioner", name="[author](http://evil)")
    at.query_params["plan"] = "hostile-plan"
    at.run()
    no_errors(at)
    no_raw_link(at)
    assert at.title[0].value == escape(LINK)
    at = signed_in("commissioner", name="[author](http://evil)")  # a deep link to a question
    at.query_params.update(plan="hostile-plan", kpq="kpq-safe")
    at.run()
    next(t for t in at.text_area if t.label == "Commentary").input("Words.")
    next(b for b in at.button if b.label == "Save commentary").click()
    at.run()
    no_errors(at)
    no_raw_link(at)
    assert any(escape("[author](http://evil)") in c.value for c in at.caption)
    assert at.title[0].value == escape("[question](http://evil)")
    for page in ("pages/plan.py", "pages/measure.py", "pages/audit.py"):
        at.switch_page(page)
        at.run()
        no_errors(at)
        no_raw_link(at)


# --------------------------------------------------------------------------- faults


def test_a_busy_store_is_a_message_on_the_upload_page(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.template_helpers import crime_rows, workbook

    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    monkeypatch.setenv("PCP_LOCK_TIMEOUT", "0.5")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    at.run()
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
    before = sample_store.revision()
    holder = sqlite3.connect(sample_store.url.removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        next(b for b in at.button if b.label == "Publish").click()
        at.run()
    finally:
        holder.rollback()
        holder.close()
    assert not at.exception
    assert [e.value for e in at.error] == [escape(BUSY_MESSAGE)]
    assert sample_store.revision() == before


def test_an_unreachable_store_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PCP_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "cannot be used" in error and "Traceback" not in error


def test_a_fault_in_a_page_is_a_message_not_a_traceback(
    app_with_hostile_area: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pcp_data.assess

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the product")

    monkeypatch.setattr(pcp_data.assess, "changes_since", broken)
    at = app_with_hostile_area.run()  # the plan on a page: "what changed" fails
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("Something went wrong in the dashboard itself")
    assert "RuntimeError" not in error


def test_an_analyst_loads_and_removes_a_plan_on_the_plan_page(
    signed_in: Callable[[str], AppTest], sample_store: Store
) -> None:
    text = shipped_plans()["durham-2018-21"].read_text(encoding="utf-8")
    at = signed_in("analyst")
    at.run()
    at.switch_page("pages/plan.py")
    at.run()
    at.file_uploader[0].upload("durham.yaml", text.encode(), "application/yaml")
    at.run()
    [error] = [shown(e.value) for e in at.error]
    assert error.startswith("This plan's id durham-2018-21 is the id of a plan shipped")
    assert not [b for b in at.button if b.label.startswith("Use")]

    mine = text.replace("id: durham-2018-21", "id: my-plan")
    at.file_uploader[0].upload("mine.yaml", mine.encode(), "application/yaml")
    at.run()
    next(b for b in at.button if b.label.startswith("Use")).click()
    at.run()
    no_errors(at)
    assert sample_store.custom_plans() == {"my-plan": mine}
    next(b for b in at.button if b.label == "Remove").click()
    at.run()
    no_errors(at)
    assert sample_store.custom_plans() == {}
    who = "Ann Analyst (ann@force.example)"
    log = sample_store.audit(target_kind="plan")
    assert list(zip(log["who"], log["action"], strict=True)) == [
        (who, "remove plan"),
        (who, "load plan"),
    ]
