"""Every tunable in one frozen, validated tree, each default with the measurement that chose it.

Environment variables are read only at the edges (app.py, cli.py), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
RETRIEVERS = ("hybrid", "dense", "lexical")
FUSIONS = ("zscore", "rrf")
PASSAGE_ENCODERS = ("onnx", "onnx-int8", "encoder")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    _check(value in allowed, f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _at_least(section: object, minimum: float, *names: str) -> None:
    for name in names:
        value = getattr(section, name)
        _check(value >= minimum, f"{name} must be at least {minimum}, got {value}")


@dataclass(frozen=True)
class EncoderSettings:
    """The embedding model and how it runs."""

    model: str = DEFAULT_MODEL  # or the folder of a saved sentence-transformers model
    threads: int = 2  # the query encoder's threads; the web app serves with 1 (serve settings)
    batch_size: int = 64  # sentence-transformers' batch when it embeds passages (fallback path)
    # Texts per batch when a build embeds passages with onnxruntime: on 2 cores 16 edged out 32
    # and 64 (benchmarks/build.py)
    build_batch: int = 16

    def __post_init__(self) -> None:
        _at_least(self, 1, "threads", "batch_size", "build_batch")


@dataclass(frozen=True)
class IndexSettings:
    """What goes into the index; `manifest()` is recorded with it, so a change means a rebuild."""

    # Passages of up to 200 words (median 72: most sections whole) retrieve best on the dev set
    # (benchmarks/sweep_retrieval.py, docs/RETRIEVAL.md); quotes are trimmed to sentences.
    chunk_words: int = 200
    embed_context: bool = True  # prefix the section heading to the passage before embedding
    # What embeds the passages at build time (queries always use the fp32 ONNX export): "onnx" is
    # that same export, ~3x torch fp32 and the same vectors to 1e-4; "onnx-int8" is ~1.5x faster
    # again but costs a little R@1/R@5 and near-domain abstention (docs/BENCHMARKS.md); "encoder"
    # is the encoder passed to the build (sentence-transformers on torch), the fallback when the
    # model cannot be exported
    passage_encoder: str = "onnx"
    # Exact (flat) FAISS search up to this many passages, HNSW beyond: the flat scan costs about as
    # much as HNSW at 25k (0.9 ms) and 2.6x more at 50k (benchmarks/scale.py, docs/BENCHMARKS.md)
    exact_index_max: int = 25_000
    # HNSW, measured by benchmarks/scale.py on 1M real-model-like vectors: with 32 links per node
    # a search beam of 512 finds 97% of real questions' exact top 10 in ~1.6 ms on one thread
    # (384: 96%, 128: 89%); a wider build beam (80) gave no better recall than 40, 35% slower.
    hnsw_m: int = 32
    hnsw_ef_construction: int = 40
    hnsw_ef_search: int = 512

    def __post_init__(self) -> None:
        _check(self.chunk_words >= 5, f"chunk_words must be at least 5, got {self.chunk_words}")
        _one_of("passage_encoder", self.passage_encoder, PASSAGE_ENCODERS)
        _at_least(self, 1, "exact_index_max", "hnsw_m", "hnsw_ef_construction", "hnsw_ef_search")

    def manifest(self) -> dict:
        """The settings that change the index's contents, recorded in its manifest."""
        return {"chunk_words": self.chunk_words, "embed_context": self.embed_context}


@dataclass(frozen=True)
class RetrievalSettings:
    """How passages are ranked for a question."""

    retriever: str = "hybrid"
    # hybrid = 0.8 * z(dense) + 0.2 * z(BM25), BM25 counted 0 where no term matches: chosen by
    # benchmarks/sweep_fusion.py over weights 0.5..0.95 and RRF k 5..60 (cross-validated), see
    # docs/RETRIEVAL.md; "rrf" is kept as an option
    fusion: str = "zscore"
    dense_weight: float = 0.8
    rrf_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    # Sentence vectors are read into memory as float32 up to this size (~17k passages of ~5
    # sentences): a gather from the memory map costs more than the arithmetic; beyond it they are
    # paged from disk as float16 (benchmarks/memory.py)
    units_in_memory_bytes: int = 128 * 2**20
    # Typo correction leaves alone a word at least this common in general English (Zipf); a word
    # below `rare_zipf` that no article uses is evidence the question is about something else
    typo_max_zipf: float = 3.0
    rare_zipf: float = 4.0

    def __post_init__(self) -> None:
        _one_of("retriever", self.retriever, RETRIEVERS)
        _one_of("fusion", self.fusion, FUSIONS)
        _check(0 <= self.dense_weight <= 1, f"dense_weight must be 0..1, got {self.dense_weight}")
        _at_least(self, 1, "rrf_k", "candidates")
        _at_least(self, 0, "units_in_memory_bytes")


