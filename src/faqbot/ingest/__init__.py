"""Ingest: the clinic's articles into Documents, and Documents into Chunks."""

from .chunking import chunk_corpus, chunk_document
from .corpus import Corpus, CorpusProblem, load_corpus, parse_document

__all__ = [
    "Corpus",
    "CorpusProblem",
    "chunk_corpus",
    "chunk_document",
    "load_corpus",
    "parse_document",
]
