"""Caveats a reply states above its quotes."""

from __future__ import annotations

import re

from ..retrieval.spelling import english_frequency


def unmentioned_note(
    question: str, rare_unknown: tuple[str, ...], max_zipf: float
) -> tuple[str, ...]:
    """A caveat when the question names things no article mentions (rarer in general English
    than `max_zipf`): the quotes are only the closest passages and may not answer it."""
    words = [
        _as_typed(question, w)
        for w in dict.fromkeys(rare_unknown)
        if english_frequency(w) < max_zipf
    ]
    if not words:
        return ()
    named = ", ".join(f"“{w}”" for w in words[:-1]) + (" or " if len(words) > 1 else "")
    named += f"“{words[-1]}”"
    return (
        f"The articles never mention {named}. These are the closest passages they have; "
        "they may not answer your question.",
    )


def _as_typed(question: str, word: str) -> str:
    """`word` (case-folded) as the question spells it: "TMS", not "tms"."""
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", question, re.IGNORECASE)
    return found.group() if found else word
