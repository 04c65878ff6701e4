"""The safety policy step on hand-made replies: what each crisis level does to the quotes."""

from dataclasses import replace

from faqbot.safety import SafetyAssessment, load_crisis_text, safety_text
from faqbot.safety_policy import apply_policy, apply_search_policy
from faqbot.types import Chunk, MarkdownText, Passage, Quote, Reply, Span

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


def test_acute_withholds_dose_and_method_quotes_renumbers_and_adds_no_clutter():
    reply = _reply(*TEXTS[:2])
    reply = replace(reply, suggestions=("Cost",), followups=("Safety",), notes=())
    reply = apply_policy(reply, SafetyAssessment("acute", "rule", "kill myself"))
    assert [(q.number, q.text) for q in reply.quotes] == [(1, TEXTS[1])]
    # nothing competes with the crisis message: no topics, no "passages were left out"
    assert (reply.notes, reply.suggestions, reply.followups) == ((), (), ())
    assert (reply.crisis, reply.crisis_level, reply.crisis_rule) == (True, "acute", "rule")
    assert reply.safety_text == safety_text("acute")


def test_acute_with_no_quote_left_says_questions_can_wait():
    reply = apply_policy(_reply(TEXTS[0]), SafetyAssessment("acute", "rule", "kill myself"))
    assert reply.quotes == () and reply.message == load_crisis_text().later
    assert reply.message.startswith("Whenever you're ready")
    # with a quote left, no such line; below acute, never
    kept = apply_policy(_reply(*TEXTS[:2]), SafetyAssessment("acute", "rule", "kill myself"))
    assert kept.quotes and kept.message == ""
    assert apply_policy(_reply(TEXTS[0]), SafetyAssessment("mention")).message == ""


def test_crisis_text_without_the_later_line_still_loads(tmp_path):
    path = tmp_path / "crisis.toml"
    path.write_text('[acute]\nmessage = "Call 988."\n[mention]\nline = "988."\n')
    assert load_crisis_text(path).later == ""


def test_no_crisis_keeps_every_quote_and_adds_no_text():
    reply = apply_policy(_reply(*TEXTS[:2]), SafetyAssessment("none"))
    assert [q.number for q in reply.quotes] == [1, 2] and reply.notes == ()
    assert (reply.crisis, reply.crisis_level, reply.safety_text) == (False, "none", "")


def test_a_quote_about_suicide_brings_the_resources_line_without_a_crisis():
    reply = apply_policy(_reply(TEXTS[2]), SafetyAssessment("none"))
    assert reply.crisis is False and reply.safety_text == safety_text("mention")


RETIRED = "If you are in crisis, call the National Suicide Prevention Lifeline at 1-800-273-8255."


def test_a_quote_with_the_retired_lifeline_number_brings_988_and_stays_verbatim():
    reply = apply_policy(_reply(RETIRED), SafetyAssessment("none"))
    assert reply.quotes[0].text == RETIRED
    assert len(reply.notes) == 1 and "988" in reply.notes[0] and "1-800-273-8255" in reply.notes[0]
    # the crisis file's own Markdown: the web shows its bold and links (render/markdown.py)
    assert isinstance(reply.notes[0], MarkdownText)
    found = apply_search_policy(reply.passages, SafetyAssessment("none"))
    assert found.notes == reply.notes and isinstance(found.notes[0], MarkdownText)


def test_an_acute_search_names_the_ranks_it_left_out_in_the_plural():
    # ranks 1, 2 and 4 give a route, a dose and a phone number; 3 and 5 are kept
    texts = (TEXTS[0], "A typical dose is 0.5 mg/kg given over 40 minutes.", TEXTS[1])
    texts += ("Call 1-800-273-8255 any time.", TEXTS[2])
    passages = [q.passage for q in _reply(*texts).quotes]
    found = apply_search_policy(passages, SafetyAssessment("acute", "rule", "kill myself"))
    assert [p.rank for p in found] == [3, 5]
    assert found.notes[0] == (
        "3 passages left out (ranks 1, 2 and 4): the query reads as a crisis, and they give a "
        "dose, a route, a method or a phone number."
    )
    two = apply_search_policy(passages[:2], SafetyAssessment("acute", "rule", "kill myself"))
    assert two.notes[0].startswith("2 passages left out (ranks 1 and 2): ") and not len(two)


def test_search_results_carry_the_query_assessment_and_acute_drops_methods():
    passages = [q.passage for q in _reply(*TEXTS).quotes]
    found = apply_search_policy(passages, SafetyAssessment("acute", "rule", "kill myself"))
    assert [p.text for p in found] == [TEXTS[1], TEXTS[2]] and len(found) == 2
    # staff see the gap in the ranks explained: which rank, in the singular
    assert found.notes == (
        "1 passage left out (rank 1): the query reads as a crisis, and it gives a dose, a "
        "route, a method or a phone number.",
    )
    assert (found.crisis_level, found.crisis_rule) == ("acute", "rule")
    assert found.safety_text == safety_text("acute")
    calm = apply_search_policy(passages[:2], SafetyAssessment("none"))
    assert (len(calm), calm.crisis_level, calm.safety_text, calm.notes) == (2, "none", "", ())
    # a passage about suicide brings the resources line, as in a reply
    assert apply_search_policy(passages, SafetyAssessment("none")).safety_text == safety_text(
        "mention"
    )


def test_words_of_the_crisis_sentence_told_beside_a_question_are_not_uncovered():
    # nineteenth session: "The articles don't say anything about “nurse”, “plan” or “asked”"
    # under the resources line; the safety text answers that sentence, not the quotes
    from faqbot.answer.notes import uncovered_note

    told = "The nurse asked if I had a plan to end my life. I said no. How long is it? Canada?"
    words = ("nurse", "Canada", "plan")
    reply = replace(_reply(TEXTS[1]), question=told, uncovered=words,
                    notes=("Long message.", *uncovered_note(words)))  # fmt: skip
    mention = SafetyAssessment("mention", "acute.plan:past_or_denied", "a plan to end my life")
    out = apply_policy(reply, mention)
    assert out.uncovered == ("Canada",)
    assert out.notes == ("Long message.", *uncovered_note(("Canada",)))
    # the match inside the question itself is what is asked: nothing is taken out
    asked = replace(reply, question="Can a plan to end my life wait for the nurse? In Canada?")
    assert apply_policy(asked, mention).uncovered == words
    # nor when there is no crisis, or the message is one sentence
    assert apply_policy(reply, SafetyAssessment("none")).uncovered == words
    alone = replace(reply, question="The nurse asked about a plan to end my life in Canada.")
    assert apply_policy(alone, mention).uncovered == words
