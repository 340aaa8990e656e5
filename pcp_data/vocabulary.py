"""The words the store uses: datasets, measures and the categories each dataset holds.

Readers translate what a file says into these words; plans refer to them; pages show them.
Offence groups and subgroups follow the Home Office police recorded crime open data tables
(2017/18 edition), which is what analysts download.
"""

from __future__ import annotations

from dataclasses import dataclass

DATASETS: dict[str, str] = {
    "recorded_crime": "Police recorded crime",
    "victim_satisfaction": "Victim satisfaction",
    "workforce": "Police workforce",
    "population": "Population",
    "indicator": "Other indicators",
}

# measure names that may appear in the `measure` column of facts, per dataset
MEASURES: dict[str, tuple[str, ...]] = {
    "recorded_crime": ("offences", "rate_per_1000"),
    "victim_satisfaction": ("satisfied",),
    "workforce": ("fte", "headcount"),
    "population": ("persons",),
    "indicator": ("value",),
}

OFFENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "Violence against the person": (
        "Homicide",
        "Violence with injury",
        "Violence without injury",
        "Stalking and harassment",
    ),
    "Sexual offences": ("Rape offences", "Other sexual offences"),
    "Robbery": ("Robbery of business property", "Robbery of personal property"),
    "Theft offences": (
        "Domestic burglary",
        "Non-domestic burglary",
        "Theft from a vehicle",
        "Theft of a motor vehicle",
        "Vehicle interference",
        "Theft from the person",
        "Bicycle theft",
        "Shoplifting",
        "Other theft offences",
    ),
    "Criminal damage and arson": ("Criminal damage", "Arson"),
    "Drug offences": ("Trafficking of drugs", "Possession of drugs"),
    "Possession of weapons offences": ("Possession of weapons offences",),
    "Public order offences": ("Public order offences",),
    "Miscellaneous crimes": ("Miscellaneous crimes",),
}

# Categories outside police recorded crime that data.police.uk reports alongside it.
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

SATISFACTION_QUESTIONS: tuple[str, ...] = (
    "Ease of contact",
    "Actions taken",
    "Kept informed",
    "Treatment",
    "Whole experience",
)

WORKER_TYPES: tuple[str, ...] = (
    "Police officers",
    "Police staff",
    "PCSOs",
    "Designated officers",
    "Special constables",
)

# Indicators the sample data carries; real indicator files may bring others.
SAMPLE_INDICATORS: tuple[str, ...] = (
    "Public confidence in the police",
    "Proven re-offending rate",
    "101 calls answered within 30 seconds",
)

# area kinds kept apart in the store so that regions and nations never mix with forces
AREA_KINDS: tuple[str, ...] = ("force", "region", "nation", "other")


# --------------------------------------------------------------------------- classification
# Publications name some offences differently, and recording rules renamed some over time.
# Readers keep each publication's own names (a figure is stored as published); these tables
# say which names are the same offences, from when, and the words that say so beside the
# figures. They are data for whoever assembles a measure's series, never applied in a reader.


@dataclass(frozen=True)
class ClassificationChange:
    """A vocabulary category that a publication gives under another name (the same offences).

    A plan's selection ``(category, name)`` (``category`` None when ``name`` is an offence
    group) may be read in ``publication`` as the selection ``(other_category, other_name)``
    (``other_name`` None when the other name is a category of its own, as data.police.uk's
    crime types are), for periods from ``since`` (ISO date, None: every period), and
    ``words`` are shown with the figures so read.
    """

    category: str | None
    name: str
    other_category: str | None
    other_name: str | None
    publication: str
    since: str | None
    words: str


@dataclass(frozen=True)
class CombinedHeading:
    """A heading a publication gives for several vocabulary categories together, so that none
    of them can be read from it alone (and it is never a substitute for one of them).

    ``(category, name)`` is the selection as published (``category`` None when ``name`` is a
    category of its own); ``parts`` are the vocabulary's (group, subgroup) selections it adds
    up (subgroup None: the whole group); ``words`` say so where a part is missing.
    """

    category: str | None
    name: str
    publication: str
    parts: tuple[tuple[str, str | None], ...]
    words: str


_ONS = "ONS Crime in England and Wales: Police Force Area data tables"
_POLICE_UK = "data.police.uk street-level crime"

