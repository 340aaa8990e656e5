"""Generate the SYNTHETIC sample workbook in the product's own Excel template format.

    python sample_data/generate.py [--out PATH]      (default: sample_data/pcp_sample.xlsx)

Every figure is invented: an imaginary home force, "Northmoor Constabulary", and five
imaginary peers of similar size. The workbook says so on its "About" sheet, in the title row
of every data sheet and in its document properties.

The output is byte-for-byte deterministic: numpy generators with fixed seeds, fixed document
timestamps and fixed zip member timestamps. A few real changes are built in (``SHIFTS``), so
the statistics have something true to find; sample_data/README.md describes them.
"""

from __future__ import annotations

import argparse
import calendar
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pcp_data import vocabulary  # noqa: E402

SEED = 20240401
DEFAULT_OUT = Path(__file__).resolve().parent / "pcp_sample.xlsx"

SOURCE = "Synthetic sample data (not real figures)"
BANNER = "SYNTHETIC SAMPLE DATA, not real figures"
# fixed document and zip timestamps, so that the same run gives the same bytes
FIXED_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)

FIRST_MONTH = date(2020, 4, 1)  # start of financial year 2020/21
LAST_MONTH = date(2026, 9, 1)  # six complete financial years plus half of 2026/27
POPULATION_YEARS = tuple(range(2020, 2027))
# the proven re-offending measure is published with a lag, so its series ends earlier
REOFFENDING_LAST_QUARTER = (2025, 2)


@dataclass(frozen=True)
class Area:
    """An imaginary force area. ``crime`` and ``workforce`` scale the home force's figures."""

    name: str
    population: int  # mid-2020 estimate
    crime: float
    workforce: float
    home: bool = False


HOME = "Northmoor Constabulary"
AREAS: tuple[Area, ...] = (
    Area(HOME, 1_100_000, 1.00, 1.00, home=True),
    Area("Eastwold Police", 930_000, 0.85, 0.84),
    Area("Southfen Constabulary", 1_280_000, 1.18, 1.17),
    Area("Westmarch Police", 1_040_000, 0.92, 0.94),
    Area("Highdale Police", 1_390_000, 1.22, 1.24),
    Area("Lowmere Constabulary", 850_000, 0.82, 0.80),
)
PEERS: tuple[str, ...] = tuple(a.name for a in AREAS if not a.home)


@dataclass(frozen=True)
class Shift:
    """A real change built into the home force's data.

    kind "step": the level is multiplied by (1 + change) from ``start`` on (for a rate,
    ``change`` is added in percentage points instead, see ``unit``).
    kind "trend": the level grows by ``change`` (a fraction of the base level) per year from
    ``start`` on, with no end.
    kind "ramp": the level grows linearly by ``change`` (a fraction) from ``start`` to ``end``
    and stays there.
    """

    name: str
    sheet: str
    area: str
    category: str  # offence group, survey question or worker type
    subcategory: str | None  # offence subgroup, where there is one
    kind: str
    start: date
    end: date | None
    change: float
    unit: str  # "relative" (fraction of the level) or "percentage points"
    description: str


SHIFTS: tuple[Shift, ...] = (
    Shift(
        "violence_with_injury_step",
        "Recorded crime",
        HOME,
        "Violence against the person",
        "Violence with injury",
        "step",
        date(2024, 4, 1),
        None,
        0.15,
        "relative",
        "Violence with injury steps up 15% from April 2024 and stays up.",
    ),
    Shift(
        "shoplifting_trend",
        "Recorded crime",
        HOME,
        "Theft offences",
        "Shoplifting",
        "trend",
        date(2023, 1, 1),
        None,
        0.20,
        "relative",
        "Shoplifting rises steadily from January 2023, by 20% of its earlier level a year.",
    ),
    Shift(
        "domestic_burglary_fall",
        "Recorded crime",
        HOME,
        "Theft offences",
        "Domestic burglary",
        "step",
        date(2025, 10, 1),
        None,
        -0.20,
        "relative",
        "Domestic burglary falls 20% from October 2025 (a recent improvement).",
    ),
    Shift(
        "kept_informed_fall",
        "Victim satisfaction",
        HOME,
        "Kept informed",
        None,
        "step",
        date(2025, 4, 1),
        None,
        -8.0,
        "percentage points",
        "Satisfaction with being kept informed falls 8 percentage points from April 2025.",
    ),
    Shift(
        "officer_uplift",
        "Workforce",
        HOME,
        "Police officers",
        None,
        "ramp",
        date(2020, 3, 31),
        date(2023, 3, 31),
        0.08,
        "relative",
        "Police officer FTE rises 8% between March 2020 and March 2023, then stays flat.",
    ),
)


