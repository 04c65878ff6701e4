"""What abstention weighs about the retrieved passages, also shown in the staff view."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..index.lexical import tokenize
from ..index.texts import passage_for_lexical
from ..retrieval import Candidates
from ..types import Chunk


@dataclass(frozen=True)
class Evidence:
    relevance: float  # best passage: mean of passage cosine and best-sentence cosine
    rare_unknown: tuple[str, ...]  # uncommon words no article uses (and not typos of one)
    covered: bool = False  # the best passage holds every content word of the question


def gather_evidence(candidates: Candidates) -> Evidence:
    items = candidates.items
    best = max((c.relevance for c in items), default=0.0)
    terms = set(tokenize(candidates.searched))
    covered = bool(items and terms) and terms <= passage_terms(items[0].passage.chunk)
    return Evidence(best, candidates.rare_unknown, covered)


@lru_cache(maxsize=10_000)  # bounded for big libraries
def passage_terms(chunk: Chunk) -> frozenset[str]:
    """The passage's BM25 terms, section heading included."""
    return frozenset(tokenize(passage_for_lexical(chunk)))
