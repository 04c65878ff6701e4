"""The question memory: the training questions, as vectors, and the sentences that answer them.

A new question close to a training question that a sentence answers is evidence for that
sentence, evidence topic similarity cannot give in a one-topic corpus ("will it mess me up" is
near "What side effects can it cause?", whose answer is labelled). Five ranker features per
sentence (MEMORY_NAMES): the cosine of the closest training question it answers, that cosine
minus the closest training question of all, how many training questions it answers lie within
CLOSE of the question, and the same word by word: of the training questions that share one of
the question's terms, the share this sentence answers (the best term's), and its lift. While
training, each question's own author is left out, so the ranker learns how far to trust the
memory on a new author's words (answer/train.py).

It also holds the training questions the articles do not answer (near-domain): how close a new
question lies to answered and to unanswered ones, whole and word by word, is evidence for the
coverage model (answer/coverage.py, COVERAGE_NAMES). Built and saved by `faqbot answer-train`
(data/question_memory.npz); never holds a held-out question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..encoders.model import trained_for

MEMORY_PATH = Path(__file__).resolve().parent.parent / "data" / "question_memory.npz"
MEMORY_NAMES = ("memory_cosine", "memory_cosine_below_best", "memory_close_questions",
                "memory_term_vote", "memory_term_lift")  # fmt: skip
VOTE_PRIOR = 1.0  # pseudo-questions of smoothing for a term's vote (below)
COVERAGE_NAMES = ("memory_answered", "memory_unanswered", "memory_answered_margin",
                  "memory_term_unanswered", "memory_terms_unseen")  # fmt: skip
CLOSE = 0.6  # cosine of a close question: MiniLM paraphrases of one question mostly lie above


def sentence_key(text: str) -> str:
    """A sentence as the memory knows it: whitespace-normalised (an edited sentence is new)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class QuestionMemory:
    """Training questions (unit vectors, authors) and, per answering sentence, which of them it
    answers (row numbers into `vectors`)."""

    vectors: np.ndarray  # (questions, dim) float32
    authors: tuple[str, ...]
    answered_by: dict[str, tuple[int, ...]]  # sentence_key -> question rows
    model_id: str
    data_hash: str = ""
    unanswered: np.ndarray | None = None  # (questions, dim): near-domain training questions
    unanswered_authors: tuple[str, ...] = ()
    # per answered training question, its terms (stems, as the lexical index reads them); none:
    # the term columns are 0
    terms: tuple[tuple[str, ...], ...] = ()
    unanswered_terms: tuple[tuple[str, ...], ...] = ()  # the same for the unanswered ones
    _asked_with: dict = field(init=False, repr=False, compare=False)  # term -> question rows
    _unanswered_with: dict = field(init=False, repr=False, compare=False)
    _authors: np.ndarray = field(init=False, repr=False, compare=False)
    _unanswered_by: np.ndarray = field(init=False, repr=False, compare=False)  # their authors
    _row_arrays: dict = field(init=False, repr=False, compare=False)
    _last: tuple = field(init=False, repr=False, compare=False)  # (query bytes, similarities)

    def __post_init__(self):
        object.__setattr__(self, "_authors", np.asarray(self.authors))
        object.__setattr__(self, "_unanswered_by", np.asarray(self.unanswered_authors))
        object.__setattr__(self, "_row_arrays", {})
        object.__setattr__(self, "_last", (b"", None))
        if self.unanswered is None:
            object.__setattr__(self, "unanswered", np.zeros((0, self.vectors.shape[1]), "f4"))
        object.__setattr__(self, "_asked_with", _inverted(self.terms))
        object.__setattr__(self, "_unanswered_with", _inverted(self.unanswered_terms))

    def closeness(self, query: np.ndarray, leave_out: str = "", terms=()) -> np.ndarray:
        """COVERAGE_NAMES: the cosine of the closest answered and of the closest unanswered
        training question, and their difference (-1 where there is none); then, word by word
        (`terms`, the question's stems), the highest share of unanswered questions among the
        training questions using one of its terms, and the share of its terms no training
        question uses."""
        return np.concatenate(
            [self._closest(query, leave_out), self._term_coverage(terms, leave_out)]
        )

    def _term_coverage(self, terms, leave_out: str) -> np.ndarray:
        terms = set(terms)
        if not terms or not (self.terms and self.unanswered_terms):
            return np.zeros(2)
        answered_out = self._rows_of(self._authors, leave_out)
        unanswered_out = self._rows_of(self._unanswered_by, leave_out)
        a_total = len(self.terms) - len(answered_out)
        u_total = len(self.unanswered_terms) - len(unanswered_out)
        prior = u_total / max(1, a_total + u_total)
        shares, unseen = [], 0
        for term in terms:
            a = len(self._asked_with.get(term, frozenset()) - answered_out)
            u = len(self._unanswered_with.get(term, frozenset()) - unanswered_out)
            unseen += a + u == 0
            shares.append((u + VOTE_PRIOR * prior) / (a + u + VOTE_PRIOR))
        return np.array([max(shares), unseen / len(terms)])

    @staticmethod
    def _rows_of(authors: np.ndarray, author: str) -> frozenset:
        return frozenset(np.flatnonzero(authors == author).tolist()) if author else frozenset()

    def _closest(self, query: np.ndarray, leave_out: str = "") -> np.ndarray:
        """The first three COVERAGE_NAMES."""
        q = np.asarray(query, dtype=np.float32)
        best = []
        others = self._unanswered_by
        for vectors, authors in ((self.vectors, self._authors), (self.unanswered, others)):
            if leave_out:  # training only: a boolean index copies the matrix (~1 ms a question)
                vectors = vectors[authors != leave_out]
            elif vectors is self.vectors and len(vectors):  # the product the ranker just made
                best.append(float(self.similarities(q).max()))
                continue
            best.append(float((vectors @ q).max()) if len(vectors) else -1.0)
        return np.array([best[0], best[1], best[0] - best[1]])

    def similarities(self, query: np.ndarray, leave_out: str = "") -> np.ndarray:
        """The question's cosine with every training question (-1 for author `leave_out`'s).
        The last question's are remembered: the ranker's features and the coverage model's
        closeness both read them (the product is memory-bound, ~0.2 ms a question)."""
        q = np.asarray(query, dtype=np.float32)
        key, sims = self._last  # one tuple, swapped whole: safe with several threads
        if sims is None or key != q.tobytes():
            sims = self.vectors @ q
            sims.flags.writeable = False  # shared by the callers that ask for the same question
            object.__setattr__(self, "_last", (q.tobytes(), sims))
        return np.where(self._authors == leave_out, -1.0, sims) if leave_out else sims

    def features(self, similarities: np.ndarray, texts: list[str], terms=(),
                 leave_out: str = "") -> np.ndarray:  # fmt: skip
        """A (len(texts), len(MEMORY_NAMES)) matrix, given the question's `similarities` and its
        `terms` (stems); `leave_out`: an author whose questions do not vote (training)."""
        out = np.zeros((len(texts), len(MEMORY_NAMES)))
        if not len(similarities):
            return out
        self._term_votes(out, texts, terms, leave_out)
        best_of_all = float(similarities.max())
        out[:, 1] = -best_of_all
        found = [(i, self._rows(text)) for i, text in enumerate(texts)]
        found = [(i, rows) for i, rows in found if len(rows)]
        if not found:
            return out
        # one gather and two reductions for all the sentences (a numpy call per sentence was
        # ~1 ms a question)
        at = np.array([i for i, _ in found])
        rows = [r for _, r in found]
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]])
        near = similarities[np.concatenate(rows)]
        top = np.maximum.reduceat(near, starts)
        out[at, 0] = top
        out[at, 1] = top - best_of_all
        out[at, 2] = np.add.reduceat((near > CLOSE).astype(np.float64), starts)
        return out

    def _term_votes(self, out: np.ndarray, texts: list[str], terms, leave_out: str) -> None:
        """Columns 3 and 4: of the training questions that use one of the question's terms, the
        share a sentence answers (smoothed towards the share of all training questions it
        answers), the best term's; and that minus the sentence's share of all. "alcoholic" in a
        new question votes for "Active substance-use disorders" when the training questions
        with that word were answered by it, whatever the rest of the question says."""
        if not self.terms:
            return
        out_rows = self._rows_of(self._authors, leave_out)
        asked = [self._asked_with[t] - out_rows for t in set(terms) if t in self._asked_with]
        asked = [rows for rows in asked if rows]
        total = len(self.terms) - len(out_rows)
        for i, text in enumerate(texts):
            answers = self._row_set(text) - out_rows
            if not answers:
                continue
            prior = len(answers) / total
            vote = max(((len(answers & rows) + VOTE_PRIOR * prior) / (len(rows) + VOTE_PRIOR)
                        for rows in asked), default=prior)  # fmt: skip
            out[i, 3] = vote
            out[i, 4] = vote - prior

    def _row_set(self, text: str) -> frozenset:
        """The training questions a sentence answers, as a set (cached per sentence)."""
        key = ("set", text)
        cached = self._row_arrays.get(key)
        if cached is None:
            cached = frozenset(self._rows(text).tolist())
            self._row_arrays[key] = cached
        return cached

    def _rows(self, text: str) -> np.ndarray:
        """The training questions a sentence answers, as an index array (cached per sentence)."""
        cached = self._row_arrays.get(text)  # by the text as given: no key made per call
        if cached is None:
            cached = np.asarray(self.answered_by.get(sentence_key(text), ()), dtype=np.intp)
            self._row_arrays[text] = cached  # a fixed corpus: a bounded set of sentences
        return cached

    def save(self, path: Path = MEMORY_PATH) -> None:
        keys = sorted(self.answered_by)
        pairs = np.array(
            [(k, row) for k, key in enumerate(keys) for row in self.answered_by[key]],
            dtype=np.int32,
        ).reshape(-1, 2)
        np.savez_compressed(
            path,
            vectors=self.vectors.astype(np.float32),
            authors=np.array(self.authors),
            sentences=np.array(keys),
            pairs=pairs,
            model_id=np.array(self.model_id),
            data_hash=np.array(self.data_hash),
            unanswered=self.unanswered.astype(np.float32),
            unanswered_authors=np.array(self.unanswered_authors, dtype=str),
            terms=np.array([" ".join(t) for t in self.terms], dtype=str),
            unanswered_terms=np.array([" ".join(t) for t in self.unanswered_terms], dtype=str),
        )


