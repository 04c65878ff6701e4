"""What the answer ranker sees of each candidate sentence: what is asked, not only the topic.

In a corpus where every passage is about ketamine therapy, topic similarity says little. So
beside the cosine, each sentence (or list item) gets: its cosine against the corpus (z-score)
and with the shared topic removed (query and sentence minus the corpus centroid), stemmed word
overlap weighted by rarity (also counting a word's other forms, answer/wordforms.py), overlap
with its section heading, whether it has the kind of
answer the question wants (a price, a number, a duration, a person, a place, a date), and
whether it is a call to action, an article intro or a rhetorical question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..index.lexical import tokenize
from ..retrieval import Candidate, Candidates
from ..types import Chunk
from .memory import MEMORY_NAMES, QuestionMemory
from .wordforms import Forms

# (question wants, question pattern, sentence pattern that has it)
ANSWER_TYPES = (
    ("cost", r"\b(?:cost|costs|price|pay|afford|expensive|cheap|how much|insurance|insured"
     r"|covered|coverage|dollars?|fees?)\b|\$", r"\$\s?\d|\b(?:price|cost|insurance|pay|fee)"),
    ("number", r"\b(?:how many|how often|what percent|percentage|how likely|success rate|odds)\b",
     r"\d+\s?%|\b\d+\b|\b(?:one|two|three|four|five|six|seven|eight|half|most|many)\b"),
    ("time", r"\b(?:how long|how soon|how fast|how quickly|when will|when does|how many (?:days"
     r"|weeks|hours|minutes|sessions))\b", r"\b(?:hours?|days?|weeks?|minutes?|months?|years?"
     r"|within|immediately)\b"),
    ("who", r"\b(?:who|reviewed|wrote|author|doctor|clinician|staff)\b",
     r"\bDr\.|PA-C|\bMD\b|\b(?:psychiatrists?|clinicians?|therapists?|team)\b"),
    ("where", r"\b(?:where|location|located|which states?|near me|at home)\b",
     r"\b(?:California|Beach|states?|home|clinic|office)\b"),
    ("condition", r"\b(?:can i|should i|is it safe|if i (?:am|have)|while|who (?:can|should)"
     r"|eligible|qualify|candidate)\b", r"\b(?:screen|anyone with|not right|isn.t right"
     r"|candidates?|disorders?|history of|condition)\b"),
)  # fmt: skip
_Q_TYPES = [(name, re.compile(q, re.I)) for name, q, _ in ANSWER_TYPES]
_S_TYPES = [re.compile(s) if name == "who" else re.compile(s, re.I) for name, _, s in ANSWER_TYPES]
CALL_TO_ACTION = re.compile(
    r"\b(?:take our|book (?:a|an|your)|schedule|contact us|call us|ready to|get started|sign up"
    r"|learn more|free (?:mental health )?assessment|reach out to|request an)\b",
    re.I,
)
INTRO = re.compile(
    r"\b(?:this (?:article|guide|post) (?:explores|covers|looks)|in this (?:article|guide|post)"
    r"|here are|below, )",
    re.I,
)
NAMES = (
    "cosine", "cosine_z", "cosine_topic_removed", "cosine_below_passage_best", "passage_cosine",
    "inverse_rank", "hybrid_score", "bm25", "inverse_bm25_rank", "inverse_dense_rank",
    "overlap_idf", "overlap_terms", "heading_overlap", "heading_question",
    *(f"type_{name}" for name, _, _ in ANSWER_TYPES), "type_none_asked",
    "call_to_action", "intro", "rhetorical", "log_words", "first_in_passage", "list_item",
    "overlap_idf_forms", *MEMORY_NAMES,
)  # fmt: skip


@dataclass(frozen=True)
class CorpusStats:
    """What the features compare against: the corpus's sentence centroid and cosine spread,
    and how many passages hold each term."""

    centroid: np.ndarray
    sample: np.ndarray  # up to 2,048 sentence vectors, for a question's cosine mean and spread
    document_frequency: Counter
    passages: int
    forms: Forms  # each corpus stem's related word forms ("pregnant", "pregnancy")
    # per passage, what no question changes (_Fixed), worked out on first use: one index's
    # stats, so a chunk id names one passage
    _fixed: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def corpus_stats(chunks: tuple[Chunk, ...], units: np.ndarray) -> CorpusStats:
    units = np.asarray(units, dtype=np.float32)
    pick = np.linspace(0, len(units) - 1, num=min(len(units), 2048)).astype(int)
    df = Counter(t for c in chunks for t in set(tokenize(f"{c.section} {c.text}")))
    return CorpusStats(units.mean(axis=0), units[pick], df, len(chunks), Forms(df))


def _idf(stats: CorpusStats, term: str) -> float:
    return math.log((stats.passages + 1) / (stats.document_frequency.get(term, 0) + 0.5))


@dataclass(frozen=True)
class _Fixed:
    """A passage's sentence facts that no question changes."""

    words: tuple[frozenset, ...]  # each sentence's terms
    has: np.ndarray  # (sentences, answer types): the sentence holds that kind of answer
    style: np.ndarray  # (sentences, 6): call to action, intro, rhetorical, log words, first
    # in passage, list item
    neutral: np.ndarray  # (sentences, dim): unit vectors with the corpus centroid removed
    heading: frozenset  # the section heading's terms
    heading_question: bool  # the heading is itself a question


