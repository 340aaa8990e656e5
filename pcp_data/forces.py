"""The canonical list of police force areas (ONS E23/W15 codes), nations and regions.

Every reader resolves the names and codes it finds here, so one force has one code whatever
the source calls it (``Devon & Cornwall``, ``Devon and Cornwall``, ``Dorset Police``...).
Rows that are not forces (regions, nations) resolve to their own kind and are never mixed
with forces; rows that are no area at all (totals, secondments, British Transport Police,
Action Fraud) resolve to ``None`` through `classify_non_area`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """An area the store knows: ``kind`` is force, region, nation or other."""

    code: str
    name: str
    kind: str


FORCES: tuple[tuple[str, str], ...] = (
    ("E23000001", "Metropolitan Police"),
    ("E23000002", "Cumbria"),
    ("E23000003", "Lancashire"),
    ("E23000004", "Merseyside"),
    ("E23000005", "Greater Manchester"),
    ("E23000006", "Cheshire"),
    ("E23000007", "Northumbria"),
    ("E23000008", "Durham"),
    ("E23000009", "North Yorkshire"),
    ("E23000010", "West Yorkshire"),
    ("E23000011", "South Yorkshire"),
    ("E23000012", "Humberside"),
    ("E23000013", "Cleveland"),
    ("E23000014", "West Midlands"),
    ("E23000015", "Staffordshire"),
    ("E23000016", "West Mercia"),
    ("E23000017", "Warwickshire"),
    ("E23000018", "Derbyshire"),
    ("E23000019", "Nottinghamshire"),
    ("E23000020", "Lincolnshire"),
    ("E23000021", "Leicestershire"),
    ("E23000022", "Northamptonshire"),
    ("E23000023", "Cambridgeshire"),
    ("E23000024", "Norfolk"),
    ("E23000025", "Suffolk"),
    ("E23000026", "Bedfordshire"),
    ("E23000027", "Hertfordshire"),
    ("E23000028", "Essex"),
    ("E23000029", "Thames Valley"),
    ("E23000030", "Hampshire"),
    ("E23000031", "Surrey"),
    ("E23000032", "Kent"),
    ("E23000033", "Sussex"),
    ("E23000034", "City of London"),
    ("E23000035", "Devon and Cornwall"),
    ("E23000036", "Avon and Somerset"),
    ("E23000037", "Gloucestershire"),
    ("E23000038", "Wiltshire"),
    ("E23000039", "Dorset"),
    ("W15000001", "North Wales"),
    ("W15000002", "Gwent"),
    ("W15000003", "South Wales"),
    ("W15000004", "Dyfed-Powys"),
)

NATIONS: tuple[tuple[str, str], ...] = (
    ("K04000001", "England and Wales"),
    ("E92000001", "England"),
    ("W92000004", "Wales"),
)

REGIONS: tuple[tuple[str, str], ...] = (
    ("E12000001", "North East"),
    ("E12000002", "North West"),
    ("E12000003", "Yorkshire and The Humber"),
    ("E12000004", "East Midlands"),
    ("E12000005", "West Midlands region"),
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
)

# Other spellings seen in published files (see ../shared/realdata/README.md), normalised.
ALIASES: dict[str, str] = {
    "devon & cornwall": "E23000035",
    "london, city of": "E23000034",
    "city of london police": "E23000034",
    "metropolitan police service": "E23000001",
    "metropolitan": "E23000001",
    "dyfed powys": "W15000004",
    "avon & somerset": "E23000036",
    "england & wales": "K04000001",
    "yorkshire and the humber": "E12000003",
    "yorkshire & the humber": "E12000003",
    "yorkshire and humber": "E12000003",
    "east": "E12000006",
    "eastern": "E12000006",
    # more spellings met in Home Office, ONS and data.police.uk files
    "london city of": "E23000034",
    "city of london": "E23000034",
    "metropolitan police": "E23000001",
    "met police": "E23000001",
    "dyfed-powys": "W15000004",
    "devon and cornwall": "E23000035",
    "hampshire and isle of wight": "E23000030",
    "hampshire & isle of wight": "E23000030",
    "west midlands region": "E12000005",
    "east of england": "E12000006",
    "north east region": "E12000001",
    "england and wales": "K04000001",
}

_SUFFIXES = re.compile(
    r"\b(police service|police force|constabulary|police)\s*$", flags=re.IGNORECASE
)


def normalise_name(text: object) -> str:
    """Lower-case, single-spaced, footnote digits and a police/constabulary suffix removed."""
    t = str(text).replace("\u00a0", " ").strip()
    t = re.sub(r"(?<=[A-Za-z\)])[\d,]+$", "", t)  # footnote digits glued on: Essex10
    t = re.sub(r"\s+", " ", t).strip().lower()
    t = t.replace("’", "'")
    bare = _SUFFIXES.sub("", t).strip()
    return bare or t


_BY_CODE: dict[str, Area] = {}
_BY_NAME: dict[str, Area] = {}


def _register(code: str, name: str, kind: str) -> None:
    area = Area(code, name, kind)
    _BY_CODE[code] = area
    _BY_NAME.setdefault(normalise_name(name), area)
    _BY_NAME.setdefault(name.lower(), area)


for _code, _name in FORCES:
    _register(_code, _name, "force")
for _code, _name in NATIONS:
    _register(_code, _name, "nation")
for _code, _name in REGIONS:
    _register(_code, _name, "region")
_BY_NAME["west midlands"] = _BY_CODE["E23000014"]  # the force; the region says "region"
for _alias, _code in ALIASES.items():
    _BY_NAME[normalise_name(_alias)] = _BY_CODE[_code]
    _BY_NAME[_alias] = _BY_CODE[_code]


def resolve_area(text: object) -> Area | None:
    """The area a name or code denotes, or None when it is not known.

    >>> resolve_area("Devon & Cornwall").code
    'E23000035'
    >>> resolve_area("Dorset Police").name
    'Dorset'
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if raw.upper() in _BY_CODE:
        return _BY_CODE[raw.upper()]
    return _BY_NAME.get(raw.lower()) or _BY_NAME.get(normalise_name(raw))


