"""Follow-ups: visitor-phrased questions from data/followups.toml, validated against the corpus,
never about suicide, never offered to an off-topic question; each one, asked, reads its section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faqbot.followups import FollowUps, load_followups
from faqbot.safety import passage_mentions_suicide

DATA = Path(__file__).parent / "data"
SECTIONS = [("alpha", "Driving"), ("alpha", "Costs"), ("beta", "Speed"), ("beta", "Crisis")]


def test_questions_map_to_real_sections_and_every_problem_is_named(tmp_path):
    path = tmp_path / "followups.toml"
    path.write_text(
        "[alpha]\n"
        '"Driving" = "Can I drive afterwards?"\n'
        '"Parking" = "Where do I park?"\n'  # no such section
        "[beta]\n"
        '"Speed" = "How fast does it work?"\n'
        '"Crisis" = "What if I have suicidal thoughts?"\n'  # never offered
        "[gamma]\n"
        '"Intro" = "What is gamma?"\n'  # no such article
    )
    found = load_followups(SECTIONS, path)
    assert found.questions == {
        ("alpha", "Driving"): "Can I drive afterwards?",
        ("beta", "Speed"): "How fast does it work?",
    }
    assert found.problems == (
        '[alpha] "Parking": no such section in the article',
        '[beta] "Crisis": about suicide or self-harm, not offered',
        "[gamma]: no such article in the corpus; its questions are unused",
        '[alpha] "Costs": no question yet, so it is never offered',
    )


def test_a_file_for_other_articles_is_ignored_whole(tmp_path):
    path = tmp_path / "followups.toml"
    path.write_text('[gamma]\n"Intro" = "What is gamma?"\n')
    assert load_followups(SECTIONS, path) == FollowUps({}, ())


def test_a_file_that_is_not_heading_equals_question_is_refused(tmp_path):
    path = tmp_path / "followups.toml"
    path.write_text('[alpha]\n"Driving" = 3\n')
    with pytest.raises(ValueError, match=r'\[alpha\] in .* must hold "heading" = "question"'):
        load_followups(SECTIONS, path)
    with pytest.raises(ValueError, match="cannot be read"):
        load_followups(SECTIONS, tmp_path / "missing.toml")


@pytest.mark.e2e
def test_the_packaged_questions_cover_the_real_corpus_without_problems(real_bot):
    assert real_bot.followups.problems == ()
    offered = real_bot.followups.questions.values()
    # 32 sections; not offered: the two about suicide and a one-line lead-in to a list
    assert len(offered) == 29 and not any(passage_mentions_suicide(q) for q in offered)
    assert not any("uicid" in section for _, section in real_bot.followups.questions)


@pytest.mark.e2e
def test_each_follow_up_asked_quotes_its_own_section(real_bot):
    # clicking a follow-up asks it: the visitor reads the section it stands for
    for (doc, section), question in real_bot.followups.questions.items():
        quoted = [(q.passage.doc_id, q.passage.section) for q in real_bot.ask(question).quotes]
        assert (doc, section) in quoted, (question, quoted)


@pytest.mark.e2e
def test_answers_offer_questions_never_headings(real_bot):
    reply = real_bot.ask("Can I drive after a ketamine session?")
    assert reply.followups and set(reply.followups) <= set(real_bot.followups.questions.values())
    assert all(f.endswith("?") for f in reply.followups)


OFF_TOPIC = [
    json.loads(line)["question"]
    for line in (DATA / "devset.jsonl").read_text().splitlines()
    if '"off_topic"' in line
] + ["what's the weather like today?", "what time is the next train to Boston?", "tell me a joke"]


@pytest.mark.e2e
def test_off_topic_questions_get_no_suggestions(real_bot):
    assert len(OFF_TOPIC) == 16
    for question in OFF_TOPIC:
        reply = real_bot.ask(question)
        assert reply.abstained and (reply.suggestions, reply.followups) == ((), ()), question


@pytest.mark.e2e
def test_a_near_miss_still_gets_questions_to_ask(real_bot):
    reply = real_bot.ask("where do I park when I come to the Newport Beach office?")
    assert reply.abstained and reply.suggestions
    assert set(reply.suggestions) <= set(real_bot.followups.questions.values())


def test_a_follow_up_asked_puts_its_section_first_and_other_questions_leave_the_order():
    from types import SimpleNamespace as NS

    from faqbot.answer.ranking import offered_first

    ranked = [NS(passage=NS(doc_id="a", section=s)) for s in ("One", "Two", "Three")]
    offered = {("a", "Three"): "What is three?"}
    assert [c.passage.section for c in offered_first(ranked, " what is  THREE?", offered)] == [
        "Three", "One", "Two"
    ]  # fmt: skip
    assert offered_first(ranked, "What is two?", offered) == ranked
