"""The terminal rendering of a Reply: plain text, no Markdown marks, article text as written."""

from __future__ import annotations

import re

import pytest

from faqbot.render import plain_links, reply_markdown, reply_text
from faqbot.render.text import plain_markdown
from faqbot.types import Chunk, Fact, Passage, Quote, Reply, Span

# The document the quote comes from: a list and a word with an underscore, as an article has them
TEXT = "Intro.\nDo not drive after a session.\n\n- Plan A_1 covers it\n- Plan B does not"
CHUNK = Chunk("c1", "d1", "Alpha Guide", "Alpha Clinic", "Driving", 0, len(TEXT), TEXT, ())
# quoted from "Do not" on (trimmed before), "Do not drive after a session." bold as the answer
QUOTE = Quote(Passage(CHUNK, 1.0, 1), 2, 7, len(TEXT), TEXT[7:], (Span(7, 37),), True, False)
FACT = Fact("d1", "Alpha Guide", "Alpha Clinic", "medical_reviewer", "Reviewed by", "Dr. A", 1)
SAFETY = "If you're struggling, call or text [988](tel:988) or see **[findahelpline.com](https://findahelpline.com)**."


def test_a_reply_reads_as_plain_text_with_the_quote_indented_and_cited():
    # crisis language below acute: the resources line first, as on the web
    reply = Reply(
        "can I drive?",
        (QUOTE,),
        notes=("The articles don't say anything about “trains”.",),
        followups=("How soon does it work?",),
        crisis_level="mention",
        safety_text=SAFETY,
        facts=(FACT,),
    )
    assert reply_text(reply) == (
        "If you're struggling, call or text 988 or see findahelpline.com.\n\n"
        "The articles don't say anything about “trains”.\n\n"
        "Reviewed by: Dr. A [1]\n\n"
        "   … Do not drive after a session.\n\n   - Plan A_1 covers it\n   - Plan B does not [2]\n\n"
        "Sources:\n1. Alpha Guide — Alpha Clinic, article details\n"
        '2. Alpha Guide — Alpha Clinic, section "Driving"\n\n'
        "You might also ask:\n- How soon does it work?\n\n" + reply.disclaimer
    )


def test_on_a_terminal_that_shows_bold_the_answering_sentence_is_bold():
    # the second outside audit: the terminal did not mark the answer the web shows in bold
    reply = Reply("can I drive?", (QUOTE,))
    shown = reply_text(reply, bold=True)
    assert "   … \033[1mDo not drive after a session.\033[0m\n\n   - Plan A_1 covers it" in shown
    assert "\033" not in reply_text(reply)  # a pipe or a file: plain text, as before
    assert shown.replace("\033[1m", "").replace("\033[0m", "") == reply_text(reply)


def test_acute_crisis_text_comes_first_and_the_abstention_is_left_out():
    reply = Reply("q", (), abstention=None, crisis_level="acute", safety_text=SAFETY)
    shown = reply_text(reply)
    assert shown.startswith("If you're struggling, call or text 988")
    assert "**" not in shown and "](" not in shown


@pytest.mark.parametrize(
    "markdown, plain",
    [
        ("**Call or text [988](tel:988)**: the Lifeline", "Call or text 988: the Lifeline"),
        ("Ask, e.g., *How fast does it work?* or _Can I drive?_", "Ask, e.g., How fast does it work? or Can I drive?"),
        ("Call **[911](tel:911)** now", "Call 911 now"),
        # no pair of marks around words: left as written
        ("2 * 3 = 6 and snake_case_name", "2 * 3 = 6 and snake_case_name"),
    ],
)  # fmt: skip
def test_the_bots_own_markdown_loses_its_marks(markdown, plain):
    assert plain_markdown(markdown) == plain


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)  # words; underscores are marks


@pytest.mark.parametrize(
    "question",
    [
        "How many sessions will I need?",
        "side effects of sertraline?",  # a caveat before the quotes
        "who reviewed the mindbloom article?",  # a front-matter fact
        "what time is the next train to Boston?",  # abstained
        "hi",  # the clinic's message
        "I want to end my life tonight",  # acute
        "does ketamine help suicidal thoughts?",  # crisis language below acute: resources first
        "¿Cuánto cuesta la terapia con ketamina?",  # another language: the note alone
    ],
)
def test_the_terminal_shows_the_words_of_the_web_reply_in_its_order(real_bot, question):
    # the same reply without its marks: the layouts differ, the words and their order do not
    reply = real_bot.ask(question)
    web = plain_links(reply_markdown(reply, html_escape=False))
    assert _words(reply_text(reply)) == _words(web)
