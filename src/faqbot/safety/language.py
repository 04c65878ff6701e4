"""The language a message is written in, so that the crisis head that reads that language best
reads it too: the bot's shared identifier (languages.py), its most likely among the languages the
heads were trained on (of its probabilities over more languages: the same order as deciding
among these alone, but for seven near-ties in 31,192 labelled texts, all short)."""

from __future__ import annotations

from ..languages import identifier

ENGLISH = "en"
HEAD_LANGUAGES = (ENGLISH, "es", "pt", "fr", "de", "it")


def language_of(text: str) -> str:
    """The most likely of HEAD_LANGUAGES for `text` (English for a text of no letters)."""
    if not any(c.isalpha() for c in text):
        return ENGLISH
    ranked = dict(identifier().rank(text))
    return max(HEAD_LANGUAGES, key=lambda code: ranked.get(code, 0.0))