@dataclass(frozen=True)
class AnswerSettings:
    """How retrieved passages become quotes (abstention thresholds: data/abstention.json)."""

    candidates: int = 8  # passages weighed for the reply
    # ... and up to `recall_passages` more: those answering the `recall_questions` training
    # questions closest to the question, each at least `recall_cosine` close, when retrieval
    # ranked them lower (answer/recall.py; 0 questions: none)
    recall_questions: int = 3
    recall_cosine: float = 0.6
    recall_passages: int = 2
    max_quotes: int = 3
    # a question of several parts ("how much is it and can I drive after?") may add each part's
    # own quote after these, up to this many in all (answer/parts.py)
    max_quotes_with_parts: int = 4
    quote_words: int = 60  # a longer passage is trimmed to whole sentences around the answer
    # sentence scores are the answer ranker's probabilities (answer/ranker.py): a passage whose
    # best sentence is this far below the best passage's is not quoted
    weak_margin: float = 0.3
    duplicate_cosine: float = 0.92  # a passage this close to one already quoted is left out
    highlight_margin: float = 0.05  # also bold sentences this close to the best one
    short_lead_chars: int = 12  # a sentence this short before a bold one ("No.") is bold too
    # A question read as another language than English with at least this probability, of at
    # least this many words, gets the English-only note (data/clinic.toml) instead of quotes:
    # 1 of 15,792 English questions and messages in tests/data (a German question with "I live
    # in Germany"), and 98.7 % of the 1,503 crisis-set messages in es/pt/fr/de/it
    # (intent/language.py)
    other_language_probability: float = 0.99
    other_language_words: int = 3
    # a quote after the first, and every quote under an "uncovered" caveat, bolds only sentences
    # with at least this calibrated P(answers): bold keeps meaning "this is the answer"
    bold_floor: float = 0.5
    paragraph_jump: float = 0.2  # a quote crosses a paragraph break only to a sentence this close
    topics: int = 3  # follow-up questions offered after an answer, or instead of one
    # No follow-ups at all when even the best passage is this far off: on the dev set the 13
    # off-topic questions (weather, trains, recipes) reach at most 0.187, the 3 near-domain ones
    # that abstain at least 0.210 (parking at the office, fasting, dose per kg)
    topics_min_relevance: float = 0.2
    # Below this general-English frequency (Zipf) a word no article uses is a named thing the
    # visitor asks about (sertraline, psilocybin, Zoloft, TMS), not an everyday word ("meds")
    unmentioned_max_zipf: float = 3.0
    # A question at least this close (cosine) to one staff taught (corpus/curated.yaml) is
    # answered from it first. benchmarks/calibrate_curated.py, each of 804 labelled questions
    # taught and the others asked: from 0.91 up, >= 90 % of those served share the taught answer
    # (0.91: 91.8 % right, 12 % of visitors served; 0.85: 87 %; 0.80: 86 %); docs/UI.md
    curated_cosine: float = 0.91

    def __post_init__(self) -> None:
        _at_least(self, 1, "candidates", "max_quotes", "quote_words", "topics")
        _at_least(self, 0, "recall_questions", "recall_passages")
        _check(
            self.max_quotes_with_parts >= self.max_quotes,
            f"max_quotes_with_parts ({self.max_quotes_with_parts}) must be at least max_quotes "
            f"({self.max_quotes})",
        )
        _check(
            0 < self.curated_cosine <= 1,
            f"curated_cosine must be in (0, 1], got {self.curated_cosine}",
        )
        _at_least(self, 0, "weak_margin", "highlight_margin", "short_lead_chars")
        _at_least(self, 0, "topics_min_relevance")
        _check(
            0 < self.other_language_probability <= 1,
            f"other_language_probability must be in (0, 1], got {self.other_language_probability}",
        )
        _at_least(self, 1, "other_language_words")
        _check(0 <= self.bold_floor <= 1, f"bold_floor must be in [0, 1], got {self.bold_floor}")


