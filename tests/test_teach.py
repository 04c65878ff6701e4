"""Teaching the bot through the staff desk, end to end with the real model and corpus: the next
visitor asking in other words gets the taught sentence first (bot.ask, the chat, the JSON API);
and the review queue, kept only on opt-in."""

from __future__ import annotations

import json

import httpx
import pytest

from faqbot import FAQBot
from faqbot.ingest.curated import CuratedSet
from faqbot.serve.desk import Desk
from faqbot.serve.feedback import FeedbackLog
from faqbot.serve.gradio_app import build_ui
from faqbot.serve.handlers import Handlers, UserError
from faqbot.serve.json_api import JsonApi
from faqbot.serve.review import ReviewQueue
from tests.servers import serving

TAUGHT = "Does ketamine help with PTSD?"
OTHER_WORDS = "Can ketamine treat PTSD?"  # cosine 0.966 with TAUGHT, above curated_cosine
SENTENCE = (
    "According to a 2024 study, individuals with PTSD who received ketamine therapy saw "
    "significant improvement within 24 hours after their first IV infusion and at the end of "
    "the four-week study."
)
ABSENT = "What should I eat before my ketamine session?"
ABSENT_OTHER_WORDS = "What can I eat before a ketamine session?"  # cosine 0.979
OFF_TOPIC = "what time is the next train to Boston?"


def fresh_bot(real_bot, folder) -> FAQBot:
    """The real model, corpus and index with its taught answers in `folder` (not corpus/)."""
    return FAQBot(
        real_bot.corpus,
        real_bot.index,
        real_bot.encoder,
        real_bot.settings,
        curated=CuratedSet(folder / "curated.yaml"),
    )


def desk_for(bot, folder, log_questions=False) -> Desk:
    feedback = FeedbackLog(folder / "feedback.jsonl", log_questions)
    return Desk(Handlers(bot, feedback), ReviewQueue(feedback, 50))


def test_a_question_taught_on_the_desk_is_answered_from_it_in_other_words(real_bot, tmp_path):
    bot = fresh_bot(real_bot, tmp_path)
    desk = desk_for(bot, tmp_path)
    before = bot.ask(OTHER_WORDS)
    assert SENTENCE not in before.quotes[0].text  # the bot alone quotes another passage first

    warning, rows, hits = desk.lookup(TAUGHT, 10, "")
    row = next(n for n, h in enumerate(hits) if SENTENCE in h.text)
    assert "<mark>PTSD</mark>" in rows[row][-1]  # the whole passage, the question's words marked
    assert SENTENCE in desk.sentences(hits, row)
    status = desk.teach(TAUGHT, hits, row, SENTENCE, "dana")
    assert status == "Saved to curated.yaml: its first quote is now this sentence."
    assert "sentence: According to a 2024 study" in (tmp_path / "curated.yaml").read_text()

    reply = bot.ask(OTHER_WORDS)  # the next visitor, in other words
    first = reply.quotes[0]
    doc = bot.corpus.by_id(first.passage.doc_id).text
    assert [doc[s.start : s.end] for s in first.highlights] == [SENTENCE]
    assert doc[first.start : first.end] == first.text and not reply.abstained

    history, _, _ = desk.h.chat(OTHER_WORDS, [], {})  # the public chat
    shown = history[-1]["content"]
    assert shown.index("**According to a 2024 study") < shown.index("[1]") < shown.index("[2]")
    verdict, _ = desk.h.why(OTHER_WORDS)  # the desk names the taught entry it came from
    assert f"**Taught answer** first: '{TAUGHT}' (cosine" in verdict
    api = desk.h.api_ask(OTHER_WORDS)  # Gradio's API
    assert api["passages"][0]["highlight_text"] == [SENTENCE]
    with serving(build_ui(bot), api=JsonApi(bot)) as (host, port):  # the JSON API over HTTP
        got = httpx.post(f"http://{host}:{port}/api/ask", json={"question": OTHER_WORDS}).json()
    assert got["passages"][0]["highlight_text"] == [SENTENCE]
    assert got["citations"][0]["number"] == 1


def test_not_in_the_articles_taught_on_the_desk_makes_the_bot_abstain(real_bot, tmp_path):
    bot = fresh_bot(real_bot, tmp_path)
    desk = desk_for(bot, tmp_path)
    assert not bot.ask(ABSENT_OTHER_WORDS).abstained  # today it quotes something off the point
    status = desk.not_in_articles(ABSENT, "lee")
    assert status == "Saved to curated.yaml: the bot now says the articles do not cover it."
    reply = bot.ask(ABSENT_OTHER_WORDS)
    assert reply.abstained and reply.quotes == ()
    rows, problems = desk.taught()
    assert rows == [[3, ABSENT, "(not in the articles)", "", "lee", rows[0][5]]] and problems == ""


