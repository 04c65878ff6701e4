"""The desk's Look-up: k bounded by the settings tree (the JSON API's bound), out-of-range input
said in words, and every query replacing all of the last one's output (tiny corpus, fake model)."""

from __future__ import annotations

import gradio as gr
import pytest

from faqbot import FAQBot, Settings
from faqbot.serve.desk import Desk
from faqbot.serve.feedback import FeedbackLog
from faqbot.serve.handlers import Handlers
from faqbot.serve.review import ReviewQueue
from faqbot.serve.staff_app import build_staff_ui
from tests.conftest import FakeEncoder, write_corpus

MAX_K = 7  # not the default (100): the field must read it from the settings


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lookup")
    return FAQBot.load(
        write_corpus(folder / "corpus"),
        folder / "index",
        Settings().replace(chunk_words=20, max_k=MAX_K),
        FakeEncoder(),
        log=lambda m: None,
    )


@pytest.fixture(scope="module")
def desk(bot):
    feedback = FeedbackLog(None)
    return Desk(Handlers(bot, feedback), ReviewQueue(feedback, 10))


def test_the_k_field_has_the_bounds_of_the_settings(bot):
    staff = build_staff_ui(bot)
    (field,) = [b for b in staff.blocks.values() if getattr(b, "elem_id", None) == "lookup-k"]
    assert isinstance(field, gr.Number)
    assert (field.minimum, field.maximum) == (1, MAX_K) and f"1 to {MAX_K}" in field.label


@pytest.mark.parametrize("k", [MAX_K + 1, 0, 2.5, None])
def test_a_k_out_of_range_is_said_with_the_range_and_clears_the_last_results(desk, k):
    problem, warning, rows, hits = desk.lookup_panel("Can I drive after a session?", k, "")
    assert problem == f"k must be a whole number from 1 to {MAX_K}, got {k!r}"
    assert (warning, rows, hits) == ("", [], [])


def test_an_empty_question_is_said_in_words_too(desk):
    problem, warning, rows, hits = desk.lookup_panel("   ", 3, "")
    assert problem.startswith("The question is empty") and (warning, rows, hits) == ("", [], [])


def test_a_good_query_clears_the_problem_and_shows_its_passages(desk):
    # Gradio's Number sends 3.0; the tiny corpus has 4 passages, the driving one first
    problem, warning, rows, hits = desk.lookup_panel("Can I drive after a session?", 3.0, "")
    assert problem == "" and warning == "" and len(rows) == len(hits) == 3
    assert hits[0].section == "Driving"


def test_very_common_words_of_the_question_are_not_marked(desk):
    # "good" is a BM25 term (not a stop word) but at Zipf 6.1 too common to mean a match
    _, rows, hits = desk.lookup("Is good sleep the answer?", 4, "")
    passage = next(row[-1] for row, hit in zip(rows, hits, strict=True) if hit.section == "Rest")
    assert passage == "<mark>Sleep</mark> well the night before. A good <mark>sleep</mark> helps."


@pytest.mark.e2e
def test_get_is_not_marked_on_the_real_corpus(real_bot):
    feedback = FeedbackLog(None)
    desk = Desk(Handlers(real_bot, feedback), ReviewQueue(feedback, 10))
    _, rows, hits = desk.lookup("How do I get relief from chronic pain?", 10, "")
    shown = next(row[-1] for row in rows if "helps you get out of this cycle" in row[-1])
    assert "<mark>pain</mark>" in shown and "<mark>relief</mark>" in shown
    assert "<mark>get</mark>" not in shown
