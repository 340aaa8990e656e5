"""The words the store uses: datasets, measures and the categories each dataset holds.

Readers translate what a file says into these words; plans refer to them; pages show them.
Offence groups and subgroups follow the Home Office police recorded crime open data tables
(2017/18 edition), which is what analysts download.
"""

from __future__ import annotations

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