def _fixed(stats: CorpusStats, cand: Candidate, sents: list[str], vecs: np.ndarray,
           doc: str) -> _Fixed:  # fmt: skip
    p = cand.passage
    key = (p.chunk.chunk_id, tuple(sents))
    found = stats._fixed.get(key)
    if found is None:
        facts = [_sentence_facts(t) for t in sents]
        style = [[cta, intro, rhetorical, log_words, i == 0,
                  doc[unit.start - 2 : unit.start] == "- "]
                 for i, ((_, _, cta, intro, rhetorical, log_words), unit)
                 in enumerate(zip(facts, p.chunk.units, strict=True))]  # fmt: skip
        found = _Fixed(
            tuple(f[0] for f in facts),
            np.array([f[1] for f in facts], dtype=bool).reshape(len(sents), len(ANSWER_TYPES)),
            np.array(style, dtype=np.float64).reshape(len(sents), 6),
            _rows_unit(vecs - stats.centroid),
            frozenset(tokenize(p.section)),
            p.section.rstrip().endswith("?"),
        )
        stats._fixed[key] = found  # a fixed corpus: a bounded set of passages
    return found


@lru_cache(maxsize=20_000)
def _sentence_facts(text: str) -> tuple:
    """Per sentence, fixed: its terms, answer types it holds, and its style flags."""
    return (
        frozenset(tokenize(text)),
        tuple(bool(rx.search(text)) for rx in _S_TYPES),
        bool(CALL_TO_ACTION.search(text)),
        bool(INTRO.search(text)),
        text.rstrip().endswith("?"),
        math.log1p(len(text.split())),
    )


def features(candidates: Candidates, texts: list[list[str]], vectors: list[np.ndarray],
             stats: CorpusStats, doc_texts: dict[str, str], memory: QuestionMemory | None = None,
             leave_out: str = "") -> list[np.ndarray]:  # fmt: skip
    """One matrix per candidate: a row per sentence, a column per name in NAMES.

    Args:
        texts: each candidate's sentence texts, in order.
        vectors: each candidate's sentence vectors (rows), in order.
        memory: the training questions and their answers (None: the memory columns are 0).
        leave_out: an author whose questions the memory ignores (training only).
    """
    matrix, ends = feature_matrix(candidates, texts, vectors, stats, doc_texts, memory, leave_out)
    return np.split(matrix, ends[:-1]) if len(ends) else []


