"""The Upload page as an analyst meets it (AppTest against a real store holding the sample):
one warning for the template's empty sheets, set-aside rows grouped and counted, long lists
summarised, a history in plain words without "None", and a withdrawal that asks first and
says it was done after the page reruns."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pcp_data.importer import brief, import_files, set_aside_summary
from pcp_data.store import Store
from pcp_data.template_workbook import build_template
from tests.template_helpers import crime_rows, workbook
from tests.test_pages import shown

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
TIMEOUT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def upload_page(sample_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Upload page, sign-in off (a single local user who may manage data)."""
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, name: str, content: bytes) -> None:
    at.file_uploader[0].upload(name, content, XLSX)
    at.run()
    assert not at.exception, at.exception


def test_the_template_warns_once_about_its_empty_sheets(upload_page: AppTest) -> None:
    content = build_template()
    at = upload_page
    _upload(at, "template.xlsx", content)
    empty = [w.value for w in at.warning if "header and no rows" in w.value]
    assert len(empty) == 1, [w.value for w in at.warning]
    assert "Recorded crime" in empty[0] and "Population" in empty[0]


def test_a_wrong_header_names_what_it_has_and_lacks(upload_page: AppTest) -> None:
    rows = [["Month", "Force", "Offence group", "Offence subgroup", "Count"], ["2019-04", "x"]]
    _upload(upload_page, "crime.xlsx", workbook({"Recorded crime": rows}))
    table = next(d.value for d in upload_page.dataframe if "message" in d.value.columns)
    message = table["message"].iloc[0]
    assert message.startswith("no header row found: the closest, row 1, has 'Month'")
    assert "lacks Offences" in message and "'Count'" in message
    assert (table["sheet"].iloc[0], table["row"].iloc[0]) == ("Recorded crime", 1)


def test_set_aside_rows_are_one_counted_line_with_details(upload_page: AppTest) -> None:
    rows = crime_rows(
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
        ["Total", None, None, None, 3],
        ["Total", None, None, None, 3],
    )
    _upload(upload_page, "totals.xlsx", workbook({"Recorded crime": rows}))
    lines = [shown(c.value) for c in upload_page.caption if "Set aside" in c.value]
    assert len(lines) == 1, [c.value for c in upload_page.caption]
    assert lines[0].startswith("Set aside 2 rows: 2 total row")
    assert any(e.label == "The rows set aside" for e in upload_page.expander)


def test_the_history_reads_in_words_with_blanks(upload_page: AppTest) -> None:
    at = upload_page
    history = next(d.value for d in at.dataframe if "File" in d.value.columns)
    assert list(history.columns) == [
        "Upload",
        "File",
        "Status",
        "Figures",
        "Format",
        "Uploaded by",
        "Uploaded at",
        "Last withdrawn by",
        "Last withdrawn at",
    ]
    never = history[history["Status"] == "published"]
    assert set(never["Last withdrawn by"]) == {""} and set(never["Last withdrawn at"]) == {""}
    assert not history.astype(str).isin(["None", "NaT", "nan"]).any().any()


def test_withdraw_asks_first_and_says_so_after_the_rerun(
    upload_page: AppTest, sample_store: Store
) -> None:
    content = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3]
            )
        }
    )
    [published] = import_files([("extra.xlsx", content)], sample_store, uploaded_by="t").published
    at = upload_page
    at.run()
    choose = next(s for s in at.selectbox if s.label.startswith("Withdraw an upload"))
    choose.set_value(published.upload_id)
    withdraw = next(b for b in at.button if b.label == "Withdraw")
    withdraw.click()
    at.run()
    # not confirmed: nothing withdrawn, and the page says why
    assert any("tick the box" in w.value for w in at.warning), [w.value for w in at.warning]
    uploads = sample_store.uploads().set_index("id")
    assert uploads.loc[published.upload_id, "status"] == "published"

    choose = next(s for s in at.selectbox if s.label.startswith("Withdraw an upload"))
    choose.set_value(published.upload_id)
    next(c for c in at.checkbox if c.label.startswith("Yes, withdraw")).check()
    next(b for b in at.button if b.label == "Withdraw").click()
    at.run()
    assert not at.exception, at.exception
    uploads = sample_store.uploads().set_index("id")
    assert uploads.loc[published.upload_id, "status"] == "withdrawn"
    # the message survives the rerun that followed the withdrawal
    said = [shown(s.value) for s in at.success]
    assert any(f"Upload {published.upload_id} (extra.xlsx) withdrawn" in s for s in said), said
    at.run()  # and goes once read
    assert not any("withdrawn:" in s.value for s in at.success)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            [
                {
                    "sheet": "s",
                    "label": "Scotland",
                    "reason": "outside England and Wales",
                    "rows": 200,
                },
                {
                    "sheet": "s",
                    "label": "Northern Ireland",
                    "reason": "outside England and Wales",
                    "rows": 10,
                },
                {"sheet": "s", "label": "Total", "reason": "total row", "rows": 40},
            ],
            "Set aside 250 rows: 210 outside England and Wales (Scotland, Northern Ireland), "
            "40 total row (Total).",
        ),
        ([], None),
    ],
)
def test_set_aside_summary(items: list[dict[str, object]], expected: str | None) -> None:
    assert set_aside_summary(items) == expected


def test_a_long_list_is_counted_and_a_short_message_kept() -> None:
    long = "sheet 'Table_3' (Designated officers): not available ('..'), left out: " + "; ".join(
        f"Force {i} at 30 September 2018" for i in range(30)
    )
    short, items = brief(long)
    assert short == (
        "sheet 'Table_3' (Designated officers): not available ('..'), left out: 30 items "
        "(first: Force 0 at 30 September 2018; Force 1 at 30 September 2018; Force 2 at 30 "
        "September 2018)"
    )
    assert len(items) == 30 and items[-1] == "Force 29 at 30 September 2018"
    assert brief("sheet 'Notes' not read: no table") == ("sheet 'Notes' not read: no table", [])
