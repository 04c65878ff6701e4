"""Typo tolerance and unknown-term evidence: map misspelt question words to corpus words."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rapidfuzz import distance, process

from ..index.vocabulary import WORD


@lru_cache(maxsize=1)
def _zipf():
    from wordfreq import zipf_frequency

    return zipf_frequency


def english_frequency(word: str) -> float:
    """Zipf frequency of a word in general English (0 for unknown, ~7 for 'the')."""
    return _zipf()(word, "en")


@lru_cache(maxsize=1)
def _english_words() -> tuple[frozenset[str], list[str]]:
    from wordfreq import top_n_list

    words = [w for w in top_n_list("en", 40_000) if w.isalpha() and len(w) >= 4]
    return frozenset(words), words


def misspelt_english(word: str) -> bool:
    """True for a misspelling of a common English word, one edit away ("agian", "numbr",
    "reveiwer"): a typo, not a topic the articles leave out. Drug names are further
    ("zoloft", "sertraline")."""
    return english_spelling(word) is not None


@lru_cache(maxsize=4096)
def english_spelling(word: str) -> str | None:
    """The common English word `word` misspells, one edit away ("adictive" -> "addictive"), or
    None (a word itself, too short, or no such word)."""
    known, words = _english_words()
    if len(word) < 5 or word in known:
        return None
    found = process.extractOne(word, words, scorer=distance.OSA.distance, score_cutoff=1)
    return found[0] if found else None


class Speller:
    """Corrects words found in neither the corpus nor common English to the closest corpus word."""

    def __init__(
        self,
        vocabulary: list[str],
        max_common_zipf: float,
        rare_zipf: float,
        stem: Callable[[str], str] = str,
    ):
        """Words at least `max_common_zipf` common are never corrected; `rare_unknown` reports
        words below `rare_zipf`. `stem` maps a word to the form the corpus is matched in."""
        self.vocabulary = list(vocabulary)
        self._known = frozenset(self.vocabulary)
        self._stem = stem
        self._known_stems = frozenset(self._stem(w) for w in self.vocabulary)
        self._max_common_zipf = max_common_zipf
        self._rare_zipf = rare_zipf

    def correct_word(self, word: str) -> str | None:
        lower = word.casefold()
        if (
            len(lower) < 3
            or lower in self._known
            or english_frequency(lower) >= self._max_common_zipf
        ):
            return None
        limit = 1 if len(lower) <= 5 else 2
        match = process.extractOne(
            lower, self.vocabulary, scorer=distance.OSA.distance, score_cutoff=limit
        )
        return match[0] if match else None

    def correct(self, text: str) -> str:
        """The text with misspelt words replaced; everything else kept as typed."""
        return WORD.sub(lambda m: self.correct_word(m.group(0)) or m.group(0), text)

    def rare_unknown(self, text: str) -> tuple[str, ...]:
        """Uncommon words the corpus never uses (after typo correction, and not a misspelt
        common English word): e.g. 'sertraline', not 'agian'."""
        out = []
        for word in WORD.findall(text):
            lower = word.casefold()
            if (
                lower not in self._known
                and self._stem(lower) not in self._known_stems
                and self.correct_word(lower) is None
                and english_frequency(lower) < self._rare_zipf
                and not misspelt_english(lower)
            ):
                out.append(lower)
        return tuple(out)
