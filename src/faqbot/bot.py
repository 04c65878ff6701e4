"""FAQBot: the one object the CLI, the UI and Python callers talk to."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import safety
from .answer import (
    AnswerSettings,
    Candidate,
    Evidence,
    abstention_reason,
    highlights,
    load_calibration,
    make_quote_hit,
    select,
    trim_window,
)
from .chunking import Chunk
from .config import RETRIEVERS, Settings
from .corpus import Corpus, load_corpus
from .embedding import model_fingerprint
from .index import LoadedIndex, StaleIndexError, build_index, load_index, passage_for_lexical
from .lexical import stem, tokenize
from .reply import Citation, Quote, Reply
from .retrieval import Hit, Retriever, make_fusion
from .spelling import Speller, english_frequency


def clean_text(text: str) -> str:
    """Replace lone surrogates (e.g. undecodable terminal bytes) so every layer can encode it."""
    return text.encode("utf-8", "replace").decode("utf-8")


def project_root() -> Path:
    """The checkout holding corpus/ (an editable install), else the working directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "corpus").is_dir() else Path.cwd()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _LazyEncoder:
    """Defers importing torch and loading the model until the first question needs it."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._encoder = None
        self.model_id = model_fingerprint(settings.model)

    def _get(self):
        if self._encoder is None:
            from .embedding import SentenceTransformerEncoder

            self._encoder = SentenceTransformerEncoder(self._settings.model, self._settings.threads)
        return self._encoder

    @property
    def dimension(self) -> int:
        return self._get().dimension

    def encode(self, texts):
        return self._get().encode(texts)

    def export_onnx(self, folder: Path) -> bool:
        return self._get().export_onnx(folder)


class FAQBot:
    def __init__(
        self,
        corpus: Corpus,
        index: LoadedIndex,
        encoder,
        settings: Settings,
        answer_settings: AnswerSettings | None = None,
        calibration=None,
    ):
        self.corpus = corpus
        self.answer_settings = answer_settings or AnswerSettings()
        self._chunk_terms: dict[str, frozenset[str]] = {}
        self.calibration = calibration or load_calibration()
        self._docs = {d.doc_id: d for d in corpus.documents}
        self.speller = Speller(index.vocabulary, stem=stem)
        self.index = index
        self.settings = settings
        self.encoder = encoder
        fusion = make_fusion(settings.fusion, settings.rrf_k, settings.dense_weight)
        self.retriever = Retriever(
            index.chunks,
            index.vectors,
            index.units,
            index.lexical,
            encoder,
            fusion,
            settings.candidates,
        )

    @classmethod
    def load(
        cls,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        encoder=None,
        rebuild: bool = True,
        log: Callable[[str], None] = _stderr,
    ) -> FAQBot:
        """Load corpus and index; a missing or stale index is rebuilt (or refused if rebuild=False).

        Raises:
            ValueError: unusable corpus, or an unusable index with rebuild=False.
        """
        settings = settings or Settings()
        root = project_root()
        corpus_dir = Path(corpus_dir) if corpus_dir else root / "corpus"
        index_dir = Path(index_dir) if index_dir else root / "index"
        corpus = load_corpus(corpus_dir)
        for problem in corpus.problems:
            log(f"Corpus: {problem}")
        encoder = encoder or _LazyEncoder(settings)
        _set_faiss_threads(1)
        try:
            index = load_index(index_dir, corpus, settings, encoder.model_id)
        except StaleIndexError as why:
            if not rebuild:
                raise ValueError(
                    f"The index in {index_dir} is not usable: {why}. Run: faqbot build"
                ) from None
            log(f"Building the index in {index_dir} because {why}.")
            build(corpus, settings, encoder, index_dir)
            index = load_index(index_dir, corpus, settings, encoder.model_id)
        if isinstance(encoder, _LazyEncoder):
            encoder = _query_encoder(index, settings) or encoder
        return cls(corpus, index, encoder, settings)

    def validate_question(self, question: object) -> str:
        if isinstance(question, str):
            question = clean_text(question)
        if not isinstance(question, str) or not question.strip():
            raise ValueError(
                "The question is empty. Type a question, e.g. 'Can I drive after a session?'"
            )
        if len(question) > self.settings.max_question_chars:
            raise ValueError(
                f"The question is {len(question):,} characters long; the limit is "
                f"{self.settings.max_question_chars:,}. Please shorten it."
            )
        return question.strip()

    def search(self, question: str, k: int = 5, retriever: str | None = None) -> list[Hit]:
        """Passages for a question, best first.

        Raises:
            ValueError: empty or over-long question, k outside 1..max_k, or an unknown retriever.
        """
        question = self.validate_question(question)
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= self.settings.max_k:
            raise ValueError(f"k must be a whole number from 1 to {self.settings.max_k}, got {k!r}")
        mode = retriever or self.settings.retriever
        if mode not in RETRIEVERS:
            raise ValueError(f"retriever must be one of {', '.join(RETRIEVERS)}, got {mode!r}")
        return self.retriever.search(self.speller.correct(question), k, mode)

    def ask(self, question: str) -> Reply:
        """A reply made only of cited verbatim quotes, or an honest abstention; safety text always.

        Raises:
            ValueError: the question is empty (nothing to answer or assess).
        """
        if not isinstance(question, str) or not question.strip():
            self.validate_question(question)
        question = clean_text(question)
        check = safety.assess(question)
        try:
            question = self.validate_question(question)
        except ValueError as too_long:
            return self._with_safety(
                Reply(
                    question[:200],
                    (),
                    True,
                    abstain_reason="question too long",
                    notes=(str(too_long),),
                ),
                check,
            )
        candidates, evidence = self.candidates(question)
        reason = abstention_reason(evidence, self.calibration)
        if reason:
            reply = Reply(question, (), True, reason, suggestions=self._topics(candidates, ()))
        else:
            chosen = select(candidates, self.answer_settings, self._passage_vector)
            quotes = tuple(self._quote(c, n) for n, c in enumerate(chosen, start=1))
            reply = Reply(
                question,
                quotes,
                False,
                followups=self._topics(candidates, chosen),
                notes=unmentioned_note(question, evidence.rare_unknown),
            )
        return self._with_safety(reply, check)

    def candidates(self, question: str) -> tuple[list[Candidate], Evidence]:
        """Top hybrid passages with per-sentence scores, plus the evidence abstention weighs."""
        searched = self.speller.correct(question)
        hits = self.retriever.search(
            searched, self.answer_settings.candidates, self.settings.retriever
        )
        query = self.retriever.query_vector(searched)
        rows = [self.retriever.row(hit.chunk_id) for hit in hits]
        units = self.retriever.unit_scores_many(rows, query) if rows else []
        out = [
            Candidate(
                hit, self.index.chunks[row], scores, float(self._passage_vector_row(row) @ query)
            )
            for hit, row, scores in zip(hits, rows, units, strict=True)
        ]
        return out, self._evidence(question, searched, out)

    def _evidence(self, question: str, searched: str, candidates: list[Candidate]) -> Evidence:
        best = max((c.relevance for c in candidates), default=0.0)
        terms = set(tokenize(searched))
        covered = bool(candidates and terms) and terms <= self._terms(candidates[0].chunk)
        return Evidence(best, self.speller.rare_unknown(question), searched, covered)

    def _terms(self, chunk: Chunk) -> frozenset[str]:
        """The passage's BM25 terms (section heading included), cached per passage."""
        terms = self._chunk_terms.get(chunk.chunk_id)
        if terms is None:
            terms = frozenset(tokenize(passage_for_lexical(chunk)))
            if len(self._chunk_terms) >= 10_000:  # bounded for big libraries
                self._chunk_terms.clear()
            self._chunk_terms[chunk.chunk_id] = terms
        return terms

    def _passage_vector_row(self, row: int) -> np.ndarray:
        return self.index.vectors.reconstruct(row)

    def _passage_vector(self, candidate: Candidate) -> np.ndarray:
        return self._passage_vector_row(self.retriever.row(candidate.hit.chunk_id))

    def _quote(self, candidate: Candidate, number: int) -> Quote:
        text = self._docs[candidate.hit.doc_id].text
        lo, hi = trim_window(
            candidate.chunk, candidate.unit_scores, self.answer_settings.quote_words, text
        )
        hit = make_quote_hit(candidate, lo, hi, text)
        citation = Citation(
            number,
            hit.title,
            hit.publisher,
            hit.section,
            hit.doc_id,
            hit.chunk_id,
            hit.start,
            hit.end,
        )
        return Quote(
            hit,
            citation,
            highlights(candidate, lo, hi, self.answer_settings.highlight_margin),
            lo > 0,
            hi < len(candidate.chunk.units),
            float(candidate.relevance),
        )

    @staticmethod
    def _topics(candidates: list[Candidate], shown, limit: int = 3) -> tuple[str, ...]:
        taken = {c.hit.section for c in shown}
        topics: list[str] = []
        for c in sorted(candidates, key=lambda c: -c.relevance):
            if c.hit.section not in taken and c.hit.section not in topics:
                topics.append(c.hit.section)
        return tuple(topics[:limit])

    def _with_safety(self, reply: Reply, check) -> Reply:
        """Safety wraps every reply; no setting turns it off."""
        quotes, notes = reply.quotes, reply.notes
        if check.level == "acute":
            kept = tuple(q for q in quotes if not safety.describes_dose_or_method(q.hit.text))
            if len(kept) < len(quotes):
                notes += ("Some passages were left out of this reply.",)
            quotes = tuple(_renumber(q, n) for n, q in enumerate(kept, start=1))
        level = check.level
        if level == "none" and any(safety.passage_mentions_suicide(q.hit.text) for q in quotes):
            text = safety.safety_text("mention")
        else:
            text = safety.safety_text(level)
        return replace(
            reply,
            quotes=quotes,
            notes=notes,
            crisis=check.crisis,
            crisis_level=level,
            crisis_rule=check.rule,
            safety_text=text,
        )


