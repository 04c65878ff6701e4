"""Word forms the stemmer keeps apart and a reader would not: "pregnant" and "pregnancy" (stems
"pregnant" and "pregnanc"), "psychotic" and "psychosis", "anesthetic" and "anesthesia",
"breastfeed" and "breastfeeding".

Two stems are related when they share a prefix of at least PREFIX letters that is also at least
SHARE of the shorter stem: "univers" and "universiti" are; "depress" and "deprec" (5 letters of
6), "medic" and "medit" are not. This is evidence, not a verdict: the answer ranker and the coverage
model weigh it beside the exact stems, fitted by `faqbot answer-train` (answer/features.py,
answer/coverage.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from os.path import commonprefix

PREFIX = 5
SHARE = 0.85


def related(a: str, b: str) -> bool:
    """The two stems are the same or forms of one word."""
    if a == b:
        return True
    shared = len(commonprefix((a, b)))
    return shared >= PREFIX and shared >= SHARE * min(len(a), len(b))


def held(term: str, words: Iterable[str]) -> bool:
    """`term` or a form of it is among `words` (stems)."""
    head = term[:PREFIX]
    return any(w == term or (w[:PREFIX] == head and related(term, w)) for w in words)


class Forms:
    """Each stem's related forms within a vocabulary of stems (a corpus's)."""

    def __init__(self, vocabulary: Iterable[str]):
        self._by_head: dict[str, list[str]] = {}
        for word in vocabulary:
            if len(word) >= PREFIX:
                self._by_head.setdefault(word[:PREFIX], []).append(word)
        self.of = lru_cache(maxsize=8192)(self._of)

    def _of(self, term: str) -> frozenset[str]:
        """`term` and the vocabulary's stems related to it."""
        near = self._by_head.get(term[:PREFIX], ()) if len(term) >= PREFIX else ()
        return frozenset([term, *(w for w in near if related(term, w))])
