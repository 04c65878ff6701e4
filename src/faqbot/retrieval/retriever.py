"""The Retriever: dense (FAISS), lexical (BM25) and hybrid rankings over one index."""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from ..encoders import Encoder
from ..index import LoadedIndex
from ..index.lexical import stem
from ..settings import RetrievalSettings
from ..types import Passage
from .candidates import Candidate, Candidates
from .dense import dense_ranking
from .fusion import Ranking, make_fusion
from .sentences import SentenceScores
from .spelling import Speller


class Retriever:
    """Ranks one index's passages for a question, typos corrected first; the encoder is injected."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, settings: RetrievalSettings):
        self.chunks = index.chunks
        self.speller = Speller(
            index.vocabulary, settings.typo_max_zipf, settings.rare_zipf, stem=stem
        )
        self.sentences = SentenceScores(index.chunks, index.units, settings.units_in_memory_bytes)
        self._row_of = {c.chunk_id: i for i, c in enumerate(index.chunks)}
        self._vectors = index.vectors
        self._lexical = index.lexical
        self._encoder = encoder
        self._fuse = make_fusion(settings)
        self._settings = settings

    def embed(self, text: str) -> np.ndarray:
        """The text's embedding, shape (dim,)."""
        return np.ascontiguousarray(self._encoder.encode([text])[0], dtype=np.float32)

    def search(self, question: str, k: int, mode: str | None = None) -> list[Passage]:
        """The top k passages, best first, by `mode` (hybrid, dense or lexical; the settings')."""
        searched = self.speller.correct(question)
        mode = mode or self._settings.retriever
        query = self.embed(searched) if mode != "lexical" else None
        return self._rank(searched, query, k, mode)

    def candidates(self, question: str, k: int,
                   recall: Callable[[np.ndarray], Collection[str]] | None = None,
                   extra: int = 0) -> Candidates:  # fmt: skip
        """The top k passages with sentence scores, passage cosines and vectors, for answering.

        Args:
            recall: given the query vector, chunk ids the answer stage wants weighed too (the
                passages answering the training questions closest to this one): up to `extra`
                of them join after the top k, in their retrieval order, with their own ranks.
        """
        searched = self.speller.correct(question)
        query = self.embed(searched)
        wanted = recall(query) if recall is not None and extra > 0 else ()
        passages = self._rank(searched, query, k, self._settings.retriever, wanted, extra)
        rows = [self._row(p) for p in passages]
        scores = self.sentences.per_passage(rows, query)
        items = []
        for passage, row, (sentence_scores, units) in zip(passages, rows, scores, strict=True):
            vector = self._vectors.reconstruct(row)
            items.append(Candidate(passage, sentence_scores, float(vector @ query), vector, units))
        rare = self.speller.rare_unknown(question)
        return Candidates(question, searched, query, rare, tuple(items))

    def dense(self, query: np.ndarray, n: int) -> Ranking:
        """The top n (row, score) pairs for a query vector: FAISS, rescored by best sentence."""
        return dense_ranking(self._vectors, self.sentences, query, n, self._settings.candidates)

    def lexical(self, searched: str, n: int) -> Ranking:
        """The top n (row, score) pairs by BM25, only passages sharing a term with the text."""
        return self._lexical.search(searched, n)

    def _row(self, passage: Passage) -> int:
        return self._row_of[passage.chunk_id]

    def _rank(self, searched: str, query: np.ndarray | None, k: int, mode: str,
              wanted: Collection[str] = (), extra: int = 0) -> list[Passage]:  # fmt: skip
        """The top k passages, then up to `extra` of the `wanted` chunk ids ranked below them."""
        n = max(k, self._settings.candidates)
        dense = self.dense(query, n) if mode in ("dense", "hybrid") else []
        lexical = self.lexical(searched, n) if mode in ("lexical", "hybrid") else []
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        else:
            # a full list was cut at n: the passages it left out score at most its last score
            floor = lexical[-1][1] if len(lexical) >= n else 0.0
            ranked = self._fuse(dense, lexical, floor)
        d_info = {row: (rank, s) for rank, (row, s) in enumerate(dense, start=1)}
        l_info = {row: (rank, s) for rank, (row, s) in enumerate(lexical, start=1)}
        kept = list(enumerate(ranked[:k], start=1))
        if wanted:  # only these become passages: a Passage per ranked row cost ~0.2 ms
            below = enumerate(ranked[k:], start=k + 1)
            kept += [(rank, (row, score)) for rank, (row, score) in below
                     if self.chunks[row].chunk_id in wanted][:extra]  # fmt: skip
        return [
            _passage(self.chunks[row], score, rank, d_info.get(row), l_info.get(row))
            for rank, (row, score) in kept
        ]


def _passage(chunk, score, rank, dense, lexical) -> Passage:
    return Passage(
        chunk,
        float(score),
        rank,
        dense_rank=dense[0] if dense else None,
        dense_score=dense[1] if dense else None,
        lexical_rank=lexical[0] if lexical else None,
        lexical_score=lexical[1] if lexical else None,
    )