def shift_factor(shift: Shift, when: date) -> float:
    """The multiplier (relative shifts) or the addition in points a shift gives on a date."""
    neutral = 0.0 if shift.unit == "percentage points" else 1.0
    if when < shift.start:
        return neutral
    if shift.kind == "step":
        return shift.change if shift.unit == "percentage points" else 1.0 + shift.change
    years = (when - shift.start).days / 365.25
    if shift.kind == "trend":
        return 1.0 + shift.change * years
    if shift.kind == "ramp":
        assert shift.end is not None
        span = (shift.end - shift.start).days / 365.25
        return 1.0 + shift.change * min(years / span, 1.0)
    raise ValueError(f"unknown shift kind {shift.kind!r}")


def _shifts_for(sheet: str, area: str, category: str, subcategory: str | None) -> list[Shift]:
    return [
        s
        for s in SHIFTS
        if s.sheet == sheet
        and s.area == area
        and s.category == category
        and s.subcategory == subcategory
    ]


# --- recorded crime ---------------------------------------------------------------------------

# home force mean offences a month (before any shift), seasonal amplitude, peak month
SUMMER, WINTER, DECEMBER = 7, 1, 12
OFFENCE_PROFILE: dict[tuple[str, str], tuple[float, float, int]] = {
    ("Violence against the person", "Homicide"): (0.8, 0.0, SUMMER),
    ("Violence against the person", "Violence with injury"): (700, 0.10, SUMMER),
    ("Violence against the person", "Violence without injury"): (800, 0.08, SUMMER),
    ("Violence against the person", "Stalking and harassment"): (450, 0.04, SUMMER),
    ("Sexual offences", "Rape offences"): (55, 0.06, SUMMER),
    ("Sexual offences", "Other sexual offences"): (95, 0.06, SUMMER),
    ("Robbery", "Robbery of business property"): (8, 0.10, WINTER),
    ("Robbery", "Robbery of personal property"): (45, 0.08, WINTER),
    ("Theft offences", "Domestic burglary"): (150, 0.14, WINTER),
    ("Theft offences", "Non-domestic burglary"): (120, 0.10, WINTER),
    ("Theft offences", "Theft from a vehicle"): (200, 0.12, WINTER),
    ("Theft offences", "Theft of a motor vehicle"): (80, 0.10, WINTER),
    ("Theft offences", "Vehicle interference"): (25, 0.10, WINTER),
    ("Theft offences", "Theft from the person"): (40, 0.10, DECEMBER),
    ("Theft offences", "Bicycle theft"): (60, 0.30, SUMMER),
    ("Theft offences", "Shoplifting"): (330, 0.06, DECEMBER),
    ("Theft offences", "Other theft offences"): (350, 0.08, SUMMER),
    ("Criminal damage and arson", "Criminal damage"): (480, 0.08, SUMMER),
    ("Criminal damage and arson", "Arson"): (25, 0.20, SUMMER),
    ("Drug offences", "Trafficking of drugs"): (35, 0.0, SUMMER),
    ("Drug offences", "Possession of drugs"): (170, 0.05, SUMMER),
    ("Possession of weapons offences", "Possession of weapons offences"): (60, 0.06, SUMMER),
    ("Public order offences", "Public order offences"): (520, 0.10, SUMMER),
    ("Miscellaneous crimes", "Miscellaneous crimes"): (120, 0.03, SUMMER),
}

# lockdown in spring 2020: most crime fell, drug possession (stop and search) rose
COVID_DIP: dict[date, float] = {
    date(2020, 4, 1): 0.78,
    date(2020, 5, 1): 0.85,
    date(2020, 6, 1): 0.93,
}
COVID_EXCEPTIONS: dict[str, float] = {
    "Possession of drugs": 1.25,
    "Shoplifting": 0.60,
    "Theft from the person": 0.55,
}


def months(first: date = FIRST_MONTH, last: date = LAST_MONTH) -> Iterator[date]:
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def seasonal(month: int, amplitude: float, peak: int) -> float:
    return 1.0 + amplitude * np.cos(2 * np.pi * (month - peak) / 12)