def nearest_area(text: object, *, cutoff: float = 0.6) -> Area | None:
    """The known area whose name (or a common spelling of it) is nearest ``text``, to
    suggest for a name that is not known (a typo); None when none is near enough.

    >>> nearest_area("Durhm").name
    'Durham'
    >>> nearest_area("Atlantis Constabulary") is None
    True
    """
    key = normalise_name(text)
    near = difflib.get_close_matches(key, list(_BY_NAME), n=1, cutoff=cutoff)
    return _BY_NAME[near[0]] if near else None


def force_by_code(code: str) -> Area:
    """The area with ONS ``code``; KeyError names the code when unknown."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no area has the code {code!r}") from None


def all_forces() -> list[Area]:
    """The 43 territorial forces of England and Wales."""
    return [a for a in _BY_CODE.values() if a.kind == "force"]


def local_area(name: str, kind: str = "force") -> Area:
    """An area only the uploading force knows (a district, or an imaginary sample force).

    Its code is ``LOCAL:<slug>`` so it can never collide with an ONS code. ``kind`` is
    "force" for an imaginary sample force, "other" for a district or borough (which must
    never be compared with forces).

    >>> local_area("Richmond Upon Thames", kind="other")
    Area(code='LOCAL:richmond-upon-thames', name='Richmond Upon Thames', kind='other')
    """
    clean = re.sub(r"\s+", " ", str(name)).strip()
    slug = re.sub(r"[^a-z0-9]+", "-", clean.lower()).strip("-")
    return Area(f"LOCAL:{slug}", clean, kind)


# Rows that are no police force area: (pattern on the normalised name, reason). Matched
# whole, after footnote digits and a police suffix are removed.
NON_AREAS: tuple[tuple[str, str], ...] = (
    (r"british transport( police)?|btp", "British Transport Police is not a police force area"),
    (r"action fraud", "Action Fraud records fraud nationally, not for a police force area"),
    (r"cifas", "CIFAS reports fraud nationally, not for a police force area"),
    (r"uk finance", "UK Finance reports fraud nationally, not for a police force area"),
    (r"financial fraud action( uk)?", "Financial Fraud Action UK reports fraud nationally"),
    (
        r"(central|national) service secondments?|secondments?",
        "secondments are not a police force area",
    ),
    (
        r"national crime agency|nca|civil nuclear( constabulary)?|ministry of defence|mod",
        "a national or special body, not a territorial force",
    ),
    (
        r"(grand )?totals?( \d+ forces)?( \(\d+ forces\))?|all forces|\d+ forces( total)?",
        "a total row, not an area",
    ),
    (r"england and wales \(?incl(uding|\.)? btp\)?", "a total including British Transport Police"),
)
_NON_AREAS = tuple((re.compile(rf"^(?:{p})$"), reason) for p, reason in NON_AREAS)


def classify_non_area(text: object) -> str | None:
    """Why a row label is not an area to store (a reason to set it aside), or None.

    >>> classify_non_area("Total 43 forces")
    'a total row, not an area'
    >>> classify_non_area("Durham") is None
    True
    """
    raw = normalise_name(str(text)) if text is not None else ""
    if not raw:
        return None
    variants = {raw, raw.replace(" & ", " and ")}
    m = re.match(r"^total (\d+) forces$", raw)
    if m:
        return "a total row, not an area"
    for pattern, reason in _NON_AREAS:
        if any(pattern.match(v) for v in variants):
            return reason
    return None


class AreaMismatch(ValueError):
    """A row whose code and name denote different areas."""


def resolve_code_and_name(code: object, name: object) -> Area | None:
    """The area a row gives by ONS code and name, the code winning (join on codes).

    With a known code the name is only checked: a name that denotes another area of the
    same kind raises `AreaMismatch` (a region and a force may share a name, as "West
    Midlands" does). With no code the name is resolved. None when neither is known.
    """
    code_text = str(code).strip().upper() if code is not None else ""
    if code_text and re.fullmatch(r"[EWKSN]\d{8}", code_text):
        area = _BY_CODE.get(code_text)
        if area is None:
            return None
        by_name = resolve_area(name) if name not in (None, "") else None
        if by_name is not None and by_name.kind == area.kind and by_name.code != area.code:
            raise AreaMismatch(f"code {code_text} is {area.name} but the name says {by_name.name}")
        return area
    return resolve_area(name)
