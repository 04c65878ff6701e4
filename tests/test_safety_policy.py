"""The safety policy step on hand-made replies: what each crisis level does to the quotes."""

from faqbot.safety import SafetyAssessment, safety_text
from faqbot.safety_policy import WITHHELD_NOTE, apply_policy
from faqbot.types import Chunk, Passage, Quote, Reply, Span

TEXTS = (
    "Most people need six infusions over two to three weeks.",  # a route and a count: a method
    "You should not drive until the next day.",
    "Ketamine can reduce suicidal thoughts within hours.",  # discusses suicide
)


def _reply(*texts: str) -> Reply:
    quotes = []
    for n, text in enumerate(texts, start=1):
        span = (Span(0, len(text)),)
        chunk = Chunk(f"c{n}", "doc", "Title", "Pub", "Section", 0, len(text), text, span)
        quotes.append(Quote(Passage(chunk, 1.0, n), n, 0, len(text), text, span, False, False))
    return Reply("q", tuple(quotes))


def test_acute_withholds_dose_and_method_quotes_renumbers_and_says_so():
    reply = apply_policy(_reply(*TEXTS[:2]), SafetyAssessment("acute", "rule", "kill myself"))
    assert [(q.number, q.text) for q in reply.quotes] == [(1, TEXTS[1])]
    assert reply.notes == (WITHHELD_NOTE,)
    assert (reply.crisis, reply.crisis_level, reply.crisis_rule) == (True, "acute", "rule")
    assert reply.safety_text == safety_text("acute")


def test_no_crisis_keeps_every_quote_and_adds_no_text():
    reply = apply_policy(_reply(*TEXTS[:2]), SafetyAssessment("none"))
    assert [q.number for q in reply.quotes] == [1, 2] and reply.notes == ()
    assert (reply.crisis, reply.crisis_level, reply.safety_text) == (False, "none", "")


def test_a_quote_about_suicide_brings_the_resources_line_without_a_crisis():
    reply = apply_policy(_reply(TEXTS[2]), SafetyAssessment("none"))
    assert reply.crisis is False and reply.safety_text == safety_text("mention")
