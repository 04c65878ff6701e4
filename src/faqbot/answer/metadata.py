"""Questions about the articles themselves (who reviewed, wrote or published one, when, where, in
what language), answered from their front matter and cited like a quote: `Reply.facts`.

A logistic-regression head over the question's MiniLM embedding (the vector retrieval already
computed) says which front-matter field is asked, or none; trained by `faqbot metadata-train`
from tests/data/questions/metadata_dev.jsonl plus the training authors' front-matter questions,
its threshold chosen by cross-validation. Which article: the one the question names (a word of
its publisher, author or title that no other article's carries; a number in them also as a word,
"the eight benefits one"), else every article that has the field. The value shown is the
front-matter value as written in corpus/, never reworded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..retrieval import Candidates
from ..types import Abstention, Document, Fact, Reply

HEAD_PATH = Path(__file__).resolve().parent.parent / "data" / "metadata_head.npz"
N_WORDS = 2**12  # hashed word features beside the embedding
LABELS = {  # front-matter key -> (how the reply labels it, what a note calls it); only these
    "title": ("Title", "title"),  # are ever answered
    "publisher": ("Published by", "publisher"),
    "author": ("Written by", "author"),
    "medical_reviewer": ("Medically reviewed by", "medical reviewer"),
    "published": ("Published on", "publication date"),
    "location": ("Located in", "location"),
    "language": ("Language", "language"),
}
FIELDS = ("none", *LABELS)
_WORD = re.compile(r"[a-z0-9]+")
_COMMON = {"the", "of", "and", "for", "a", "an", "what", "are", "is", "to", "in", "team"}
# words a question about the articles' details may use that their text need not: the articles
# themselves and their fields ("who wrote this post?"). Any other word neither common English
# (Zipf >= FUNCTION_ZIPF) nor in the articles, nor a typo of a common word, names something
# else: "who wrote the bible?" is not about them (the field head reads only "who wrote").
_ABOUT_ARTICLES = frozenset(
    "article articles post posts blog piece pieces page pages guide site website source sources "
    "text author authors writer wrote written write writes writing publisher publishers publish "
    "published publishing publication reviewer reviewers reviewed review medically medical "
    "checked title titled titles headline called name named date dated year language location "
    "located based behind company organization clinic info information content "
    "one ones yours your these this those".split()
)
FUNCTION_ZIPF = 5.5


@lru_cache(maxsize=1)
def _hasher():
    from sklearn.feature_extraction.text import HashingVectorizer

    # L2 in word_features: sklearn's normalize re-validates its input, ~0.5 ms a question
    return HashingVectorizer(n_features=N_WORDS, alternate_sign=False, norm=None)


def word_features(texts: list[str]) -> np.ndarray:
    """Hashed word counts, L2-normalised: "published" and "publisher" stay apart, which the
    embedding blurs (5-fold CV field accuracy 0.77 without them, 0.85 with)."""
    import sklearn

    # parameters checked once, texts are strings: sklearn's per-call checks were ~1 ms a question
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        counts = _hasher().transform(texts).toarray()
    norms = np.linalg.norm(counts, axis=1, keepdims=True)
    return counts / np.where(norms > 0, norms, 1.0)


def hashed_words(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashed word columns of one question and their counts: word_features' row
    before its L2 norm, without sklearn's sparse matrix and checks (~0.3 ms a question); each
    word hashed once and remembered. tests/test_metadata.py checks it against word_features."""
    words = _hasher().build_analyzer()(text)
    if not words:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.unique(np.array([_word_column(w) for w in words]), return_counts=True)


@lru_cache(maxsize=65_536)
def _word_column(word: str) -> int:
    from sklearn.feature_extraction._hashing_fast import transform

    return int(transform((((word, 1),),), N_WORDS, np.float64, False, 0)[0][0])


@dataclass(frozen=True)
class MetadataHead:
    """Weights of the field classifier; a question is about an article's details when
    1 - P(none) reaches the threshold, and asks for the likeliest fields."""

    emb_coef: np.ndarray  # (len(FIELDS), dim)
    word_coef: np.ndarray  # (len(FIELDS), N_WORDS)
    intercept: np.ndarray  # (len(FIELDS),)
    threshold: float
    data_hash: str = ""

    @classmethod
    def never(cls, dim: int = 384) -> MetadataHead:
        """A head that never answers from front matter (before the first training)."""
        n = len(FIELDS)
        return cls(np.zeros((n, dim)), np.zeros((n, N_WORDS)), np.zeros(n), 2.0)

    def probabilities(self, vector: np.ndarray, question: str) -> np.ndarray:
        cols, counts = hashed_words(question)  # word_features([question])[0], sparsely
        words = counts / np.sqrt(counts @ counts) if len(cols) else counts
        logits = self.emb_coef @ vector + self.word_coef[:, cols] @ words
        p = np.exp(logits + self.intercept - (logits + self.intercept).max())
        return p / p.sum()

    def fields(self, vector: np.ndarray, question: str) -> list[str]:
        """The fields the question may ask: the likeliest, and the runner-up when it is at least
        half as likely ("who published X?" reads as publisher or as date); empty when the
        question is not about an article's details, or was encoded by another model (a test's
        fake encoder): the head was trained on the bundled model's vectors."""
        if vector.shape[-1] != self.emb_coef.shape[1]:
            return []
        p = self.probabilities(vector, question)
        if 1 - p[0] < self.threshold:
            return []
        first, second = np.argsort(-p[1:])[:2] + 1
        return [FIELDS[first]] + ([FIELDS[second]] if p[second] >= p[first] / 2 else [])

    def save(self, path: Path, report: dict) -> None:
        np.savez_compressed(
            path,
            fields=np.array(FIELDS),
            emb_coef=self.emb_coef.astype(np.float32),
            word_coef=self.word_coef.astype(np.float32),
            intercept=self.intercept,
            threshold=self.threshold,
            data_hash=self.data_hash,
            report=json.dumps(report),
        )


