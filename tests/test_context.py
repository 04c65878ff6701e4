"""Follow-ups (answer/context.py): the gate's file, its features, and the bot reading a
follow-up with the visitor's last question."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from faqbot.answer.context import (
    FEATURES,
    ContextGate,
    context_note,
    features,
    gate_for,
    joined_question,
    load_gate,
    previous_question,
)
from faqbot.answer.context_train import NEVER, best_bar
from faqbot.safety import SafetyAssessment
from tests.conftest import ROOT, FakeEncoder


def _gate(bias: float, model_id: str = "fake") -> ContextGate:
    n = len(FEATURES)
    coef = np.zeros(n)
    coef[FEATURES.index("pointer")] = 4.0
    return ContextGate(np.zeros(n), np.ones(n), coef, bias, 0.5, "hash", model_id)


def test_previous_question_is_the_last_message_with_words():
    assert previous_question([]) is None
    assert previous_question(["How much is it?", "  ", "?!"]) == "How much is it?"
    assert previous_question(["first", "Does  it\nhelp   PTSD?"]) == "Does it help PTSD?"
    assert joined_question("Does it help PTSD?", "and OCD?") == "Does it help PTSD? and OCD?"


def test_a_gate_round_trips_through_its_file_and_decides_by_its_weights(tmp_path):
    gate = _gate(bias=-2.0)
    gate.save(tmp_path / "gate.json")
    loaded = load_gate(tmp_path / "gate.json")
    assert loaded.to_json() == gate.to_json()
    x = np.zeros(len(FEATURES))
    assert not loaded.leans(x)  # P = sigmoid(-2)
    x[FEATURES.index("pointer")] = 1.0
    assert loaded.leans(x)  # P = sigmoid(2)


def test_a_gate_for_other_features_or_another_model_is_not_used(tmp_path):
    assert load_gate(tmp_path / "missing.json") is None
    data = _gate(0.0).to_json() | {"features": ["words"]}
    (tmp_path / "old.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="faqbot context-train"):
        load_gate(tmp_path / "old.json")
    _gate(0.0, model_id="another-model").save(tmp_path / "gate.json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert gate_for(FakeEncoder(), tmp_path / "gate.json") is None
    assert "answered alone" in str(caught[0].message)


def test_features_read_the_message_and_both_readings(tiny_bot):
    alone = tiny_bot.reading("is that covered?")
    joined = tiny_bot.reading(joined_question("How much does a session cost?", "is that covered?"))
    x = features("and is that covered too?", 0.3, alone, joined)
    named = dict(zip(FEATURES, x, strict=True))
    assert named["pointer"] == 1.0 and named["continues"] == 1.0 and named["similarity"] == 0.3
    assert named["words"] == pytest.approx(np.log1p(5))
    assert named["gain"] == pytest.approx(joined.relevance - alone.relevance)
    plain = dict(zip(FEATURES, features("How much per session", 0.3, alone, joined), strict=True))
    assert plain["pointer"] == 0.0 and plain["continues"] == 0.0


def test_the_bar_gives_the_most_right_replies_and_prefers_reading_alone_on_ties():
    p = np.array([0.1, 0.4, 0.6, 0.9])
    alone = np.array([True, True, False, False])
    joined = np.array([False, True, True, True])
    assert best_bar(p, alone, joined) == 0.6  # 0.4 and 0.6 both get all four right
    assert best_bar(p, np.ones(4, bool), np.zeros(4, bool)) == NEVER  # joining never helps


def test_context_note_names_the_last_question_and_bounds_it():
    assert context_note("How much is it?") == (
        "I read this together with your last question: “How much is it?”"
    )
    assert context_note("x" * 500).endswith("…”") and len(context_note("x" * 500)) < 200


# -- the bundled model, corpus and gate --------------------------------------------------------
@pytest.mark.e2e
def test_the_saved_gate_was_fitted_to_the_training_chats():
    from faqbot.answer.context_train import data_hash, load_rows

    gate = load_gate()
    assert gate is not None and gate.data_hash == data_hash(load_rows(ROOT / "tests" / "data"))
    assert 0.0 < gate.threshold <= 1.0


@pytest.mark.e2e
def test_a_follow_up_is_answered_with_the_last_question(real_bot):
    reply = real_bot.ask("how fast does it work for that?", ["Does ketamine help with PTSD?"])
    assert reply.notes[0] == context_note("Does ketamine help with PTSD?")
    assert "PTSD" in reply.quotes[0].text
    alone = real_bot.ask("how fast does it work for that?")
    assert "PTSD" not in alone.quotes[0].text  # what the earlier message adds


@pytest.mark.e2e
def test_a_follow_up_the_articles_do_not_answer_still_says_so(real_bot):
    reply = real_bot.ask("what about ADHD?", ["Can ketamine help with OCD?"])
    assert reply.uncovered == ("ADHD",)
    assert reply.notes[0] == context_note("Can ketamine help with OCD?")


@pytest.mark.e2e
def test_a_new_self_contained_question_is_answered_alone(real_bot):
    earlier = ["How much does a session cost?"]
    reply = real_bot.ask("Can I drive home after a session?", earlier)
    assert not any(n.startswith("I read this together") for n in reply.notes)
    assert reply.quotes[0].text.startswith("No. You should not drive")
    assert real_bot.resolved("Can I drive home after a session?", earlier) == (
        "Can I drive home after a session?"
    )


@pytest.mark.e2e
def test_an_articles_detail_asked_after_another_is_the_one_asked(real_bot):
    earlier = ["Who medically reviewed the Mindbloom article?"]
    reply = real_bot.ask("when was it published?", earlier)
    assert [f.field for f in reply.facts] == ["published"]


@pytest.mark.e2e
def test_a_message_after_crisis_language_is_answered_alone(real_bot):
    earlier = ["I want to die"]
    calm = SafetyAssessment("none")  # as if the chat were calm: the gate would join
    assert real_bot._resolve("and how fast?", earlier, calm)[2] == "I want to die"
    assert real_bot.resolved("and how fast?", earlier) == "and how fast?"
    reply = real_bot.ask("and how fast?", earlier)
    assert reply.crisis_level == "acute"
    assert not any(n.startswith("I read this together") for n in reply.notes)
    assert "want to die" not in " ".join(reply.notes)


@pytest.mark.e2e
def test_a_follow_up_of_a_treatment_question_about_suicidal_thoughts_keeps_its_context(real_bot):
    reply = real_bot.ask("how fast", ["Can ketamine reduce suicidal thoughts?"])
    assert reply.crisis_level == "mention"  # the resources line, and the follow-up is read
    assert reply.notes[0] == context_note("Can ketamine reduce suicidal thoughts?")