@dataclass(frozen=True)
class Limits:
    """What a caller may ask for."""

    max_question_chars: int = 1000
    max_k: int = 100
    echo_chars: int = 200  # of an over-long question, repeated in its reply
    # A corpus file over this is skipped as a mistake (a PDF export, a log): far above any article
    max_file_bytes: int = 5_000_000

    def __post_init__(self) -> None:
        _at_least(self, 1, "max_question_chars", "max_k", "echo_chars", "max_file_bytes")


@dataclass(frozen=True)
class SafetySettings:
    """The crisis detector. Its thresholds are not settings: they come with the trained
    classifier (data/safety/head.npz), chosen by cross-validation in `faqbot safety-train`."""

    # sentences the classifier reads in one message (the first and last halves of a longer one;
    # the phrase rules always read every character): a 1,000-character question has at most ~40
    max_sentences: int = 120
    # a message this short is read only whole; a longer one sentence by sentence too, so one
    # risky sentence is not diluted by the rest. 0: every message of two or more sentences.
    # Blind set U (risk beside a treatment question, <= 40 words) got crisis text 82 % of the
    # time read whole (40); leave-one-author-out with training set W (that form) chose 0
    # (benchmarks/safety_whole_words.py). The head's bars were set reading messages this way.
    whole_words: int = 0
    # a sentence longer than this many words is also read clause by clause (split at ";", ":",
    # a dash or a comma; pieces under three words join the next); 0: sentences only. Tried on
    # leave-one-author-out (benchmarks/safety_whole_words.py --clause-words 8): acute 0.850 ->
    # 0.838, any tier 0.957 -> 0.958 at the same bars, so off; the head's bars assume 0
    clause_words: int = 0
    remembered_vectors: int = 256  # question vectors kept so safety and retrieval encode once
    # in the chat, the visitor's earlier messages read again with each new one (0: each alone):
    # risk told over two messages ("I have the pills saved" / "tonight") is found, and after an
    # acute message the next replies keep the crisis text and leave out doses and methods
    conversation_turns: int = 2
    # the fine-tuned second reader (safety/veto.py) may lower the main head's verdict on an
    # English message: none, or the resources line in place of the banner (thirty-fifth
    # session, docs/safety_languages_before.md candidate V1); its bars come with it (veto.json)
    veto: bool = True
    # a reader fitted the same way to the rows in es/pt/fr/de/it (veto_other.json) may lower
    # the heads' verdict on a message in one of those languages the same way (thirty-eighth
    # session, candidate V4); a rule's verdict there is never lowered
    veto_other: bool = True
    # the same reader may also raise: an English message nothing else gave safety text, whose
    # main-head reading (its highest P(not none)) is at least `raise_gate`, gets the resources
    # line when the reader scores P(none) below `raise_bar` (9 to 1 that it is risk);
    # thirty-sixth session: R36 at even odds (0.5) raised two look-alikes of held-out C, R36b
    # (docs/safety_languages_before.md). The gate keeps the reader off ~98 % of questions.
    # raise_bar 0 turns it off
    raise_gate: float = 0.3
    raise_bar: float = 0.1

    def __post_init__(self) -> None:
        _at_least(self, 2, "max_sentences")
        for name in ("raise_gate", "raise_bar"):
            value = getattr(self, name)
            _check(0.0 <= value <= 1.0, f"{name} must be between 0 and 1, got {value}")
        _at_least(self, 0, "whole_words", "clause_words", "conversation_turns")
        _at_least(self, 1, "remembered_vectors")


