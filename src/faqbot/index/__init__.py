"""The index: passage vectors (FAISS), sentence vectors, BM25 and the vocabulary, on disk."""

from .build import build_index, build_with_progress, encode_all
from .lexical import LexicalIndex
from .store import LoadedIndex, StaleIndexError, current_build, load_index

__all__ = [
    "LexicalIndex", "LoadedIndex", "StaleIndexError", "build_index", "build_with_progress",
    "current_build", "encode_all", "load_index",
]  # fmt: skip
