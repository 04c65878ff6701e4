"""Passages the question memory recalls join the ones retrieval ranked first (answer/recall.py)."""

import numpy as np
import pytest

from faqbot.answer.memory import build_memory
from faqbot.answer.recall import make_recall


def unit(*v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def _units(chunk):
    return [chunk.text[u.start - chunk.start : u.end - chunk.start] for u in chunk.units]


@pytest.fixture
def chunks(tiny_bot):
    assert len(tiny_bot.index.chunks) >= 4
    return tiny_bot.index.chunks


def _memory(chunks, dim):
    """Three training questions: q0 (author a) answered by chunk 1's first sentence, q1 (author
    b) by chunk 2's last and chunk 3's first, q2 (author a) by nothing."""
    e = np.eye(dim, dtype=np.float32)
    vectors = [e[0], unit(*(0.8 * e[0] + 0.6 * e[1])), e[2]]
    answers = [{_units(chunks[1])[0]}, {_units(chunks[2])[-1], _units(chunks[3])[0]}, set()]
    return build_memory(vectors, ["a", "b", "a"], answers, "fake@1")


def test_the_closest_questions_recall_the_chunks_that_answer_them(chunks):
    dim = 4
    memory = _memory(chunks, dim)
    ids = [c.chunk_id for c in chunks]
    one = make_recall(memory, chunks, questions=1, min_cosine=0.5)
    two = make_recall(memory, chunks, questions=2, min_cosine=0.5)
    q = unit(1, 0.1, 0, 0)  # closest to q0 (0.995), then q1 (0.855)
    assert one(q) == {ids[1]}
    assert two(q) == {ids[1], ids[2], ids[3]}
    # a question too far from every training question recalls nothing
    assert make_recall(memory, chunks, questions=2, min_cosine=0.999)(q) == set()
    # training: a question's own author's paraphrases are not recalled
    assert two.without("a")(q) == {ids[2], ids[3]}
    assert make_recall(None, chunks, 3, 0.6) is None
    assert make_recall(memory, chunks, 0, 0.6) is None


def test_recalled_passages_join_after_the_top_k_with_their_own_ranks(tiny_bot):
    retriever = tiny_bot.retriever
    ranked = retriever.candidates("drive my car", k=5).items
    assert len(ranked) == 5
    last, fourth = ranked[-1].passage, ranked[3].passage
    got = retriever.candidates("drive my car", 2, lambda q: {last.chunk_id, fourth.chunk_id}, 1)
    # the top 2, then the better ranked of the two recalled passages only (extra=1)
    assert [c.passage.chunk_id for c in got.items] == [
        ranked[0].passage.chunk_id, ranked[1].passage.chunk_id, fourth.chunk_id
    ]  # fmt: skip
    assert got.items[-1].passage.rank == 4
    assert got.items[-1].sentence_scores.tolist() == pytest.approx(
        ranked[3].sentence_scores.tolist()
    )
    # a recalled passage already among the top k is not weighed twice; none recalled: top k
    same = retriever.candidates("drive my car", 2, lambda q: {ranked[0].passage.chunk_id}, 2)
    assert [c.passage.chunk_id for c in same.items] == [c.passage.chunk_id for c in ranked[:2]]
    assert len(retriever.candidates("drive my car", 2, lambda q: set(), 2).items) == 2


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("I get psychotic episodes when I am really stressed. Would ketamine therapy be safe "
         "for me?", "A history of psychosis or bipolar mania"),
        ("i had a manic episode in college. does that mean no ketamine for me",
         "A history of psychosis or bipolar mania"),
        ("Been using cocaine most weekends and my depression is worse than ever, would ketamine "
         "be allowed?", "Active substance-use disorders"),
    ],
)  # fmt: skip
def test_a_condition_retrieval_ranks_low_is_recalled_and_quoted(real_bot, question, answer):
    """The screen-out list is not among retrieval's top passages for these questions (their
    other words pull to passages on depression and anxiety); training questions about the same
    conditions recall it, and the ranker quotes it first."""
    top = real_bot.retriever.candidates(question, real_bot.settings.answer.candidates).items
    assert not any(answer in c.passage.text for c in top)
    weighed = real_bot.candidates(question).items
    assert any(answer in c.passage.text for c in weighed)
    assert answer in real_bot.ask(question).quotes[0].text
