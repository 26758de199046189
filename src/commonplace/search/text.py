"""Text for the index and for queries: plain text, words, stop words."""

from __future__ import annotations

import re

from commonplace.core.markdown import strip_tags

# Block ends become spaces before tags are stripped, so "<p>a</p><p>b</p>"
# stays two words.
_BLOCK_END = re.compile(r"(</(?:p|li|h\d|div|td|th|pre|blockquote|dd|dt)>|<br\s*/?>)", re.I)
WORD = re.compile(r"\w+", re.UNICODE)
# Control characters carry no meaning in text people read, and the engines'
# highlight marks are control characters (engine.MARK_START, MARK_END).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Words too common to say what a text is about. Dropping them from long
# queries (a whole question pasted as the query) keeps lexical retrieval fast
# and its scores about the words that matter.
_STOP_WORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during each
    even few for from further get got had has have having he her here hers herself him himself
    his how i if in into is it its itself just let me might more most much must my myself no
    nor not now of off on once one only or other our ours ourselves out over own really same
    she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up us use used using very want was we were what
    when where which while who whom why will with would you your yours yourself yourselves
    anyone anybody someone something thing things way know like make think trying try tried
    get getting im ive dont doesnt cant"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def printable(text: str) -> str:
    """`text` without control characters (what the index stores)."""
    return _CONTROL.sub(" ", text)


def plain_text(body_html: str) -> str:
    """The words of rendered (sanitized) HTML, for the index and for embeddings."""
    return " ".join(printable(strip_tags(_BLOCK_END.sub(r"\1 ", body_html))).split())


def words(text: str) -> list[str]:
    """Lower-cased words, in order."""
    return [w.lower() for w in WORD.findall(text)]


def keywords(text: str, *, limit: int) -> list[str]:
    """Distinct content words of a long text, in order of first use, at most `limit`."""
    seen: dict[str, None] = {}
    for word in words(text):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(word, None)
            if len(seen) >= limit:
                break
    return list(seen)
