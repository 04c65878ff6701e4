"""Passages the question memory recalls: those answering the training questions closest to a new
question join the passages the answer stage weighs, even when retrieval ranked them lower.

In a one-topic corpus the passage that answers is often not among retrieval's top few: "I'm 12
weeks pregnant… could I start ketamine?" ranks the screen-out list ("Pregnancy or breastfeeding
status") below every passage on depression, while training questions such as "Can I get it if
I'm pregnant?" lie at cosine 0.83 and are labelled with that list item. The ranker already reads
the memory per sentence (answer/memory.py); this lets it see the sentence at all. How many
questions and how close: AnswerSettings.recall_questions, recall_cosine, recall_passages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..index.texts import chunk_unit_text
from ..types import Chunk
from .memory import QuestionMemory, sentence_key


@dataclass(frozen=True)
class Recall:
    """Chunk ids answering a query's closest training questions (a callable for the Retriever)."""

    memory: QuestionMemory
    chunks_of_question: tuple[frozenset[str], ...]  # per training question: chunks answering it
    questions: int  # how many of the closest training questions are read
    min_cosine: float  # ... each at least this close
    leave_out: str = ""  # an author whose questions are not recalled (training)

    def __call__(self, query: np.ndarray) -> frozenset[str]:
        sims = self.memory.similarities(query, self.leave_out)
        if not len(sims):
            return frozenset()
        n = min(self.questions, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        return frozenset().union(
            *(self.chunks_of_question[i] for i in top if sims[i] >= self.min_cosine)
        )

    def without(self, author: str) -> Recall:
        """The same recall, blind to one author's questions (their own paraphrases)."""
        return replace(self, leave_out=author)


def make_recall(memory: QuestionMemory | None, chunks: tuple[Chunk, ...], questions: int,
                min_cosine: float) -> Recall | None:  # fmt: skip
    """The recall over an index's chunks (None: no memory, or `questions` 0)."""
    if memory is None or questions < 1:
        return None
    holders: dict[str, set[str]] = {}
    for chunk in chunks:
        for unit in chunk.units:
            holders.setdefault(sentence_key(chunk_unit_text(chunk, unit)), set()).add(
                chunk.chunk_id
            )
    per_question: list[set[str]] = [set() for _ in range(len(memory.vectors))]
    for key, rows in memory.answered_by.items():
        for row in rows:
            per_question[row] |= holders.get(key, set())
    return Recall(memory, tuple(frozenset(s) for s in per_question), questions, min_cosine)
