"""All tunable settings in one frozen dataclass; environment variables are read at the edges."""

from __future__ import annotations

from dataclasses import dataclass

from .embedding import DEFAULT_MODEL

RETRIEVERS = ("hybrid", "dense", "lexical")
PASSAGE_ENCODERS = ("onnx", "onnx-int8", "encoder")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    # Chosen on the dev set by benchmarks/sweep_retrieval.py (docs/RETRIEVAL.md): passages of up to
    # 200 words (median 72: most sections whole) retrieve best; quotes are trimmed to sentences.
    chunk_words: int = 200
    embed_context: bool = True  # prefix the section heading to the passage before embedding
    retriever: str = "hybrid"
    # hybrid = 0.8 * z(dense) + 0.2 * z(BM25), BM25 counted 0 where no term matches: chosen by
    # benchmarks/sweep_fusion.py over weights 0.5..0.95 and RRF k 5..60 (cross-validated), see
    # docs/RETRIEVAL.md; "rrf" is kept as an option
    fusion: str = "zscore"
    dense_weight: float = 0.8
    rrf_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    threads: int = 2
    max_question_chars: int = 1000
    max_k: int = 100
    # Exact (flat) FAISS search up to this many passages, HNSW beyond: the flat scan costs about as
    # much as HNSW at 25k (0.9 ms) and 2.6x more at 50k (benchmarks/scale.py, docs/BENCHMARKS.md)
    exact_index_max: int = 25_000
    # What embeds the passages at build time (queries always use the fp32 ONNX export): "onnx" is
    # that same export, ~3x torch fp32 and the same vectors to 1e-4; "onnx-int8" is ~1.5x faster
    # again but costs a little R@1/R@5 and near-domain abstention (docs/BENCHMARKS.md); "encoder"
    # is the encoder passed to the build (sentence-transformers on torch), the fallback when the
    # model cannot be exported
    passage_encoder: str = "onnx"

    def __post_init__(self) -> None:
        if self.retriever not in RETRIEVERS:
            raise ValueError(
                f"retriever must be one of {', '.join(RETRIEVERS)}, got {self.retriever!r}"
            )
        if self.fusion not in ("zscore", "rrf"):
            raise ValueError(f"fusion must be 'zscore' or 'rrf', got {self.fusion!r}")
        if self.passage_encoder not in PASSAGE_ENCODERS:
            raise ValueError(
                f"passage_encoder must be one of {', '.join(PASSAGE_ENCODERS)}, "
                f"got {self.passage_encoder!r}"
            )
        if self.chunk_words < 5:
            raise ValueError(f"chunk_words must be at least 5, got {self.chunk_words}")

    def chunking(self) -> dict:
        """The settings that change the index's contents, recorded in its manifest."""
        return {"chunk_words": self.chunk_words, "embed_context": self.embed_context}