def covid(month: date, subgroup: str) -> float:
    dip = COVID_DIP.get(month)
    if dip is None:
        return 1.0
    special = COVID_EXCEPTIONS.get(subgroup)
    if special is None:
        return dip
    # the exceptions ease back towards normal over the three months as the dip does
    return 1.0 + (special - 1.0) * (1.0 - dip) / (1.0 - COVID_DIP[FIRST_MONTH])


def recorded_crime(rng: np.random.Generator) -> list[list]:
    missing = {(g, s) for g, subs in vocabulary.OFFENCE_GROUPS.items() for s in subs} ^ set(
        OFFENCE_PROFILE
    )
    assert not missing, f"OFFENCE_PROFILE and vocabulary.OFFENCE_GROUPS differ: {missing}"
    groups = vocabulary.OFFENCE_GROUPS
    group_base = {g: sum(OFFENCE_PROFILE[(g, s)][0] for s in subs) for g, subs in groups.items()}
    rows = []
    for area in AREAS:
        # peers differ from the home force in mix (keeping their overall size) and have
        # gentle trends of their own; the home force changes only through SHIFTS
        mixes = {g: 1.0 if area.home else float(np.exp(rng.normal(0.0, 0.12))) for g in groups}
        norm = sum(group_base[g] * mixes[g] for g in groups) / sum(group_base.values())
        trends = {g: 0.0 if area.home else float(rng.normal(0.01, 0.02)) for g in groups}
        for group, subgroups in groups.items():
            mix, trend = mixes[group] / norm, trends[group]
            for subgroup in subgroups:
                base, amplitude, peak = OFFENCE_PROFILE[(group, subgroup)]
                shifts = _shifts_for("Recorded crime", area.name, group, subgroup)
                for month in months():
                    years = (month - FIRST_MONTH).days / 365.25
                    mean = base * area.crime * mix * (1.0 + trend * years)
                    mean *= seasonal(month.month, amplitude, peak) * covid(month, subgroup)
                    for s in shifts:
                        mean *= shift_factor(s, month)
                    rows.append([month, area.name, group, subgroup, int(rng.poisson(mean))])
    return rows


# --- victim satisfaction ----------------------------------------------------------------------

SATISFACTION_BASE: dict[str, float] = {
    "Ease of contact": 88.0,
    "Actions taken": 75.0,
    "Kept informed": 72.0,
    "Treatment": 90.0,
    "Whole experience": 79.0,
}


def victim_satisfaction(rng: np.random.Generator) -> list[list]:
    assert set(SATISFACTION_BASE) == set(vocabulary.SATISFACTION_QUESTIONS)
    rows = []
    for area in AREAS:
        offsets = {
            q: 0.0 if area.home else float(rng.normal(0.0, 3.0))
            for q in vocabulary.SATISFACTION_QUESTIONS
        }
        for month in months():
            surveyed = int(rng.integers(55, 121))  # victims interviewed that month
            for question in vocabulary.SATISFACTION_QUESTIONS:
                # not every victim answers every question
                respondents = max(40, surveyed - int(rng.integers(0, 16)))
                rate = SATISFACTION_BASE[question] + offsets[question]
                for s in _shifts_for("Victim satisfaction", area.name, question, None):
                    rate += shift_factor(s, month)
                satisfied = int(rng.binomial(respondents, min(max(rate, 0.0), 100.0) / 100))
                rows.append([month, area.name, question, "All victims", respondents, satisfied])
    return rows


# --- workforce --------------------------------------------------------------------------------

# home force FTE at 31 March 2020, headcount per FTE, and change a year (fraction) thereafter
WORKFORCE_PROFILE: dict[str, tuple[float, float, float]] = {
    "Police officers": (1065.0, 1.03, 0.0),
    "Police staff": (880.0, 1.13, 0.008),
    "PCSOs": (165.0, 1.06, -0.025),
    "Designated officers": (36.0, 1.05, 0.03),
    # specials are volunteers: a notional FTE (hours given / 37), about 0.18 of headcount
    "Special constables": (27.0, 1 / 0.18, -0.06),
}


def quarter_ends(first: date = date(2020, 3, 31), last: date = date(2026, 9, 30)) -> Iterator[date]:
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield date(y, m, calendar.monthrange(y, m)[1])
        y, m = (y + 1, 3) if m == 12 else (y, m + 3)


