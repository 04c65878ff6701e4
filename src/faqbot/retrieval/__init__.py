"""Retrieval: a question -> ranked Passages (search) or Candidates (for the answer stage)."""

from .candidates import Candidate, Candidates
from .retriever import Retriever

__all__ = ["Candidate", "Candidates", "Retriever"]