def _inverted(terms) -> dict[str, frozenset[int]]:
    """term -> the rows (questions) using it."""
    out: dict[str, set[int]] = {}
    for row, words in enumerate(terms):
        for term in set(words):
            out.setdefault(term, set()).add(row)
    return {t: frozenset(r) for t, r in out.items()}


def _terms(z, name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(t).split()) for t in z[name]) if name in z.files else ()


def build_memory(vectors: np.ndarray, authors, answers, model_id: str, data_hash: str = "",
                 unanswered=None, unanswered_authors=(), terms=(),
                 unanswered_terms=()) -> QuestionMemory:  # fmt: skip
    """The memory of training questions: `answers[i]` is the set of sentence texts that answer
    question i, `terms[i]` its terms; `unanswered` the vectors of questions the articles do not
    answer."""
    answered_by: dict[str, list[int]] = {}
    for row, texts in enumerate(answers):
        for text in texts:
            answered_by.setdefault(sentence_key(text), []).append(row)
    return QuestionMemory(
        np.asarray(vectors, dtype=np.float32),
        tuple(authors),
        {k: tuple(v) for k, v in answered_by.items()},
        model_id,
        data_hash,
        None if unanswered is None else np.asarray(unanswered, dtype=np.float32),
        tuple(unanswered_authors),
        tuple(tuple(t) for t in terms),
        tuple(tuple(t) for t in unanswered_terms),
    )