@lru_cache(maxsize=2)
def load_head(path: Path = HEAD_PATH) -> MetadataHead:
    """The saved head, or one that never answers if none was trained yet."""
    if not path.exists():
        return MetadataHead.never()
    blob = np.load(path)
    if tuple(blob["fields"]) != FIELDS:
        raise ValueError(f"{path} was trained for other fields. Run: faqbot metadata-train")
    return MetadataHead(
        blob["emb_coef"].astype(np.float64),
        blob["word_coef"].astype(np.float64),
        blob["intercept"],
        float(blob["threshold"]),
        str(blob["data_hash"]),
    )


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _naming_words(doc: Document) -> set[str]:
    named = " ".join(str(doc.meta.get(k, "")) for k in ("title", "publisher", "author"))
    words = _words(named) - _COMMON
    return words | {_number_word(int(w)) for w in words if w.isdigit() and int(w) <= 20}


@lru_cache(maxsize=32)
def _number_word(n: int) -> str:
    """A title's "5" is also "five": "the five-benefits article" names "5 Benefits of ..."."""
    from num2words import num2words

    return num2words(n)


def named_documents(question: str, documents: list[Document]) -> list[Document]:
    """The articles the question names by a word only their own title/publisher/author has."""
    own = {d.doc_id: _naming_words(d) for d in documents}
    asked = _words(question)
    named = []
    for d in documents:
        others = set().union(*(w for i, w in own.items() if i != d.doc_id))
        if asked & (own[d.doc_id] - others):
            named.append(d)
    return named


@lru_cache(maxsize=4)
def _vocabulary(documents: tuple[Document, ...]) -> frozenset[str]:
    text = " ".join(
        f"{d.title} {d.publisher} {d.text} {' '.join(str(v) for v in d.meta.values())}"
        for d in documents
    )
    return frozenset(_words(text))


def something_else(question: str, documents: list[Document]) -> str:
    """The first word of a question that names something other than the articles ("" if none):
    not in them, not a word for them or their details, not common English, not a typo."""
    from ..retrieval.spelling import english_frequency, misspelt_english

    known = _vocabulary(tuple(documents))
    for word in _WORD.findall(question.lower()):
        if (
            len(word) > 2
            and not word.isdigit()
            and word not in known
            and word not in _ABOUT_ARTICLES
            and english_frequency(word) < FUNCTION_ZIPF
            and not misspelt_english(word)
        ):
            return word
    return ""


def facts_for(
    question: str, fields: list[str], documents: list[Document]
) -> tuple[list[Fact], str]:
    """The facts answering the first of `fields` that the named articles (all articles if none
    is named) give; else a note that a named article lacks the likeliest.

    Args:
        fields: the fields the question may ask, likeliest first (empty: not about details).
    """
    if not fields:
        return [], ""
    named = named_documents(question, documents)
    for field in fields:
        having = [d for d in (named or documents) if d.meta.get(field)]
        if having:
            values = dict.fromkeys(str(d.meta[field]) for d in having)  # "en" once, not thrice
            first = {v: next(d for d in having if str(d.meta[field]) == v) for v in values}
            return [
                Fact(d.doc_id, d.title, d.publisher, field, LABELS[field][0], v, n)
                for n, (v, d) in enumerate(first.items(), start=1)
            ], ""
    titles = ", ".join(f"“{d.title}”" for d in named)
    return [], f"The article {titles} does not name its {LABELS[fields[0]][1]}." if named else ""


def with_facts(
    reply: Reply, candidates: Candidates, head: MetadataHead, documents: list[Document]
) -> Reply:
    """The reply to a question about an article's details: its front-matter facts in place of
    quotes (passages about ketamine do not answer "who reviewed it?"); a named article that
    lacks the field gets an honest "does not name its ..." instead. An off-topic question that
    names something the articles never mention keeps its abstention ("who wrote hamlet?")."""
    fields = head.fields(candidates.query, candidates.question)
    if (
        fields
        and reply.abstention is Abstention.LOW_RELEVANCE
        and not named_documents(candidates.question, documents)
        and something_else(candidates.question, documents)
    ):
        return reply  # "who wrote the bible?": off-topic, and naming something else
    facts, note = facts_for(candidates.question, fields, documents)
    if facts:
        return replace(
            reply,
            quotes=(),
            facts=tuple(facts),
            abstention=None,
            abstain_reason="",
            suggestions=(),
            notes=(),
            uncovered=(),
        )
    if note:
        return Reply(
            reply.question,
            (),
            Abstention.NOT_IN_DETAILS,
            f"field {fields[0]!r} asked; the named article has none",
            notes=(note,),
            uncovered=(LABELS[fields[0]][1],),
        )
    return reply
