"""BM25 lexical index (bm25s) with one tokenizer shared by passages and questions."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w\w+|\d")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | {"ketamine"}  # in nearly every passage: no signal


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokenize(text: str) -> list[str]:
    words = [w for w in _WORD.findall(text.casefold()) if w not in _stopwords()]
    return _stemmer().stemWords(words)


class LexicalIndex:
    """BM25 over passages; `search` returns (row, score) pairs with score > 0, best first."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        self.vocabulary = frozenset(bm25.vocab_dict)

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25()
        tokens = [tokenize(t) or [""] for t in texts]
        bm25.index(tokens, show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder)))

    def known_terms(self, text: str) -> tuple[list[str], list[str]]:
        """Split a question's terms into those the corpus has and those it lacks."""
        terms = tokenize(text)
        return [t for t in terms if t in self.vocabulary], [
            t for t in terms if t not in self.vocabulary
        ]

    def search(self, text: str, n: int) -> list[tuple[int, float]]:
        known, _ = self.known_terms(text)
        if not known:
            return []
        scores = self._bm25.get_scores(known)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.lexsort((top, -scores[top]))]  # ties: earlier passage first
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
