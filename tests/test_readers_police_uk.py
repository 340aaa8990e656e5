"""data.police.uk street-level crime and outcomes CSVs, alone or in a ZIP of month folders.

Counts are checked against the real Dorset file counted here with the csv module.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from pcp_data import vocabulary
from pcp_data.importer import import_files
from pcp_data.measures import measure_series
from pcp_data.plan import load_shipped
from pcp_data.readers import ReadResult, read_file
from pcp_data.readers.police_uk import OUTCOMES_SOURCE, STREET_SOURCE
from pcp_data.store import Store

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
DORSET = REALDATA / "recorded_crime" / "police_uk" / "2021-02-dorset-street.csv"

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
OUTCOME_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Outcome type"
)
STOP_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,"
    "Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
    "Object of search,Outcome"
)


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not found: {path} (../shared/realdata is absent here)")
    return path


def dorset_counts() -> Counter[str]:
    with real(DORSET).open(newline="", encoding="utf-8-sig") as fh:
        return Counter(row["Crime type"] for row in csv.DictReader(fh))


def facts_by_category(result: ReadResult, month: str = "2021-02-01") -> dict[str, float]:
    f = result.facts[result.facts["period_start"] == month]
    return dict(zip(f["category"], f["value"], strict=True))


def street_row(
    month: str = "2021-02", force: str = "Dorset Police", crime: str = "Burglary"
) -> str:
    return (
        f"abc123,{month},{force},{force},-1.9,50.7,On or near Graycot Close,E01015301,"
        f"Bournemouth 001A,{crime},Under investigation,"
    )


def outcome_row(
    month: str = "2021-02",
    force: str = "Dorset Police",
    outcome: str = "Investigation complete; no suspect identified",
) -> str:
    return (
        f"abc123,{month},{force},{force},-1.9,50.7,On or near Graycot Close,E01015301,"
        f"Bournemouth 001A,{outcome}"
    )


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


# ------------------------------------------------------------------------------------------
# Real file
# ------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_dorset_counts_per_crime_type_match_the_file():
    expected = dorset_counts()
    result = read_file(DORSET.name, DORSET.read_bytes())
    assert result.ok, result.problems
    assert result.format == "police_uk"
    assert facts_by_category(result) == {k: float(v) for k, v in expected.items()}
    assert expected["Violence and sexual offences"] == 1308  # the count the csv module gives
    f = result.facts
    assert set(f["area_code"]) == {"E23000039"}
    assert set(f["area_name"]) == {"Dorset"}
    assert set(f["period_type"]) == {"month"}
    assert set(f["period_end"]) == {"2021-02-28"}
    assert set(f["source"]) == {STREET_SOURCE}
    assert set(f["edition"]) == {"February 2021"}
    assert set(f["sheet"]) == {DORSET.name}


@pytest.mark.realdata
def test_anti_social_behaviour_is_an_indicator_never_recorded_crime():
    result = read_file(DORSET.name, real(DORSET).read_bytes())
    f = result.facts
    asb = f[f["category"] == vocabulary.ANTI_SOCIAL_BEHAVIOUR]
    assert asb["dataset"].tolist() == ["indicator"]
    assert asb["measure"].tolist() == ["value"]
    assert asb["value"].tolist() == [float(dorset_counts()["Anti-social behaviour"])]
    crime = f[f["dataset"] == "recorded_crime"]
    assert vocabulary.ANTI_SOCIAL_BEHAVIOUR not in set(crime["category"])
    assert set(crime["measure"]) == {"offences"}
    assert set(crime["subcategory"]) == {""}
    # police.uk crime types are their own categories, kept apart from Home Office figures
    # by their source (part of the fact key)
    assert crime["value"].sum() == sum(dorset_counts().values()) - asb["value"].sum()


@pytest.mark.realdata
def test_zip_of_month_folders(tmp_path):
    """A download: month folders, street and outcomes CSVs, and a stop-and-search CSV."""
    text = real(DORSET).read_text(encoding="utf-8-sig")
    march = text.replace(",2021-02,", ",2021-03,")
    outcomes = csv_bytes(
        OUTCOME_HEADER,
        outcome_row(),
        outcome_row(),
        outcome_row(outcome="Offender given a caution"),
    )
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("2021-02/", "")
        z.writestr("2021-02/2021-02-dorset-street.csv", text)
        z.writestr("2021-02/2021-02-dorset-outcomes.csv", outcomes)
        z.writestr("2021-02/2021-02-dorset-stop-and-search.csv", STOP_HEADER + "\n")
        z.writestr("2021-03/2021-03-dorset-street.csv", march)
    result = read_file(path.name, path.read_bytes())
    assert result.ok, result.problems
    assert result.format == "police_uk"
    assert result.sheets == [
        "2021-02/2021-02-dorset-street.csv",
        "2021-02/2021-02-dorset-outcomes.csv",
        "2021-03/2021-03-dorset-street.csv",
    ]
    assert any("stop-and-search" in w for w in result.warnings)
    expected = {k: float(v) for k, v in dorset_counts().items()}
    street = result.facts[result.facts["source"] == STREET_SOURCE]
    assert facts_by_category(ReadResult("", "", "", street), "2021-03-01") == expected
    assert facts_by_category(ReadResult("", "", "", street), "2021-02-01") == expected
    out = result.facts[result.facts["source"] == OUTCOMES_SOURCE]
    assert dict(zip(out["category"], out["value"], strict=True)) == {
        "Outcome: Investigation complete; no suspect identified": 2.0,
        "Outcome: Offender given a caution": 1.0,
    }
    assert set(result.facts["edition"]) == {"February 2021 to March 2021"}


@pytest.mark.realdata
def test_truncated_street_csv_is_a_problem_at_the_cut_row():
    content = real(DORSET).read_bytes()
    cut = content[: len(content) // 2]
    result = read_file("cut.csv", cut)
    assert not result.ok
    (p,) = result.problems
    assert p.file == "cut.csv" and p.row == cut.count(b"\n") + 1
    assert "truncated" in p.message


# ------------------------------------------------------------------------------------------
# Hand-made files
# ------------------------------------------------------------------------------------------


def test_several_files_each_read_with_their_own_force():
    kent = read_file("a.csv", csv_bytes(STREET_HEADER, street_row(force="Kent Police")))
    devon = read_file(
        "b.csv",
        csv_bytes(
            STREET_HEADER,
            street_row(force="Devon & Cornwall Police"),
            street_row(force="Devon & Cornwall Police"),
        ),
    )
    assert kent.facts["area_code"].tolist() == ["E23000032"]
    assert devon.facts[["area_code", "value"]].values.tolist() == [["E23000035", 2.0]]


def test_outcomes_csv_counts_per_outcome_type():
    result = read_file(
        "o.csv",
        csv_bytes(
            OUTCOME_HEADER,
            outcome_row(),
            outcome_row(month="2021-01"),
            outcome_row(outcome="Local resolution"),
            outcome_row(outcome="Local resolution"),
        ),
    )
    assert result.ok, result.problems
    f = result.facts
    assert set(f["dataset"]) == {"indicator"}
    assert set(f["measure"]) == {"value"}
    assert set(f["source"]) == {OUTCOMES_SOURCE}
    assert facts_by_category(result) == {
        "Outcome: Investigation complete; no suspect identified": 1.0,
        "Outcome: Local resolution": 2.0,
    }
    assert set(f["edition"]) == {"January 2021 to February 2021"}


def test_unknown_force_names_file_row_column_and_name():
    result = read_file(
        "s.csv",
        csv_bytes(
            STREET_HEADER,
            street_row(),
            street_row(force="Atlantis Police"),
            street_row(force="Atlantis Police"),
        ),
    )
    assert not result.ok
    (p,) = result.problems
    assert (p.file, p.row, p.column, p.value) == ("s.csv", 3, "D (Falls within)", "Atlantis Police")
    assert "Atlantis Police" in p.message and "2 rows" in p.message
    assert result.facts.empty


def test_bad_month_is_a_problem():
    result = read_file("s.csv", csv_bytes(STREET_HEADER, street_row(month="Febuary")))
    (p,) = result.problems
    assert (p.row, p.column, p.value) == (2, "B (Month)", "Febuary")


def test_empty_crime_type_is_a_problem():
    result = read_file("s.csv", csv_bytes(STREET_HEADER, street_row(crime="")))
    (p,) = result.problems
    assert (p.row, p.column) == (2, "J (Crime type)")


def test_british_transport_police_area_is_set_aside():
    result = read_file(
        "s.csv",
        csv_bytes(STREET_HEADER, street_row(), street_row(force="British Transport Police")),
    )
    assert result.ok
    assert result.facts["value"].tolist() == [1.0]
    (s,) = result.set_aside
    assert (s.label, s.rows) == ("British Transport Police", 1)


def test_header_only_is_a_problem():
    result = read_file("s.csv", csv_bytes(STREET_HEADER))
    assert result.format == "police_uk"
    assert "no rows" in result.problems[0].message


def test_empty_file_is_rejected():
    result = read_file("s.csv", b"")
    assert not result.ok and "empty" in result.problems[0].message


def test_bom_and_trailing_columns_are_tolerated():
    content = "\ufeff".encode() + csv_bytes(STREET_HEADER, street_row() + ",stray")
    result = read_file("s.csv", content)
    assert result.ok, result.problems
    assert facts_by_category(result) == {"Burglary": 1.0}


def test_zip_without_police_uk_csvs_is_not_recognised(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2021-02/2021-02-dorset-stop-and-search.csv", STOP_HEADER + "\n")
        z.writestr("readme.txt", "hello")
    result = read_file("other.zip", buf.getvalue())
    assert result.format == "unknown"
    assert not result.ok


def test_truncated_zip_is_rejected():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "2021-02/2021-02-dorset-street.csv", csv_bytes(STREET_HEADER, *[street_row()] * 200)
        )
    content = buf.getvalue()
    result = read_file("cut.zip", content[: len(content) // 2])
    assert not result.ok
    assert result.facts.empty


@pytest.mark.realdata
def test_several_months_in_one_file_are_counted_per_month():
    """A multi-month file (the real February 2021 month with January rows added) gives one
    figure per month and crime type."""
    real_text = real(DORSET).read_bytes().decode("utf-8-sig").rstrip("\r\n")
    extra = "\r\n".join(
        street_row(month="2021-01", crime=c)
        for c in ("Burglary", "Burglary", "Anti-social behaviour")
    )
    result = read_file("dorset-two-months.csv", (real_text + "\r\n" + extra + "\r\n").encode())
    assert result.ok, result.problems[:3]
    jan = facts_by_category(result, "2021-01-01")
    assert jan == {"Burglary": 2, vocabulary.ANTI_SOCIAL_BEHAVIOUR: 1}
    assert facts_by_category(result) == dict(dorset_counts())  # February as in the real file
    assert set(result.facts["period_type"]) == {"month"}


# ------------------------------------------------------------------------------------------
# Several months: monthly files, or one ZIP, make one monthly series in the store
# ------------------------------------------------------------------------------------------

# (month, how many of the real file's rows it keeps): each month a different count, so a
# month's figures can only come from its own file
MONTHS = (("2020-12", 4841), ("2021-01", 3000), ("2021-02", 1500))


def month_copy(month: str, keep: int) -> bytes:
    """The real February 2021 file, its first ``keep`` rows, with the Month column rewritten."""
    with real(DORSET).open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    j = rows[0].index("Month")
    body = [[*r[:j], month, *r[j + 1 :]] for r in rows[1 : keep + 1]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([rows[0], *body])
    return buf.getvalue().encode("utf-8")


def month_counts(keep: int) -> Counter[str]:
    with real(DORSET).open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))[:keep]
    return Counter(r["Crime type"] for r in rows)


def monthly_files() -> list[tuple[str, bytes]]:
    return [(f"{m}-dorset-street.csv", month_copy(m, keep)) for m, keep in MONTHS]


def month_zip(files: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files:
            z.writestr(f"{name[:7]}/{name}", content)
    return buf.getvalue()


def asb_measure():
    plan = load_shipped("dorset-2013-17")
    return next(m for m in plan.measures if m.id == "asb-incidents")


def expected_series(category: str) -> dict[str, float]:
    ends = {"2020-12": "2020-12-31", "2021-01": "2021-01-31", "2021-02": "2021-02-28"}
    return {ends[m]: float(month_counts(keep)[category]) for m, keep in MONTHS}


def stored_series(store: Store, dataset: str, category: str) -> dict[str, float]:
    f = store.facts(
        dataset=dataset, category=category, source=STREET_SOURCE, area_codes=["E23000039"]
    )
    assert not f.duplicated("period_end").any()
    assert set(f["period_type"]) == {"month"}
    return dict(zip(f["period_end"], f["value"], strict=True))


@pytest.mark.realdata
@pytest.mark.parametrize("as_zip", [False, True], ids=["monthly files", "zip of months"])
def test_several_months_import_as_one_monthly_series(tmp_path, as_zip):
    """Three months (the real file with its Month column rewritten, each month a different
    number of its rows), uploaded as three files in any order or as one ZIP, give one
    monthly series per crime type, each month counted from its own file."""
    files = monthly_files()
    batch = [("dorset-3-months.zip", month_zip(files))] if as_zip else files[::-1]
    store = Store(f"sqlite:///{tmp_path / 'pcp.sqlite'}")
    report = import_files(batch, store, uploaded_by="tests")
    assert report.ok and len(report.published) == len(batch)
    asb = stored_series(store, "indicator", vocabulary.ANTI_SOCIAL_BEHAVIOUR)
    assert asb == expected_series("Anti-social behaviour")
    assert len(set(asb.values())) == 3  # three different counts: no month taken for another
    assert stored_series(store, "recorded_crime", "Burglary") == expected_series("Burglary")
    assert stored_series(
        store, "recorded_crime", "Violence and sexual offences"
    ) == expected_series("Violence and sexual offences")
    # the Dorset plan's monthly measure sees the three months as one series
    series = measure_series(store, asb_measure(), "E23000039")
    assert series.frequency == "month"
    assert {k.date().isoformat(): v for k, v in series.values.dropna().items()} == asb
    assert series.source == STREET_SOURCE


@pytest.mark.realdata
def test_monthly_files_and_a_zip_of_them_agree(tmp_path):
    """The same months uploaded twice, as monthly files and then as one ZIP (another
    edition, "December 2020 to February 2021"), leave one figure per month, unchanged."""
    files = monthly_files()
    store = Store(f"sqlite:///{tmp_path / 'pcp.sqlite'}")
    import_files(files, store, uploaded_by="tests")
    import_files([("dorset-3-months.zip", month_zip(files))], store, uploaded_by="tests")
    asb = store.facts(dataset="indicator", source=STREET_SOURCE, area_codes=["E23000039"])
    assert len(asb) == 3
    assert set(asb["edition"]) == {"December 2020 to February 2021"}
    assert dict(zip(asb["period_end"], asb["value"], strict=True)) == expected_series(
        "Anti-social behaviour"
    )