def workforce(rng: np.random.Generator) -> list[list]:
    assert set(WORKFORCE_PROFILE) == set(vocabulary.WORKER_TYPES)
    rows = []
    for area in AREAS:
        for worker in vocabulary.WORKER_TYPES:
            fte0, per_fte, growth = WORKFORCE_PROFILE[worker]
            scale = area.workforce * (1.0 if area.home else float(np.exp(rng.normal(0, 0.05))))
            shifts = _shifts_for("Workforce", area.name, worker, None)
            uplift = 0.0
            if worker == "Police officers" and not area.home:
                # the national uplift happened everywhere, at each force's own size
                uplift = float(rng.uniform(0.06, 0.12))
            for when in quarter_ends():
                years = (when - date(2020, 3, 31)).days / 365.25
                level = fte0 * scale * (1.0 + growth * years)
                for s in shifts:
                    level *= shift_factor(s, when)
                if uplift:
                    level *= 1.0 + uplift * min(years / 3.0, 1.0)
                fte = round(max(level * (1.0 + rng.normal(0.0, 0.004)), 1.0), 2)
                headcount = max(
                    int(np.ceil(fte * per_fte * (1.0 + rng.normal(0.0, 0.005)))), int(np.ceil(fte))
                )
                rows.append([when, area.name, worker, fte, headcount])
    return rows


# --- population -------------------------------------------------------------------------------


def population(rng: np.random.Generator) -> list[list]:
    rows = []
    for area in AREAS:
        growth = 0.006 if area.home else float(rng.uniform(0.002, 0.009))
        level = float(area.population)
        for year in POPULATION_YEARS:
            rows.append([year, area.name, round(level)])
            level *= 1.0 + growth + rng.normal(0.0, 0.001)
    return rows


# --- indicators -------------------------------------------------------------------------------


def quarters(first: date = FIRST_MONTH, last: tuple[int, int] | None = None) -> Iterator[str]:
    y, q = first.year, (first.month - 1) // 3 + 1
    last = last or (LAST_MONTH.year, (LAST_MONTH.month - 1) // 3 + 1)
    while (y, q) <= last:
        yield f"{y} Q{q}"
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)


def _rate_row(period: str, area: str, indicator: str, numerator: int, denominator: int) -> list:
    return [
        period,
        area,
        indicator,
        round(100 * numerator / denominator, 1),
        numerator,
        denominator,
    ]


def indicators(rng: np.random.Generator) -> list[list]:
    assert set(vocabulary.SAMPLE_INDICATORS) == {
        "Public confidence in the police",
        "Proven re-offending rate",
        "101 calls answered within 30 seconds",
    }
    rows = []
    for area in AREAS:
        home = area.home
        # public confidence: a household survey of 400-600 people a quarter
        level = 0.74 if home else float(rng.uniform(0.68, 0.80))
        for i, period in enumerate(quarters()):
            asked = int(rng.integers(400, 601))
            p = level - 0.002 * i  # a slow national drift downwards
            rows.append(
                _rate_row(
                    period,
                    area.name,
                    "Public confidence in the police",
                    int(rng.binomial(asked, p)),
                    asked,
                )
            )
        # proven re-offending: quarterly offender cohorts, published with a lag
        level = 0.25 if home else float(rng.uniform(0.22, 0.29))
        for period in quarters(last=REOFFENDING_LAST_QUARTER):
            cohort = int(rng.poisson(2200 * area.crime))
            rows.append(
                _rate_row(
                    period,
                    area.name,
                    "Proven re-offending rate",
                    int(rng.binomial(cohort, level)),
                    cohort,
                )
            )
        # 101 calls: monthly, worse in the busy summer months, slowly improving
        level = 0.70 if home else float(rng.uniform(0.60, 0.80))
        for i, month in enumerate(months()):
            calls = int(rng.poisson(18_000 * area.crime * seasonal(month.month, 0.08, SUMMER)))
            p = min(level + 0.0008 * i - 0.05 * (seasonal(month.month, 1.0, SUMMER) - 1.0), 0.97)
            rows.append(
                _rate_row(
                    month.strftime("%Y-%m"),
                    area.name,
                    "101 calls answered within 30 seconds",
                    int(rng.binomial(calls, p)),
                    calls,
                )
            )
    return rows


# --- the workbook -----------------------------------------------------------------------------

