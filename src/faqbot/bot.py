"""FAQBot: the one object the CLI, the web app and Python callers talk to. It only wires stages:
corpus -> index -> retrieval -> answer -> safety policy -> Reply."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from . import safety
from .answer import (
    Calibration,
    SentenceRanker,
    answer,
    corpus_stats,
    load_calibration,
    load_coverage,
    load_metadata_head,
    load_ranker,
    memory_for,
    part_quote,
    question_parts,
    rank,
    too_long,
    with_facts,
    with_part_quotes,
)
from .answer.context import (
    Reading,
    as_follow_up,
    context_note,
    gate_for,
    previous_question,
    weigh,
)
from .answer.curated import Taught, taught_first
from .answer.recall import make_recall
from .encoders import Encoder
from .encoders.cache import RememberingEncoder
from .encoders.lazy import LazyEncoder, query_encoder
from .followups import load_followups
from .index import LoadedIndex, StaleIndexError, build_with_progress, load_index
from .ingest import Corpus, load_corpus
from .ingest.curated import CURATED_FILE, CuratedSet, load_curated
from .intent import (
    SMALL_TALK,
    intent_model_for,
    load_clinic_text,
    other_language,
    other_language_reply,
    small_talk_reply,
    with_contact,
)
from .question import asked_in, check_search, require_text, validate
from .retrieval import Candidate, Candidates, Retriever
from .safety_policy import apply_policy, apply_search_policy
from .settings import Settings
from .types import Reply, SearchResult

# what FAQBot.warm_up asks: an English question with a misspelt word (normaliser, answer stage)
# and one in another language (both crisis heads, the language check)
WARM_UP = ("how long dose an infushion take?", "¿Cuánto cuesta una sesión de ketamina?")


def project_root() -> Path:
    """The checkout holding corpus/ (an editable install), else the working directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "corpus").is_dir() else Path.cwd()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class FAQBot:
    """Answers questions from one corpus and its index; safe to call from several threads."""

    def __init__(
        self,
        corpus: Corpus,
        index: LoadedIndex,
        encoder: Encoder,
        settings: Settings,
        calibration: Calibration | None = None,
        curated: CuratedSet | None = None,
        ranker: SentenceRanker | None = None,
    ):
        self.corpus = corpus
        self.index = index
        # the crisis classifier and retrieval both read the question: one encoding serves both
        self.encoder = RememberingEncoder(encoder, settings.safety.remembered_vectors)
        self.settings = settings
        self.calibration = calibration or load_calibration()
        self.retriever = Retriever(index, self.encoder, settings.retrieval)
        self.safety = safety.detector_for(self.encoder, settings.safety)
        # the learned ranker, reading the training questions' memory (None for another model)
        self.ranker = ranker or replace(load_ranker(), memory=memory_for(self.encoder))
        self.stats = corpus_stats(index.chunks, index.units)
        a = settings.answer  # passages the memory recalls join retrieval's (answer/recall.py)
        self.recall = make_recall(self.ranker.memory, index.chunks, a.recall_questions,
                                  a.recall_cosine)  # fmt: skip
        self.coverage = load_coverage()
        self.metadata = load_metadata_head()
        self.intents = intent_model_for(self.encoder)  # None for another model: no small talk
        self.context_gate = gate_for(self.encoder)  # None for another model: no follow-ups
        self.clinic = load_clinic_text()
        self.followups = load_followups((c.doc_id, c.section) for c in index.chunks)
        self._texts = {d.doc_id: d.text for d in corpus.documents}
        curated = curated or CuratedSet(project_root() / "corpus" / CURATED_FILE)
        self.taught = Taught.of(curated, self.encoder, index.chunks)

    @classmethod
    def load(
        cls,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        encoder: Encoder | None = None,
        rebuild: bool = True,
        log: Callable[[str], None] = _stderr,
        ranker: SentenceRanker | None = None,
    ) -> FAQBot:
        """Load corpus and index; a missing or stale index is rebuilt (or refused if rebuild=False).
        `ranker`: instead of the saved answer ranker (training one).

        Raises:
            ValueError: unusable corpus, or an unusable index with rebuild=False.
        """
        settings = settings or Settings()
        root = project_root()
        corpus_dir = Path(corpus_dir) if corpus_dir else root / "corpus"
        index_dir = Path(index_dir) if index_dir else root / "index"
        corpus = load_corpus(corpus_dir, settings.limits)
        for problem in corpus.problems:
            log(f"Corpus: {problem}")
        curated = load_curated(corpus_dir / CURATED_FILE, corpus)
        for problem in curated.problems:
            log(f"Warning: taught answer in {problem}")
        encoder = encoder or LazyEncoder(settings.encoder)
        _set_faiss_threads(1)
        _set_blas_threads(1)
        try:
            index = load_index(index_dir, corpus, settings.index, encoder.model_id)
        except StaleIndexError as why:
            if not rebuild:
                raise ValueError(
                    f"The index in {index_dir} is not usable: {why}. Run: faqbot build"
                ) from None
            log(f"Building the index in {index_dir} because {why}.")
            build_with_progress(corpus, settings, encoder, index_dir)
            index = load_index(index_dir, corpus, settings.index, encoder.model_id)
        if isinstance(encoder, LazyEncoder):
            encoder = query_encoder(index.path, index.manifest, settings.encoder) or encoder
        bot = cls(corpus, index, encoder, settings, curated=curated, ranker=ranker)
        for problem in bot.followups.problems:
            log(f"Follow-up questions: {problem}")
        return bot

    def warm_up(self) -> None:
        """Load now, not during the first visitors' questions, what the bot loads on first need:
        the query model, the crisis normaliser's word lists (a misspelt or run-together word),
        both crisis heads (a message in another language) and the answer stage's models. The
        web app calls it before it listens (first question after `search` alone: ~1.5 s for a
        misspelt one, docs/RELIABILITY.md)."""
        from .safety.normalise import load_tables

        load_tables()
        for text in WARM_UP:
            self.ask(text)

    def search(self, question: str, k: int = 5, retriever: str | None = None) -> SearchResult:
        """Passages for a question, best first (a sequence of Passage), with the query's crisis
        level and safety text: no public route answers a crisis with bare passages.

        Raises:
            ValueError: empty or over-long question, k outside 1..max_k, or an unknown retriever.
        """
        question = validate(question, self.settings.limits)
        mode = retriever or self.settings.retrieval.retriever
        check_search(k, mode, self.settings.limits)
        assessment = self.safety.assess(question)
        # the crisis text in the query's language, when it is not English (read only in a crisis)
        language = self.language(question) if assessment.crisis else None
        return apply_search_policy(self.retriever.search(question, k, mode), assessment, language)

    def candidates(self, question: str) -> Candidates:
        """The passages the answer stage weighs, with their sentence scores (staff, calibration)."""
        return self.answer_candidates(validate(question, self.settings.limits))

    def answer_candidates(self, question: str, leave_out: str = "") -> Candidates:
        """What the answer stage weighs for an already valid question: retrieval's top passages
        and those the question memory recalls (`leave_out`: an author it does not recall,
        training)."""
        s = self.settings.answer
        recall = self.recall.without(leave_out) if self.recall and leave_out else self.recall
        return self.retriever.candidates(question, s.candidates, recall, s.recall_passages)

    def ranked(self, question: str) -> list[Candidate]:
        """The candidates in the answer stage's order, by learned sentence scores (eval, staff)."""
        return rank(self.candidates(question), self.ranker, self.stats, self._texts)

    def ask(self, question: str, earlier: Sequence[str] = ()) -> Reply:
        """A reply made only of cited verbatim quotes, or an honest abstention; safety text always.

        Args:
            earlier: the visitor's previous messages in the same chat, oldest first: the safety
                layer reads the last few with this one (risk told over two messages; after an
                acute message the next replies keep the crisis text). Only the chat passes them.

        Raises:
            ValueError: the question is empty (nothing to answer or assess).
        """
        question = require_text(question)
        assessment = self.safety.assess_in_conversation(question, earlier)
        try:
            question = validate(question, self.settings.limits)
        except ValueError as why:  # too long: its question is answered, or the limit is said
            asked = asked_in(question, self.settings.limits.max_question_chars)
            if asked is None:
                reply = too_long(question, why, self.settings.limits)
                return apply_policy(reply, assessment, self.language(question))
            language = self.language(asked)
            reply = self._reply(asked, assessment, earlier, language)
            note = f"Your message is long, so I answered the question in it: “{asked}”"
            return apply_policy(replace(reply, notes=(note, *reply.notes)), assessment, language)
        language = self.language(question)
        return apply_policy(self._reply(question, assessment, earlier, language), assessment,
                            language)  # fmt: skip

    def language(self, text: str) -> str | None:
        """The code of the language `text` is written in when it is surely not English (the
        test of the English-only note: settings.answer.other_language_*); None otherwise."""
        s = self.settings.answer
        return other_language(text, s.other_language_probability, s.other_language_words)

    def _reply(
        self, question: str, assessment: safety.SafetyAssessment, earlier: Sequence[str] = (),
        language: str | None = None,
    ) -> Reply:  # fmt: skip
        """The reply to a valid question before the safety policy: the English-only note (for a
        question in `language`, not English), small talk, or quotes (with each part's, the
        articles' details, contact, taught answers); a follow-up of the last question in
        `earlier` is answered with it (answer/context.py)."""
        # the articles are English: another language gets the English-only note, with safety
        if language:
            return other_language_reply(question, language, self.clinic)
        # safety runs first: a message with any crisis language (or read with earlier ones that
        # have it) is never taken for a greeting or thanks; below acute, asking for a person
        # still gets the clinic's contact details ("I feel hopeless", then "can I talk to a real
        # person"). An acute message is a question: the crisis message is its contact, not the
        # clinic's booking text ("I want to kill myself" read as "contact" once)
        intent = self.small_talk(question) if assessment.level != "acute" else "question"
        if assessment.level != "none" and intent in SMALL_TALK:
            intent = "question"
        if intent in SMALL_TALK:
            return small_talk_reply(question, intent, self.clinic)
        alone, reading, previous = self._resolve(question, earlier, assessment)
        candidates = reading.candidates
        reply = self._with_parts(question, replace(reading.reply, question=question))
        # the article's details a message asks for are its own ("when was it published?" after
        # "who reviewed it?" asks the date): read from the message alone
        reply = with_facts(reply, alone.candidates, self.metadata, self.corpus.documents)
        if previous is not None and not reply.facts:
            reply = replace(reply, notes=(context_note(previous), *reply.notes))
        if intent == "contact":  # "how do I reach the clinic?": its details, and any quote
            reply = with_contact(reply, self.clinic)
        # staff-taught answers first (corpus/curated.yaml); the safety policy still applies
        return taught_first(reply, candidates, self.taught, self._texts, self.settings.answer)

    def resolved(self, question: str, earlier: Sequence[str] = ()) -> str:
        """The text `question` is answered as after the visitor's `earlier` messages: the
        question, or their last question and this one read together (a follow-up; never in a
        chat with crisis language, as `ask`)."""
        question = validate(question, self.settings.limits)
        assessment = self.safety.assess_in_conversation(question, earlier)
        _, reading, _ = self._resolve(question, earlier, assessment)
        return reading.candidates.question

    def _resolve(
        self, question: str, earlier: Sequence[str], assessment: safety.SafetyAssessment
    ) -> tuple[Reading, Reading, str | None]:
        """The answer stage's reading of `question` alone; the reading the reply is made from;
        and the last question that one was read with (None: read alone). Both readings are
        made; the learned gate chooses (answer/context.py). A chat read as acute is not read
        across messages: the reply would quote a crisis message back in its note. Below acute
        ("Can ketamine reduce suicidal thoughts?" then "how fast?") it is, as any chat."""
        calm = assessment.level != "acute"
        previous = previous_question(earlier) if self.context_gate and calm else None
        if previous is None:
            alone = self.reading(question)
            return alone, alone, None
        w = weigh(question, previous, self.reading, self.encoder.encode)
        if not self.context_gate.leans(w.x):
            return w.alone, w.alone, None
        max_zipf = self.settings.answer.unmentioned_max_zipf
        return w.alone, as_follow_up(w.alone, w.joined, max_zipf), previous

    def reading(self, question: str) -> Reading:
        """The answer stage's candidates and reply for `question` read alone (no safety, no
        parts, details or taught answers: what the follow-up gate weighs)."""
        candidates = self.answer_candidates(question)
        reply = answer(
            candidates,
            self._texts,
            self.calibration,
            self.settings.answer,
            self.ranker,
            self.stats,
            self.coverage,
            self.followups.questions,
        )
        return Reading(candidates, reply)

    def _with_parts(self, question: str, reply: Reply) -> Reply:
        """A question of several parts: each part's own best quote, when the answer stage is
        sure of it and the reply does not quote that passage yet (answer/parts.py)."""
        parts = question_parts(question)
        if len(parts) < 2 or reply.abstained:
            return reply
        s = self.settings.answer
        found = [
            part_quote(answer(self.answer_candidates(part), self._texts,
                              self.calibration, s, self.ranker, self.stats, self.coverage,
                              bold_first=False))
            for part in parts
        ]  # fmt: skip
        return with_part_quotes(reply, found, s.max_quotes_with_parts)

    def small_talk(self, question: str) -> str:
        """The intent of a message: greeting, thanks, contact, or question (for the articles)."""
        if self.intents is None:
            return "question"
        return self.intents.intents(self.encoder.encode([question]))[0]

    def reload_taught(self) -> CuratedSet:
        """Re-read the taught answers (after the staff desk saved one) and serve them from now.

        Raises:
            ValueError: the file is not valid YAML or an entry is malformed (file and line).
        """
        path = self.taught.curated.path
        curated = load_curated(path, self.corpus)
        self.taught = Taught.of(curated, self.encoder, self.index.chunks)  # one swap: thread-safe
        return curated


def _set_blas_threads(n: int) -> None:
    # numpy's OpenBLAS: the bot's products are small (a question against ~4,900 remembered crisis
    # messages); waking a thread pool for each cost more than it saved (crisis check p50 5.9 ms
    # with 2 threads, 2.5 ms with 1; benchmarks/safety_cost.py). Torch's and FAISS's own pools
    # are left as they are.
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().select(internal_api="openblas").limit(limits=n)


def _set_faiss_threads(n: int) -> None:
    # FAISS and torch both spinning OpenMP threads costs ~5 ms per query on 2 cores.
    import faiss

    faiss.omp_set_num_threads(n)
