"""Which file would give a measure its figures: from what each reader declares it gives.

Every reader declares ``produces`` (`pcp_data.readers.Produces`: dataset, measures,
categories, and the file named in words). A measure with no figures shows `where_to_get`'s
sentence, built from those declarations, so a new reader (or a reader that learns a new
table) changes the sentence without a list per measure.

>>> where_to_get("indicator", "value", "Proven re-offending rate")
"No public file the product reads holds this measure: the template's Indicators sheet \
would give it figures."
"""

from __future__ import annotations

from pcp_data import vocabulary
from pcp_data.readers import READERS, Produces, _load_readers


def sources_for(
    dataset: str, measure: str, category: str | None, subcategory: str | None = None
) -> list[Produces]:
    """The declarations that give the selection: public files first (in the registry's
    order), the template's sheet last; each file named once."""
    _load_readers()
    found = [
        p for r in READERS for p in r.produces if p.gives(dataset, measure, category, subcategory)
    ]
    out: list[Produces] = []
    for p in sorted(found, key=lambda p: p.template):  # stable: registry order kept
        if p.where not in {q.where for q in out}:
            out.append(p)
    return out


def where_to_get(
    dataset: str, measure: str, category: str | None, subcategory: str | None = None
) -> str:
    """The sentence a measure with no figures shows: which file or template sheet gives it.

    Parameters
    ----------
    dataset, measure : str
        The measure's `pcp_data.plan.DataRef` dataset and measure.
    category, subcategory : str or None
        Its selection (None: all, e.g. all recorded crime).

    Examples
    --------
    >>> where_to_get("recorded_crime", "offences", "Theft offences", "Theft from a vehicle")
    "The Home Office police recorded crime open data tables or the template's Recorded \
crime sheet would give this measure figures. The ONS tables give theft from a vehicle, \
theft of a motor vehicle and vehicle interference only together, as Vehicle offences: \
none of them can be read from those tables alone."
    """
    found = sources_for(dataset, measure, category, subcategory)
    public = [p.where for p in found if not p.template]
    template = [p.where for p in found if p.template]
    if public:
        sentence = _either(public + template)
        sentence = sentence[0].upper() + sentence[1:] + " would give this measure figures."
    elif template:
        sentence = (
            "No public file the product reads holds this measure: "
            f"{_either(template)} would give it figures."
        )
    else:
        return "No file the product reads gives this measure."
    # a part published only inside a larger heading by a public table: say why that
    # table does not give it (the first such heading; the others say the same)
    renamed = any(
        (c.category, c.name) == (category, subcategory) for c in vocabulary.CLASSIFICATION_CHANGES
    )
    combined = (
        vocabulary.combined_headings(category, subcategory) if subcategory and not renamed else ()
    )
    if combined:
        sentence += f" {combined[0].words}."
    return sentence


def _either(names: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