CLASSIFICATION_CHANGES: tuple[ClassificationChange, ...] = (
    ClassificationChange(
        "Theft offences", "Domestic burglary", "Theft offences", "Residential burglary", _ONS,
        "2017-04-01",
        "From April 2017 domestic burglary is recorded as residential burglary (which also "
        "takes in sheds and garages within a home's grounds); the ONS tables call it "
        "Residential burglary, the Home Office tables keep the name Domestic burglary for the "
        "same offences (codes 28E-28H): ONS Residential burglary figures are shown for "
        "Domestic burglary"),
    ClassificationChange(
        "Theft offences", "Non-domestic burglary", "Theft offences", "Non-residential burglary",
        _ONS, "2017-04-01",
        "From April 2017 non-domestic burglary is recorded as business and community burglary "
        "(sheds and garages within a home's grounds moved to residential burglary); the ONS "
        "tables call it Non-residential burglary, the Home Office tables keep the name "
        "Non-domestic burglary for the same offences (codes 30C-30D): ONS Non-residential "
        "burglary figures are shown for Non-domestic burglary"),
    ClassificationChange(
        None, "Drug offences", "Drugs", None, _POLICE_UK, None,
        "data.police.uk calls drug offences Drugs: its Drugs figures are shown"),
    ClassificationChange(
        None, "Possession of weapons offences", "Possession of weapons", None, _POLICE_UK,
        None,
        "data.police.uk calls possession of weapons offences Possession of weapons: its "
        "figures are shown"),
    ClassificationChange(
        None, "Public order offences", "Public order", None, _POLICE_UK, None,
        "data.police.uk calls public order offences Public order: its figures are shown"),
    ClassificationChange(
        "Theft offences", "Shoplifting", "Shoplifting", None, _POLICE_UK, None,
        "data.police.uk gives shoplifting as a crime type of its own: its figures are shown"),
    ClassificationChange(
        "Theft offences", "Bicycle theft", "Bicycle theft", None, _POLICE_UK, None,
        "data.police.uk gives bicycle theft as a crime type of its own: its figures are shown"),
    ClassificationChange(
        "Theft offences", "Theft from the person", "Theft from the person", None, _POLICE_UK,
        None,
        "data.police.uk gives theft from the person as a crime type of its own: its figures "
        "are shown"),
    ClassificationChange(
        "Theft offences", "Other theft offences", "Other theft", None, _POLICE_UK, None,
        "data.police.uk calls other theft offences Other theft: its figures are shown"),
)

CLASSIFICATION_COMBINED: tuple[CombinedHeading, ...] = (
    CombinedHeading(
        "Theft offences", "Vehicle offences", _ONS,
        (("Theft offences", "Theft from a vehicle"), ("Theft offences", "Theft of a motor vehicle"),
         ("Theft offences", "Vehicle interference")),
        "The ONS tables give theft from a vehicle, theft of a motor vehicle and vehicle "
        "interference only together, as Vehicle offences: none of them can be read from "
        "those tables alone"),
    CombinedHeading(
        "Theft offences", "Burglary", _ONS,
        (("Theft offences", "Domestic burglary"), ("Theft offences", "Non-domestic burglary")),
        "The ONS tables' Burglary is residential and non-residential burglary together"),
    CombinedHeading(
        "Vehicle crime", "Vehicle crime", _POLICE_UK,
        (("Theft offences", "Theft from a vehicle"), ("Theft offences", "Theft of a motor vehicle"),
         ("Theft offences", "Vehicle interference")),
        "data.police.uk gives theft from a vehicle, theft of a motor vehicle and vehicle "
        "interference only together, as Vehicle crime: none of them can be read from it alone"),
    CombinedHeading(
        "Burglary", "Burglary", _POLICE_UK,
        (("Theft offences", "Domestic burglary"), ("Theft offences", "Non-domestic burglary")),
        "data.police.uk gives domestic and non-domestic burglary only together, as Burglary: "
        "neither can be read from it alone"),
    CombinedHeading(
        "Violence and sexual offences", "Violence and sexual offences", _POLICE_UK,
        (("Violence against the person", None), ("Sexual offences", None)),
        "data.police.uk gives violence against the person and sexual offences only together, "
        "as Violence and sexual offences: neither can be read from it alone"),
)


def combined_headings(category: str | None, subcategory: str | None
                      ) -> tuple[CombinedHeading, ...]:
    """The published headings that hold the vocabulary selection only inside a larger one.

    >>> [h.name for h in combined_headings("Theft offences", "Theft from a vehicle")]
    ['Vehicle offences', 'Vehicle crime']
    """
    return tuple(h for h in CLASSIFICATION_COMBINED
                 if (category, subcategory) in h.parts
                 or (subcategory is None and (category, None) in h.parts))
