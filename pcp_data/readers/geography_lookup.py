"""ONS geography lookups that map local authorities to police force areas.

Recognised by content: a header with a police force area code column (``PFA16CD``,
``PFA23CD``, ...) and its name column (``PFA16NM``). Such a file holds no figures: the
reader checks every force code and name in it against the canonical list
(`pcp_data.forces`), so a renamed or unknown force is found, and stores nothing but the
file itself (kept with its upload for provenance).
"""

from __future__ import annotations

import re

from pcp_data.cleaning import is_blank
from pcp_data.errors import Problem
from pcp_data.forces import AreaMismatch, resolve_code_and_name
from pcp_data.readers import Produces, ReadResult, register
from pcp_data.readers.source import Source, column_letter

_CODE = re.compile(r"^PFA\d{2}CD$", re.IGNORECASE)
_NAME = re.compile(r"^PFA\d{2}NM$", re.IGNORECASE)


def _columns(header: list[object]) -> tuple[int, int] | None:
    cells = [str(c).strip() for c in header]
    code = next((i for i, c in enumerate(cells) if _CODE.match(c)), None)
    name = next((i for i, c in enumerate(cells) if _NAME.match(c)), None)
    return None if code is None or name is None else (code, name)


class GeographyLookupReader:
    format = "ons_geography_lookup"
    label = "ONS geography lookup to police force areas (PFAyyCD, PFAyyNM)"
    produces: tuple[Produces, ...] = ()  # areas, not figures

    def sniff(self, source: Source) -> bool:
        if source.kind not in ("csv", "xlsx", "ods"):
            return False
        rows = source.rows(source.sheet_names[0])
        return bool(rows) and _columns(rows[0]) is not None

    def read(self, source: Source) -> ReadResult:
        sheet = source.sheet_names[0]
        rows = source.rows(sheet)
        result = ReadResult(source.name, self.format, self.label, sheets=[sheet])
        found = _columns(rows[0])
        assert found is not None
        code_col, name_col = found
        header = [str(c).strip() for c in rows[0]]
        checked: dict[tuple[str, str], int] = {}
        for i, row in enumerate(rows[1:], start=1):
            if all(is_blank(c) for c in row):
                continue
            code = row[code_col] if code_col < len(row) else ""
            name = row[name_col] if name_col < len(row) else ""
            key = (str(code).strip(), str(name).strip())
            if key in checked:
                continue
            checked[key] = i
            try:
                area = resolve_code_and_name(code, name)
            except AreaMismatch as exc:
                result.problems.append(
                    Problem(
                        source.name,
                        str(exc),
                        sheet,
                        i + 1,
                        column=f"{column_letter(name_col)} ({header[name_col]})",
                        value=name,
                        expected="the name of the force with that code",
                    )
                )
                continue
            if area is None or area.kind != "force":
                result.problems.append(
                    Problem(
                        source.name,
                        "not a known police force area code",
                        sheet,
                        i + 1,
                        column=f"{column_letter(code_col)} ({header[code_col]})",
                        value=code,
                        expected="an E23 or W15 code of one of the 43 forces",
                    )
                )
        if not result.problems:
            result.warnings.append(
                f"a geography lookup: {len(checked)} police force areas checked against the "
                "canonical list; it holds no figures, so only the file itself is kept"
            )
        return result


register(GeographyLookupReader())