@dataclass(frozen=True)
class ServeSettings:
    """The web app and the JSON API (docs/BENCHMARKS.md "Over HTTP", docs/RELIABILITY.md)."""

    # Query-encoder threads while serving: one answer on two threads costs twice the CPU (ONNX
    # Runtime's threads spin while they wait) and a server's cores are shared with request
    # handling and other answers: one per answer gave ~1.5x the answers/s at 50 clients
    encoder_threads: int = 1
    # Answers the JSON API computes at once in worker threads: 2 gave the best p95 at 50 clients
    # (~290 ms, against ~500 ms for 1 and ~430 ms for 4)
    api_concurrency: int = 2
    # One answer at a time through Gradio's queue: its per-call overhead (session state, event
    # stream), not the bot, limits the answers per second there; programs use the JSON API
    gradio_concurrency: int = 1
    # Requests waiting beyond the running ones, in Gradio's queue and the JSON API's alike; more
    # get an immediate "busy" (503 with Retry-After from the JSON API) instead of a hang
    queue_size: int = 64
    retry_after_s: int = 1
    # How often Gradio's queue looks for a new question when it has none (its own default, 1 ms,
    # kept an idle server at ~7.6 % of a core; 10 ms: ~2.1 %, and a chat question waits at most
    # 10 ms more before it runs; docs/RELIABILITY.md)
    queue_poll_s: float = 0.01
    # One body limit for every route. The chat page sends the whole conversation with each
    # question: an exchange is ~4.4 KB on the dev set (7.3 KB at most) and the chat keeps its last
    # `max_exchanges`, ~90 KB. A 5 MB question held the single Gradio worker ~14 s in safety checks
    max_body_bytes: int = 131_072
    max_exchanges: int = 12
    # Gradio keeps ~60 KB of per-session state for each session and every API call is a new one:
    # its default of 10,000 let memory grow by ~600 MB under steady API load; 1,000 bounds it near
    # 60 MB (a visitor idle while 1,000 newer sessions arrive loses only the feedback buttons)
    session_capacity: int = 1_000
    why_k: int = 10  # passages in the staff's "why this answer" table
    # The desk's Look-up marks the question's words in the passages, except BM25's stop words
    # and words at least this common in English (Zipf 6: once in a thousand words, wordfreq):
    # "get" counts for BM25, but marked wherever it occurs it tells staff nothing. Of the words
    # in the 4,164 labelled questions, 6 unmarks would, like, get, people, make, one, could,
    # first, time, much, back, know, go, want, good, way, two, also, new, see, think; 5.8 would
    # also unmark work, home, long and last, which name what a question asks. scikit-learn's
    # stop list would unmark "side" (of side effects), "last" and "first"
    mark_max_zipf: float = 6.0

    def __post_init__(self) -> None:
        _at_least(self, 1, "encoder_threads", "api_concurrency", "gradio_concurrency")
        _at_least(self, 1, "max_body_bytes", "max_exchanges", "session_capacity", "why_k")
        _at_least(self, 0, "queue_size", "retry_after_s", "mark_max_zipf")
        _check(
            0 < self.queue_poll_s <= 1,
            f"queue_poll_s must be above 0 and at most 1 (seconds), got {self.queue_poll_s}",
        )


@dataclass(frozen=True)
class Settings:
    """The whole tree: `Settings().replace(chunk_words=20)` changes one leaf by name."""

    encoder: EncoderSettings = field(default_factory=EncoderSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    limits: Limits = field(default_factory=Limits)
    safety: SafetySettings = field(default_factory=SafetySettings)
    serve: ServeSettings = field(default_factory=ServeSettings)

    def replace(self, **values) -> Settings:
        """A copy with leaves changed by their name, which is unique across the sections
        (`candidates` is the retrieval one; change the answer one with `answer=...`).

        Raises:
            ValueError: an unknown name, or a value its section refuses.
        """
        sections = {f.name: {} for f in fields(self)}
        for name, value in values.items():
            if name in sections:
                sections[name] = value
                continue
            owner = next((s for s in sections if _has_field(getattr(self, s), name)), None)
            if owner is None:
                known = sorted(n for s in sections for n in _names(getattr(self, s)))
                raise ValueError(f"No setting {name!r}. Settings are: {', '.join(known)}")
            sections[owner][name] = value
        return Settings(
            **{
                s: v if not isinstance(v, dict) else replace(getattr(self, s), **v)
                for s, v in sections.items()
            }
        )


def _names(section: object) -> list[str]:
    return [f.name for f in fields(section)]


def _has_field(section: object, name: str) -> bool:
    return name in _names(section)
