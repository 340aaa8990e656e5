"""User text made safe to put in markdown: it shows as written and is never interpreted.

Area names, plan titles, commentary authors, file names and upload reports come from users
and uploaded files. Streamlit renders headings, captions, alerts, labels and ``st.markdown``
as markdown (plus its own ``:color[...]``, ``:material/icon:`` and ``$maths$``), so a name
such as ``[text](http://x)`` would become a live link. `escape` puts a backslash before every
ASCII punctuation character (CommonMark lets any of them be escaped), so nothing in the text
can open a link, an image, emphasis, a heading, a directive, HTML or maths.

`escape` puts a backslash before every character that can begin or end a markdown
construct (CommonMark lets any ASCII punctuation be escaped): brackets and parentheses
(links, images), ``< >`` (HTML, autolinks), ``* _ ~ `` and backticks (emphasis, code), ``# + -
. ! | >`` (headings, lists, tables, quotes), ``:`` and ``.`` (Streamlit's directives and
icons; bare ``http://`` and ``www.`` links), ``$`` (maths), ``&`` (entities) and the
backslash itself. Commas, quotes, question marks and the like stay as they are.

Escaping cannot stop one thing: Streamlit's markdown (GitHub's flavour) turns bare addresses,
``http://...``, ``www....`` and ``name@example.org``, into links *after* reading the escapes.
So `escape` also puts an invisible word joiner (U+2060) inside each: after the colon of
``://``, after ``www`` and before ``@``. The text looks the same; copied, it carries the
joiner. `as_shown` gives the text as a reader then sees it (for tests).

>>> print(escape("[link](http://evil)").replace(WORD_JOINER, "<WJ>"))
\\[link\\]\\(http\\:<WJ>//evil\\)
>>> escape("Durham Constabulary, 2018")
'Durham Constabulary, 2018'
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def as_shown(text: object) -> str:
    """``text`` as a reader sees it once escaped: line breaks as spaces, and a word joiner
    wherever a bare address would otherwise become a link."""
    return _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split()))


def escape(text: object) -> str:
    """``text`` as markdown that shows exactly ``text`` (line breaks become spaces) and
    never a link."""
    return _SPECIAL.sub(r"\\\1", as_shown(text))