RowBuilder = Callable[[np.random.Generator], list[list]]
SHEETS: dict[str, tuple[tuple[str, ...], RowBuilder, dict[str, str]]] = {
    # sheet name: (header, row builder, number format per column)
    "Recorded crime": (
        ("Month", "Area", "Offence group", "Offence subgroup", "Offences"),
        recorded_crime,
        {"Month": "mmm yyyy", "Offences": "#,##0"},
    ),
    "Victim satisfaction": (
        ("Month", "Area", "Question", "Group", "Respondents", "Satisfied"),
        victim_satisfaction,
        {"Month": "mmm yyyy"},
    ),
    "Workforce": (
        ("As at", "Area", "Worker type", "FTE", "Headcount"),
        workforce,
        {"As at": "dd/mm/yyyy", "FTE": "#,##0.00", "Headcount": "#,##0"},
    ),
    "Population": (("Year", "Area", "Population"), population, {"Population": "#,##0"}),
    "Indicators": (
        ("Period", "Area", "Indicator", "Value", "Numerator", "Denominator"),
        indicators,
        {"Value": "0.0", "Numerator": "#,##0", "Denominator": "#,##0"},
    ),
}
TITLE_ROWS = 2  # a title row and a blank row above each data sheet's header


def about_rows() -> list[tuple[str, str]]:
    return [
        ("Source", SOURCE),
        (
            "Description",
            "SYNTHETIC SAMPLE DATA — NOT REAL FIGURES. An imaginary home force "
            f"({HOME}) and five imaginary peer forces, in the dashboard's own Excel template "
            "format, for demonstrating and testing the dashboard. No figure describes any real "
            "police force.",
        ),
        ("Generated by", "sample_data/generate.py"),
        ("Seed", str(SEED)),
        ("Home force", HOME),
        ("Peer forces", ", ".join(PEERS)),
        ("Recorded crime", f"Monthly, {FIRST_MONTH:%B %Y} to {LAST_MONTH:%B %Y}"),
        ("Victim satisfaction", f"Monthly, {FIRST_MONTH:%B %Y} to {LAST_MONTH:%B %Y}"),
        ("Workforce", "Quarterly snapshots, 31 March 2020 to 30 September 2026"),
        ("Population", f"Mid-year estimates, {POPULATION_YEARS[0]} to {POPULATION_YEARS[-1]}"),
        ("Indicators", ", ".join(vocabulary.SAMPLE_INDICATORS)),
        *((f"Built-in change: {s.name}", f"{s.area}: {s.description}") for s in SHIFTS),
    ]


def build_workbook() -> Workbook:
    wb = Workbook()
    about = wb.active
    about.title = "About"
    about.append(("Key", "Value"))
    for row in about_rows():
        about.append(row)
    for cell in about[1]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 42
    about.column_dimensions["B"].width = 110

    for index, (name, (header, build, formats)) in enumerate(SHEETS.items(), start=1):
        ws = wb.create_sheet(name)
        ws.append((f"{name} — {BANNER}",))
        ws["A1"].font = Font(bold=True, color="C00000")
        ws.append(())
        ws.append(header)
        for cell in ws[TITLE_ROWS + 1]:
            cell.font = Font(bold=True)
        for row in build(np.random.default_rng([SEED, index])):
            ws.append(row)
        for col, title in enumerate(header, start=1):
            letter = ws.cell(row=TITLE_ROWS + 1, column=col).column_letter
            ws.column_dimensions[letter].width = max(14, len(title) + 4)
            if title in (
                "Area",
                "Offence group",
                "Offence subgroup",
                "Question",
                "Indicator",
                "Worker type",
            ):
                ws.column_dimensions[letter].width = 36
            fmt = formats.get(title)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=TITLE_ROWS + 2, min_col=col, max_col=col):
                    cell.number_format = fmt
        ws.freeze_panes = ws.cell(row=TITLE_ROWS + 2, column=1)

    props = wb.properties
    props.title = "Police and Crime Plan dashboard — SYNTHETIC sample data"
    props.subject = SOURCE
    props.description = "SYNTHETIC SAMPLE DATA, not real figures. Made by sample_data/generate.py."
    props.creator = "sample_data/generate.py"
    props.lastModifiedBy = "sample_data/generate.py"
    props.created = FIXED_TIMESTAMP
    props.modified = FIXED_TIMESTAMP
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes() -> bytes:
    """The workbook as bytes, identical on every run."""
    raw = io.BytesIO()
    build_workbook().save(raw)  # openpyxl stamps "modified" with the time of saving
    fixed = io.BytesIO()
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, data, compresslevel=6)
    return fixed.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="workbook to write")
    args = parser.parse_args(argv)
    data = workbook_bytes()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
