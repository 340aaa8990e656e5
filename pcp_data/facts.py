"""The canonical tidy fact: one row per number. Every reader produces a frame of these.

Columns (all readers fill every one; use ``None``/NaN where there is nothing):

========== =====================================================================
dataset     one of ``vocabulary.DATASETS``
area_code   ONS code (E23/W15 for forces, E92/W92/K04 for nations, E12 regions) or
            ``LOCAL:<slug>`` for an area only the uploading force knows (a sample or
            imaginary force, a district)
area_name   canonical name for display
area_kind   force, region, nation or other (never mixed in comparisons)
period_start, period_end
            ISO dates, inclusive; a snapshot has start = end
period_type month, quarter, financial_year, rolling_year, year, snapshot
category    offence group, survey question, worker type, indicator name, ...
subcategory offence subgroup, respondent group, ...; ``""`` when none
measure     offences, rate_per_1000, satisfied, fte, headcount, persons, value, ...
value       the number (never NaN: a missing figure is not stored)
base        respondents or denominator where there is one, else NaN
source      publication, e.g. "PCP template", "Home Office police recorded crime open data"
sheet       sheet (or CSV file) the figure came from
edition     edition of the publication, e.g. "year ending June 2019"; ``""`` when none
========== =====================================================================

The *key* of a fact (what a revision replaces) is every column except value, base, sheet
and edition. Two sources giving the same figure are both kept, since ``source`` is in the key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FACT_COLUMNS: tuple[str, ...] = (
    "dataset",
    "area_code",
    "area_name",
    "area_kind",
    "period_start",
    "period_end",
    "period_type",
    "category",
    "subcategory",
    "measure",
    "value",
    "base",
    "source",
    "sheet",
    "edition",
)

KEY_COLUMNS: tuple[str, ...] = (
    "dataset",
    "area_code",
    "period_start",
    "period_end",
    "period_type",
    "category",
    "subcategory",
    "measure",
    "source",
)

PERIOD_TYPES: tuple[str, ...] = (
    "month",
    "quarter",
    "financial_year",
    "rolling_year",
    "year",
    "snapshot",
)

TEXT_COLUMNS = tuple(c for c in FACT_COLUMNS if c not in ("value", "base"))


def empty_facts() -> pd.DataFrame:
    """A facts frame with no rows and the canonical columns."""
    return normalise_facts(pd.DataFrame({c: [] for c in FACT_COLUMNS}))


def normalise_facts(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the canonical columns, in order, with canonical types.

    Dates become ISO strings (``YYYY-MM-DD``), text columns plain ``str`` (``""`` for none),
    value and base floats. Rows with the same key are summed (real files repeat keys that
    must be added, not de-duplicated); their base is summed too.
    """
    missing = [c for c in FACT_COLUMNS if c not in frame.columns and c not in ("base", "edition")]
    if missing:
        raise ValueError(f"facts frame lacks columns {missing}")
    out = pd.DataFrame(index=frame.index)
    for col in FACT_COLUMNS:
        if col in ("value", "base"):
            src = frame[col] if col in frame.columns else float("nan")
            out[col] = pd.to_numeric(pd.Series(src, index=frame.index), errors="raise").astype(
                "float64"
            )
        elif col in ("period_start", "period_end"):
            out[col] = _iso_dates(frame[col])
        else:
            src = frame[col] if col in frame.columns else ""
            out[col] = _text(pd.Series(src, index=frame.index))
    if out.empty:
        return out.reset_index(drop=True)
    # a column holding one value throughout does not split groups: leave it out of the key
    keys = [k for k in (*KEY_COLUMNS, "area_name", "area_kind") if not _constant(out[k])]
    if keys:
        codes = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(out), dtype=np.int64)
    groups = int(codes.max()) + 1
    if groups < len(out):
        # One row per key, in order of first appearance, holding the first row's sheet and
        # edition (text: never missing) and the sums (built-in aggregations, no per-group
        # Python); base is NaN when every base in the group is missing.
        first = np.unique(codes, return_index=True)[1]
        summed = out.iloc[first].reset_index(drop=True)
        summed["value"] = out["value"].groupby(codes).sum().to_numpy()
        summed["base"] = out["base"].groupby(codes).sum(min_count=1).to_numpy()
        out = summed
    return out.reset_index(drop=True)


def _constant(column: pd.Series) -> bool:
    """Every value equal to the first (and none missing)."""
    values = column.to_numpy()
    return bool((values == values[0]).all()) and not column.isna().any()


def _text(column: pd.Series) -> pd.Series:
    """``column.fillna("").astype(str).astype(object)``, skipping the conversions when the
    column already holds only str (no missing values)."""
    if column.dtype == object:
        if pd.api.types.infer_dtype(column, skipna=False) == "string":
            return column
    elif isinstance(column.dtype, pd.StringDtype) and not column.isna().any():
        return column.astype(object)
    return column.fillna("").astype(str).astype(object)


def _iso_dates(column: pd.Series) -> pd.Series:
    """``pd.to_datetime(column).dt.strftime("%Y-%m-%d")`` as objects, each distinct value
    converted once (a facts frame repeats a few dozen dates over thousands of rows)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)  # missing -> -1
    formatted = pd.to_datetime(pd.Series(uniques, dtype=column.dtype)).dt.strftime("%Y-%m-%d")
    # a trailing NaN, so that code -1 (missing: NaT formats as NaN) picks it
    table = np.append(formatted.to_numpy(dtype=object), np.nan)
    return pd.Series(table.take(codes), index=column.index, dtype=object)
