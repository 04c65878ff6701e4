"""Whether a message is written in another language than the articles' English: such a message
gets the clinic's English-only note (data/clinic.toml), not unrelated quotes. py3langid's naive
Bayes over byte n-grams (the shared identifier, languages.py) reads the NFKC text (fullwidth
letters as ASCII)."""

from __future__ import annotations

import re
import unicodedata

from ..languages import identifier

_WORD = re.compile(r"\w{2,}")
# scripts written without spaces between words (Chinese, Japanese, Thai): a run of them is one
# \w+ match, so each two of their characters count as a word ("氯胺酮治疗要多少钱": 4 more)
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def other_language(text: str, min_probability: float, min_words: int) -> str | None:
    """The language code of `text` when it is not English with at least `min_probability`
    and has at least `min_words` words (a short text says too little); otherwise None."""
    text = unicodedata.normalize("NFKC", text)
    if len(_WORD.findall(text)) + len(_UNSPACED.findall(text)) // 2 < min_words:
        return None
    ranked = dict(identifier().rank(text))
    best = max(ranked, key=ranked.get)
    return best if best != "en" and 1.0 - ranked["en"] >= min_probability else None
