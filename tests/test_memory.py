"""The question memory: training questions vote for the sentences that answer them."""

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from faqbot.answer.memory import (
    CLOSE,
    MEMORY_PATH,
    build_memory,
    load_memory,
    memory_for,
    sentence_key,
)
from faqbot.answer.ranker import RANKER_PATH, SentenceRanker, load_ranker
from faqbot.answer.train import TRAIN_FILES, load_questions

DATA = Path(__file__).parent / "data"


def unit(*v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def memory():
    vectors = [unit(1, 0, 0), unit(0.8, 0.6, 0), unit(0, 0, 1)]
    answers = [
        {"Drive home the next day."},
        {"Drive home  the next\nday.", "Bring a friend."},
        set(),
    ]
    return build_memory(vectors, ["a", "b", "a"], answers, "model@1")


def test_a_sentence_scores_the_closest_training_question_it_answers(memory):
    texts = ["Drive home the next day.", "Bring a friend.", "Other."]
    x = memory.features(memory.similarities(unit(1, 0, 0)), texts)
    # answered by q0 (cosine 1.0) and q1 (0.8, whitespace aside); q1 only; nobody
    assert x[0, :3] == pytest.approx([1.0, 0.0, 2.0])
    assert x[1, :3] == pytest.approx([0.8, -0.2, 1.0])
    assert x[2, :3] == pytest.approx([0.0, -1.0, 0.0])


def test_a_question_word_votes_for_the_sentences_that_answered_training_questions_using_it():
    # q0 and q1 ("alcohol") are answered by the list item, q2 ("drive") by the driving rule
    vectors = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)]
    answers = [{"Active substance-use disorders"}, {"Active substance-use disorders"},
               {"Do not drive."}]  # fmt: skip
    terms = [("alcohol", "daili"), ("alcohol", "ok"), ("drive", "home")]
    m = build_memory(vectors, ["a", "b", "c"], answers, "model@1", terms=terms)
    texts = ["Active substance-use disorders", "Do not drive.", "Other."]
    x = m.features(m.similarities(unit(1, 1, 1)), texts, {"alcohol", "weekend"})
    prior = 2 / 3  # the list item answers 2 of the 3 training questions
    vote = (2 + 1.0 * prior) / (2 + 1.0)  # both "alcohol" questions are its, one smoothing prior
    assert x[0, 3:] == pytest.approx([vote, vote - prior])
    # "Do not drive." answers neither "alcohol" question: its vote falls below its prior
    assert x[1, 3:] == pytest.approx([(1 / 3) / 3, (1 / 3) / 3 - 1 / 3])
    assert x[2, 3:] == pytest.approx([0.0, 0.0])  # answers nothing: no vote
    # training: author a's question does not vote for its own author's question
    y = m.features(m.similarities(unit(1, 1, 1), "a"), texts, {"alcohol"}, leave_out="a")
    assert y[0, 3:] == pytest.approx([(1 + 0.5) / 2, (1 + 0.5) / 2 - 0.5])


def test_training_leaves_the_questions_own_author_out(memory):
    sims = memory.similarities(unit(1, 0, 0), leave_out="a")
    x = memory.features(sims, ["Drive home the next day.", "Bring a friend."])
    assert x[0, :3] == pytest.approx([0.8, 0.0, 1.0])  # q0 (author a) no longer counts
    assert x[1, :3] == pytest.approx([0.8, 0.0, 1.0])


def test_saved_and_loaded_alike(memory, tmp_path):
    memory.save(tmp_path / "m.npz")
    back = load_memory(tmp_path / "m.npz")
    assert back.answered_by == memory.answered_by and back.authors == memory.authors
    q = unit(0.6, 0.8, 0)
    texts = ["Drive home the next day.", "Bring a friend."]
    assert np.allclose(
        back.features(back.similarities(q), texts), memory.features(memory.similarities(q), texts)
    )


def test_an_unreadable_memory_names_the_fix(tmp_path):
    (tmp_path / "m.npz").write_text("not numpy")
    with pytest.raises(ValueError, match="Run: faqbot answer-train"):
        load_memory(tmp_path / "m.npz")


def test_another_models_memory_is_not_used(memory, tmp_path):
    memory.save(tmp_path / "m.npz")

    class Other:
        model_id = "other@2"

    with pytest.warns(RuntimeWarning, match="Run: faqbot answer-train"):
        assert memory_for(Other(), tmp_path / "m.npz") is None
    Other.model_id = "model@1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert memory_for(Other(), tmp_path / "m.npz") is not None


def test_a_stand_in_ranker_scores_every_sentence_alike():
    p = SentenceRanker.stand_in().probability(np.ones((3, 4)))
    assert p == pytest.approx([0.5, 0.5, 0.5])