def test_the_desk_shows_the_crisis_text_above_a_crisis_lookup(real_bot, tmp_path):
    desk = desk_for(fresh_bot(real_bot, tmp_path), tmp_path)
    warning, rows, hits = desk.lookup("I want to kill myself tonight", 5, "")
    assert "988" in warning and len(rows) == len(hits) <= 5


def test_the_desk_refuses_a_sentence_or_author_that_is_missing(real_bot, tmp_path):
    desk = desk_for(fresh_bot(real_bot, tmp_path), tmp_path)
    _, _, hits = desk.lookup(TAUGHT, 3, "")
    with pytest.raises(UserError, match="Type your name or initials"):
        desk.teach(TAUGHT, hits, 0, desk.sentences(hits, 0)[0], " ")
    with pytest.raises(UserError, match="Pick the sentence that answers it"):
        desk.teach(TAUGHT, hits, 0, "A sentence of no passage.", "dana")
    with pytest.raises(UserError, match="Select the passage"):
        desk.teach(TAUGHT, hits, None, SENTENCE, "dana")
    assert not (tmp_path / "curated.yaml").exists()


def test_the_desk_refuses_to_teach_a_crisis_message(real_bot, tmp_path):
    desk = desk_for(fresh_bot(real_bot, tmp_path), tmp_path)
    with pytest.raises(UserError, match="reads as a crisis message"):
        desk.not_in_articles("I want to kill myself", "lee")
    assert not (tmp_path / "curated.yaml").exists() or "kill" not in (
        tmp_path / "curated.yaml"
    ).read_text(encoding="utf-8")


def test_a_stale_taught_sentence_shows_on_the_desk_and_is_not_served(real_bot, tmp_path):
    (tmp_path / "curated.yaml").write_text(
        f"- question: {TAUGHT}\n  document: allied-mental-health-benefits\n"
        "  sentence: Ketamine cures PTSD in one session.\n"
    )
    bot = fresh_bot(real_bot, tmp_path)
    bot.reload_taught()
    rows, problems = desk_for(bot, tmp_path).taught()
    assert rows == []
    assert problems == (
        "- **Not served**: curated.yaml line 1: the sentence 'Ketamine cures PTSD in one "
        "session.' is no longer in allied-mental-health-benefits; it is not served."
    )
    assert all("cures" not in q.text for q in bot.ask(OTHER_WORDS).quotes)


CAVEATED = "Does lithium help bipolar disorder?"  # quotes, and "nothing about lithium"


def test_review_queue_keeps_thumbs_down_and_unanswered_questions_on_opt_in(real_bot, tmp_path):
    bot = fresh_bot(real_bot, tmp_path)
    desk = desk_for(bot, tmp_path, log_questions=True)
    _, turns, reply = desk.h.chat(OFF_TOPIC, [], {})
    assert reply.abstained
    history, turns, _ = desk.h.chat(OTHER_WORDS, [], {})
    desk.h.rate(turns, 1, False)
    desk.h.chat("I want to end my life tonight", [], {})  # a crisis is never queued
    # answered under "the articles don't say anything about ...": staff should see it too
    # (the second outside audit: caveated answers never reached the queue)
    _, _, caveated = desk.h.chat(CAVEATED, [], {})
    assert caveated.uncovered and not caveated.abstained
    assert [(r[1], r[2]) for r in desk.queue()] == [
        ("answered with a caveat", CAVEATED),
        ("thumbs down", OTHER_WORDS),
        ("not answered", OFF_TOPIC),
    ]
    desk.not_in_articles(OFF_TOPIC, "lee")  # taught: it leaves the queue
    assert [r[2] for r in desk.queue()] == [CAVEATED, OTHER_WORDS]


def test_without_opt_in_no_question_is_kept(real_bot, tmp_path):
    desk = desk_for(fresh_bot(real_bot, tmp_path), tmp_path, log_questions=False)
    desk.h.chat(OFF_TOPIC, [], {})
    _, turns, _ = desk.h.chat(OTHER_WORDS, [], {})
    desk.h.rate(turns, 1, False)
    lines = [json.loads(x) for x in (tmp_path / "feedback.jsonl").read_text().splitlines()]
    assert [set(e) for e in lines] == [{"time", "rating", "passages"}]  # the thumbs only
    assert "PTSD" not in (tmp_path / "feedback.jsonl").read_text()
    assert desk.queue() == []