def feature_matrix(candidates: Candidates, texts: list[list[str]], vectors: list[np.ndarray],
                   stats: CorpusStats, doc_texts: dict[str, str],
                   memory: QuestionMemory | None = None,
                   leave_out: str = "") -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """`features` as one matrix, candidate after candidate, and where each candidate's rows end:
    what the ranker predicts on (a matrix per candidate, stacked again, cost ~0.1 ms a question).
    """
    items = candidates.items
    if not items:
        return np.zeros((0, len(NAMES))), np.zeros(0, dtype=np.intp)
    q = candidates.query
    sample = stats.sample @ q
    mu, sd = float(sample.mean()), float(sample.std()) + 1e-6
    idf = {t: _idf(stats, t) for t in set(tokenize(candidates.searched))}
    terms = set(idf)
    weight = sum(idf.values()) or 1.0
    wants = np.array([bool(rx.search(candidates.question)) for _, rx in _Q_TYPES])
    fixed = [_fixed(stats, cand, sents, vecs, doc_texts[cand.passage.doc_id])
             for cand, sents, vecs in zip(items, texts, vectors, strict=True)]  # fmt: skip
    sizes = np.array([len(f.words) for f in fixed])
    ends = np.cumsum(sizes)
    out = np.empty((int(ends[-1]), len(NAMES)))
    _question_columns(out, items, fixed, sizes, _unit(q - stats.centroid), mu, sd)
    _word_columns(out, fixed, sizes, terms, idf, weight, wants)
    forms = {t: stats.forms.of(t) for t in terms}  # "pregnant" also finds "pregnancy"
    out[:, NAMES.index("overlap_idf_forms")] = [
        sum(idf[t] for t, f in forms.items() if not f.isdisjoint(words)) / weight
        for x in fixed for words in x.words
    ]  # fmt: skip
    own = len(NAMES) - len(MEMORY_NAMES)
    if memory is None:
        out[:, own:] = 0.0
    else:  # the memory once for all the sentences: a call per candidate cost ~0.4 ms a question
        every = [t for sents in texts for t in sents]
        sims = memory.similarities(q, leave_out)
        out[:, own:] = memory.features(sims, every, terms, leave_out)
    return out, ends


def _question_columns(out, items, fixed, sizes, qn, mu, sd) -> None:
    """The cosine and retrieval columns (0 to 9), all candidates at once: a few numpy calls
    per candidate instead of a dozen (~0.3 ms a question)."""
    cos = np.concatenate([c.sentence_scores for c in items])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out[:, 0] = cos
    out[:, 1] = (cos - mu) / sd
    for a, n, f in zip(starts, sizes, fixed, strict=True):
        out[a : a + n, 2] = f.neutral @ qn
    out[:, 3] = cos - np.repeat(np.maximum.reduceat(cos, starts), sizes)
    per_passage = [(c.cosine, 1.0 / p.rank, p.score, p.lexical_score or 0.0,
                    1.0 / (p.lexical_rank or 100), 1.0 / (p.dense_rank or 100))
                   for c, p in ((c, c.passage) for c in items)]  # fmt: skip
    out[:, 4:10] = np.repeat(np.array(per_passage, dtype=np.float64), sizes, axis=0)


def _word_columns(out, fixed, sizes, terms, idf, weight, wants) -> None:
    """The word-overlap, answer-type and style columns (10 up to the memory's)."""
    shared = [terms & words for f in fixed for words in f.words]
    out[:, 10] = [sum(idf[t] for t in s) / weight for s in shared]
    out[:, 11] = [len(s) for s in shared]
    heading = [sum(idf[t] for t in terms & f.heading) / weight for f in fixed]
    out[:, 12] = np.repeat(heading, sizes)
    asks = [h * f.heading_question for h, f in zip(heading, fixed, strict=True)]
    out[:, 13] = np.repeat(asks, sizes)
    types = 14 + len(ANSWER_TYPES)
    out[:, 14:types] = np.concatenate([f.has for f in fixed]) & wants
    out[:, types] = not wants.any()
    out[:, types + 1 : types + 7] = np.concatenate([f.style for f in fixed])


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) + 1e-9)


def _rows_unit(m: np.ndarray) -> np.ndarray:
    return m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-9)
