"""The corpus's words, lower-cased, kept with the index for typo correction."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)  # a word as typo correction reads it


def corpus_vocabulary(texts) -> list[str]:
    words = {w.casefold() for text in texts for w in WORD.findall(text)}
    return sorted(words | {part for w in words if "-" in w for part in w.split("-") if part})
