"""FAQBot: the one object the CLI, the UI and Python callers talk to."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .config import RETRIEVERS, Settings
from .corpus import Corpus, load_corpus
from .embedding import model_fingerprint
from .index import LoadedIndex, StaleIndexError, build_index, load_index
from .retrieval import Hit, Retriever


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


class FAQBot:
    def __init__(self, corpus: Corpus, index: LoadedIndex, encoder, settings: Settings):
        self.corpus = corpus
        self.index = index
        self.settings = settings
        self.encoder = encoder
        self.retriever = Retriever(
            index.chunks, index.vectors, index.lexical, encoder, settings.rrf_k, settings.candidates
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
        return cls(corpus, index, encoder, settings)

    def validate_question(self, question: object) -> str:
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
        return self.retriever.search(question, k, mode)


def build(corpus: Corpus, settings: Settings, encoder, index_dir: Path) -> Path:
    """Build the index with a progress bar on stderr."""
    from tqdm import tqdm

    with tqdm(total=0, desc="Embedding passages", unit="passage", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return build_index(corpus, settings, encoder, index_dir, progress)


def _set_faiss_threads(n: int) -> None:
    # FAISS and torch both spinning OpenMP threads costs ~5 ms per query on 2 cores.
    import faiss

    faiss.omp_set_num_threads(n)