# Below this general-English frequency (Zipf) a word no article uses is a named thing the visitor
# asks about (sertraline, psilocybin, Zoloft, TMS), not an everyday word put differently ("meds").
UNMENTIONED_MAX_ZIPF = 3.0


def unmentioned_note(question: str, rare_unknown: tuple[str, ...]) -> tuple[str, ...]:
    """A caveat when the question names things no article mentions: the quotes are only the
    closest passages and may not answer it (e.g. "what are the side effects of sertraline?")."""
    words = [
        _as_typed(question, w)
        for w in dict.fromkeys(rare_unknown)
        if english_frequency(w) < UNMENTIONED_MAX_ZIPF
    ]
    if not words:
        return ()
    named = ", ".join(f"“{w}”" for w in words[:-1]) + (" or " if len(words) > 1 else "")
    named += f"“{words[-1]}”"
    return (
        f"The articles never mention {named}. These are the closest passages they have; "
        "they may not answer your question.",
    )


def _as_typed(question: str, word: str) -> str:
    """`word` (case-folded) as the question spells it: "TMS", not "tms"."""
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", question, re.IGNORECASE)
    return found.group() if found else word


def _renumber(quote: Quote, number: int) -> Quote:
    return replace(quote, citation=replace(quote.citation, number=number))


def _query_encoder(index: LoadedIndex, settings: Settings):
    """The build's ONNX export when there is one: same vectors, no torch import at start-up."""
    if index.manifest.get("query_encoder") != "onnx":
        return None
    try:
        from .embedding import OnnxEncoder

        return OnnxEncoder(index.path, index.manifest["model_id"], threads=settings.threads)
    except ImportError:
        return None


def build(corpus: Corpus, settings: Settings, encoder, index_dir: Path) -> Path:
    """Build the index with a progress bar on stderr."""
    from tqdm import tqdm

    with tqdm(
        total=0, desc="Embedding passages and sentences", unit="text", file=sys.stderr
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return build_index(corpus, settings, encoder, index_dir, progress)


def _set_faiss_threads(n: int) -> None:
    # FAISS and torch both spinning OpenMP threads costs ~5 ms per query on 2 cores.
    import faiss

    faiss.omp_set_num_threads(n)
