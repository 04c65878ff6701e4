"""Turn retrieved passages into cited, verbatim quotes: highlight, trim, select, or abstain."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .chunking import Chunk, Span
from .retrieval import Hit


@dataclass(frozen=True)
class AnswerSettings:
    max_quotes: int = 3
    quote_words: int = 60  # a longer passage is trimmed to whole sentences around the answer
    weak_margin: float = 0.08  # drop passages whose relevance is this far below the best one
    duplicate_cosine: float = 0.92
    highlight_margin: float = 0.04  # also bold sentences this close to the best one
    other_source_jump: float = 1.5  # ranks a second article's passage may skip ahead
    candidates: int = 8


@dataclass(frozen=True)
class Calibration:
    """Abstention thresholds, chosen on the dev set by benchmarks/calibrate_abstention.py."""

    min_relevance: float  # below this the best passage does not answer: abstain
    rare_term_relevance: float  # stricter bar when the question has uncommon words no article uses
    # lower bar when the best passage holds every content word of the question ("cost?", "can I
    # do this at home?"): terse questions embed weakly, but the words say what is asked
    covered_relevance: float | None = None  # None: no lower bar
    source: str = "built-in"


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> Calibration:
    """Load abstention.json (the packaged one by default).

    Raises:
        ValueError: the file lacks the thresholds; re-run benchmarks/calibrate_abstention.py.
    """
    where = path or "faqbot/data/abstention.json"
    text = (
        Path(path).read_text()
        if path
        else (resources.files("faqbot").joinpath("data/abstention.json").read_text())
    )
    try:
        data = json.loads(text)
        covered = data.get("covered_relevance")
        return Calibration(
            float(data["min_relevance"]),
            float(data["rare_term_relevance"]),
            None if covered is None else float(covered),
            where,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{where} is not a usable calibration ({exc}). "
            "Run: python benchmarks/calibrate_abstention.py --write"
        ) from None


@dataclass(frozen=True)
class Candidate:
    """A retrieved passage with its sentence scores against the question."""

    hit: Hit
    chunk: Chunk
    unit_scores: np.ndarray  # cosine of each unit (sentence or list item) with the question
    passage_cosine: float

    @cached_property  # read many times while selecting; a frozen dataclass still allows this
    def relevance(self) -> float:
        return 0.5 * self.passage_cosine + 0.5 * float(self.unit_scores.max())


@dataclass(frozen=True)
class Evidence:
    """What abstention weighs, also shown in the staff view."""

    relevance: float  # best passage: mean of passage cosine and best-sentence cosine
    rare_unknown: tuple[str, ...]  # uncommon words no article uses (and not typos of one)
    searched: str  # the question after typo correction
    covered: bool = False  # the best passage holds every content word of the question


def abstention_reason(evidence: Evidence, calibration: Calibration) -> str:
    """Empty string when the question is answered; else why not, for the staff view."""
    rescued = (
        evidence.covered
        and calibration.covered_relevance is not None
        and evidence.relevance >= calibration.covered_relevance
    )
    if evidence.relevance < calibration.min_relevance and not rescued:
        return (
            f"best passage relevance {evidence.relevance:.3f} is below "
            f"{calibration.min_relevance:.3f}"
        )
    if evidence.rare_unknown and evidence.relevance < calibration.rare_term_relevance:
        return (
            f"words no article uses ({', '.join(evidence.rare_unknown)}) and relevance "
            f"{evidence.relevance:.3f} is below {calibration.rare_term_relevance:.3f}"
        )
    return ""


PARAGRAPH_JUMP = 0.2


def _joined(doc_text: str, left: Span, right: Span) -> bool:
    """Same paragraph, or a list continuing from its lead-in: a quote may span the gap."""
    gap = doc_text[left.end : right.start]
    return "\n\n" not in gap or doc_text[right.start : right.start + 2] in ("- ", "* ")


def trim_window(chunk: Chunk, scores: np.ndarray, max_words: int, doc_text: str) -> tuple[int, int]:
    """Indices [lo, hi) of whole units around the best one, at most max_words (best always kept).

    The window grows towards the better-scoring neighbour and does not leave the best unit's
    paragraph (a list counts as part of the paragraph that introduces it).
    """
    units = chunk.units
    words = [len(doc_text[u.start : u.end].split()) for u in units]
    lo = hi = int(np.argmax(scores))
    hi += 1
    total = words[lo]
    while True:
        options = []
        # across a paragraph break only towards a sentence that also answers well
        near = float(scores[lo:hi].max()) - PARAGRAPH_JUMP
        if hi < len(units) and (_joined(doc_text, units[hi - 1], units[hi]) or scores[hi] >= near):
            options.append(hi)
        if lo > 0 and (_joined(doc_text, units[lo - 1], units[lo]) or scores[lo - 1] >= near):
            options.append(lo - 1)
        options = [i for i in options if total + words[i] <= max_words]
        if not options:
            return lo, hi
        pick = max(options, key=lambda i: (scores[i], i == hi))  # ties: the sentence after
        total += words[pick]
        lo, hi = (pick, hi) if pick < lo else (lo, hi + 1)


def make_quote_hit(candidate: Candidate, lo: int, hi: int, doc_text: str) -> Hit:
    units = candidate.chunk.units
    start, end = units[lo].start, units[hi - 1].end
    return replace(candidate.hit, text=doc_text[start:end], start=start, end=end)


def highlights(candidate: Candidate, lo: int, hi: int, margin: float) -> tuple[Span, ...]:
    """The answering sentence(s): the best unit and any within `margin` of it.

    A very short sentence right before a highlighted one ("No.") is part of the answer too.
    """
    units, scores = candidate.chunk.units, candidate.unit_scores
    best = float(scores[lo:hi].max())
    keep = {i for i in range(lo, hi) if scores[i] >= best - margin}
    keep |= {i - 1 for i in keep if i - 1 >= lo and units[i - 1].end - units[i - 1].start <= 12}
    return tuple(units[i] for i in sorted(keep))


def select(candidates: list[Candidate], settings: AnswerSettings, vectors) -> list[Candidate]:
    """In hybrid rank order; drop far-weaker and near-duplicate passages; prefer a second source.

    A passage from an article not yet shown may jump up to `other_source_jump` ranks ahead.
    `vectors(candidate)` gives the passage embedding used for the duplicate check.
    """
    if not candidates:
        return []
    best = max(c.relevance for c in candidates)
    pool = [c for c in candidates if c.relevance >= best - settings.weak_margin]
    chosen: list[Candidate] = []
    while pool and len(chosen) < settings.max_quotes:
        shown_docs = {c.hit.doc_id for c in chosen}
        # another article saying nearly the same thing beats a second quote from the same one
        pick = min(
            pool,
            key=lambda c: (
                c.hit.rank + (settings.other_source_jump if c.hit.doc_id in shown_docs else 0)
            ),
        )
        pool.remove(pick)
        if any(float(vectors(pick) @ vectors(c)) >= settings.duplicate_cosine for c in chosen):
            continue
        chosen.append(pick)
    return chosen