def test_the_saved_memory_holds_the_training_questions_and_never_the_held_out_ones():
    memory, questions = load_memory(MEMORY_PATH), load_questions(DATA)
    digest = hashlib.sha256(json.dumps([q["question"] for q in questions]).encode()).hexdigest()
    assert memory.data_hash == digest[:16] == load_ranker(RANKER_PATH).data_hash, (
        "Run: faqbot answer-train"
    )
    # held-out F and the blind sets (QA..QL: QA..QD also calibrate the ranker's rescue; QK, QL unopened)
    held = {
        f"author_{a}" for a in "f k m q s t u v w x qa qb qc qd qe qf qg qh qi qj qk ql".split()
    }
    assert len(memory.vectors) == len(questions)
    assert held.isdisjoint(Path(name).stem for name in TRAIN_FILES)
    assert set(memory.authors) == {"legacy", "e", "g", "j", "l", "n", "o", "p", "r"}
    # every remembered sentence is a sentence of the corpus, as the answer stage cuts them
    corpus = " ".join(" ".join(p.read_text(encoding="utf-8").split())
                      for p in (DATA.parent.parent / "corpus").glob("*.md"))  # fmt: skip
    assert memory.answered_by and all(k in corpus for k in memory.answered_by)
    assert all(sentence_key(k) == k for k in memory.answered_by)


@pytest.mark.e2e
def test_the_real_bot_ranks_with_its_memory(real_bot):
    assert real_bot.ranker.memory is not None
    assert real_bot.ranker.memory.model_id == real_bot.encoder.model_id


def test_closeness_to_answered_and_unanswered_training_questions():
    answered = [unit(1, 0, 0), unit(0, 1, 0)]
    unanswered = [unit(0.6, 0.8, 0), unit(0, 0, 1)]
    memory = build_memory(answered, ["a", "b"], [set(), set()], "m", "", unanswered, ["b", "a"])
    # no terms asked (or none kept): the word-by-word columns are 0
    assert memory.closeness(unit(0, 1, 0)) == pytest.approx([1.0, 0.8, 0.2, 0.0, 0.0])
    assert memory.closeness(unit(0, 1, 0), leave_out="b") == pytest.approx([0, 0, 0, 0, 0])
    lonely = build_memory(answered, ["a", "a"], [set(), set()], "m", "", unanswered, ["a", "a"])
    assert lonely.closeness(unit(1, 0, 0), leave_out="a") == pytest.approx([-1, -1, 0, 0, 0])


def test_a_question_word_used_by_unanswered_training_questions_votes_unanswered():
    answered = [unit(1, 0, 0), unit(0, 1, 0)]
    unanswered = [unit(0.6, 0.8, 0), unit(0, 0, 1)]
    memory = build_memory(answered, ["a", "b"], [set(), set()], "m", "", unanswered, ["b", "a"],
                          terms=[("cost",), ("drive", "legal")],
                          unanswered_terms=[("canada", "legal"), ("canada",)])  # fmt: skip
    prior = 2 / 4  # 2 of the 4 training questions are unanswered
    # "canada": 2 unanswered of 2; "legal": 1 of 2; "zzz": used by none (unseen)
    got = memory.closeness(unit(0, 1, 0), terms={"canada", "legal", "zzz"})[3:]
    assert got == pytest.approx([(2 + prior) / 3, 1 / 3])
    # leaving author a out: the other "canada" question (b's) still votes; prior 1 of 2
    got = memory.closeness(unit(0, 1, 0), leave_out="a", terms={"canada"})[3:]
    assert got == pytest.approx([(1 + 0.5) / 2, 0.0])


def test_the_remembered_similarities_are_the_questions_own(memory):
    # similarities are remembered for the last question: a new question must not read them
    assert memory.similarities(unit(1, 0, 0)) == pytest.approx([1.0, 0.8, 0.0])
    # (0, 1, 0): cosine 0.6 with q1, 0 with q0 and q2; no unanswered question: -1
    assert memory.closeness(unit(0, 1, 0))[:3] == pytest.approx([0.6, -1.0, 1.6])
    assert memory.similarities(unit(0, 0, 1)) == pytest.approx([0.0, 0.0, 1.0])
    assert memory.similarities(unit(0, 0, 1), leave_out="a") == pytest.approx([-1.0, 0.0, -1.0])
    assert memory.similarities(unit(0, 0, 1)) == pytest.approx([0.0, 0.0, 1.0])


def test_the_saved_memory_holds_the_near_domain_training_questions():
    from faqbot.answer.train import coverage_rows

    memory = load_memory(MEMORY_PATH)
    near = [(q, a) for q, unanswered, a in coverage_rows(DATA) if unanswered]
    assert len(memory.unanswered) == len(near) and memory.unanswered_authors == tuple(
        a for _, a in near
    )
    assert "f" not in memory.unanswered_authors


@pytest.mark.parametrize("which", ["tiny", "saved"])
def test_memory_features_match_a_sentence_by_sentence_reading(memory, which):
    memory = memory if which == "tiny" else load_memory()
    rng = np.random.default_rng(0)
    sims = rng.uniform(-1, 1, len(memory.vectors)).astype(np.float32)
    texts = [*list(memory.answered_by)[:30], "a sentence no question is answered by"]
    got = memory.features(sims, texts)
    for row, text in zip(got, texts, strict=True):
        rows = list(memory.answered_by.get(text, ()))
        if rows:
            top = sims[rows].max()
            assert row[:3] == pytest.approx([top, top - sims.max(), np.sum(sims[rows] > CLOSE)])
        else:
            assert row[:3] == pytest.approx([0.0, -sims.max(), 0.0])
        # no terms asked: a sentence's vote is its share of all training questions, no lift
        share = len(rows) / len(memory.terms) if memory.terms and rows else 0.0
        assert row[3:] == pytest.approx([share, 0.0])