def load_memory(path: Path | str = MEMORY_PATH) -> QuestionMemory:
    """The saved memory.

    Raises:
        ValueError: missing or unreadable (re-train: faqbot answer-train).
    """
    return _load(str(path))


@lru_cache(maxsize=2)
def _load(path: str) -> QuestionMemory:
    try:
        with np.load(path) as z:
            keys = [str(k) for k in z["sentences"]]
            answered_by: dict[str, list[int]] = {}
            for k, row in z["pairs"]:
                answered_by.setdefault(keys[int(k)], []).append(int(row))
            return QuestionMemory(
                z["vectors"].astype(np.float32),
                tuple(str(a) for a in z["authors"]),
                {k: tuple(v) for k, v in answered_by.items()},
                str(z["model_id"]),
                str(z["data_hash"]),
                z["unanswered"].astype(np.float32),
                tuple(str(a) for a in z["unanswered_authors"]),
                _terms(z, "terms"),
                _terms(z, "unanswered_terms"),
            )
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(
            f"The question memory {path} cannot be read ({exc}). Run: faqbot answer-train"
        ) from None


def memory_for(encoder, path: Path | str = MEMORY_PATH) -> QuestionMemory | None:
    """The memory when its vectors come from this encoder's model; otherwise None (the ranker
    then sees no memory) and a warning says how to retrain."""
    memory = load_memory(path)
    without = "answers are ranked without it. Run: faqbot answer-train"
    return memory if trained_for(encoder, memory.model_id, "Question memory", without) else None
