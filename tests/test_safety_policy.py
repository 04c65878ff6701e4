"""The safety policy step on hand-made replies: what each crisis level does to the quotes."""

import re
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


# --- the crisis text in the visitor's language (data/crisis.toml [languages.<code>]) ---

SMALL_CRISIS = """
[acute]
message = "Call 988."
later = "Ask me later."
[mention]
line = "988 (US)."
[emergency]
line = "Call 911 now."
rules = ["acute.overdose_taken"]
[languages.es]
message = "Llama al 988."
line = "988 (EE. UU.)."
emergency = "Llama al 911 ahora."
later = "Pregúntame luego."
[languages.fr]
message = "Appelez le 3114."
line = "3114 (France)."
"""


def _small(tmp_path):
    path = tmp_path / "crisis.toml"
    path.write_text(SMALL_CRISIS, encoding="utf-8")
    return load_crisis_text(path)


def test_the_crisis_text_in_a_visitors_language_comes_first_and_the_english_line_under_it(
    tmp_path,
):
    crisis = _small(tmp_path)
    assert [t.language for t in crisis.translations] == ["es", "fr"]
    assert safety_text("acute", crisis, language="es") == "Llama al 988.\n\n988 (US)."
    assert safety_text("mention", crisis, language="es") == "988 (EE. UU.).\n\n988 (US)."
    # an emergency: the emergency lines in both languages, the visitor's first
    got = safety_text("acute", crisis, rule="conversation:acute.overdose_taken", language="es")
    assert got == "Llama al 911 ahora.\n\nLlama al 988.\n\nCall 911 now."
    # a language without an emergency line: the English one, under its acute message
    got = safety_text("acute", crisis, rule="acute.overdose_taken", language="fr")
    assert got == "Appelez le 3114.\n\nCall 911 now."
    # English, a language the file lacks, or none: the English text as before
    for language in (None, "en", "de"):
        assert safety_text("acute", crisis, language=language) == "Call 988."
        assert safety_text("none", crisis, language=language) == ""


def test_the_language_of_the_crisis_text_is_the_messages_or_its_rules():
    from faqbot.safety import text_language

    assert text_language("fr", "acute.es.wish_to_die") == "fr"
    assert text_language(None, "acute.pt.wish_to_die") == "pt"
    assert text_language(None, "conversation:mention.de.term") == "de"
    for rule in ("acute.self_act", "acute.intl.overdose_amount", "model", None):
        assert text_language(None, rule) is None


def test_an_acute_message_in_another_language_gets_its_later_line_not_the_english_only_note():
    from faqbot.types import Abstention

    why = Abstention.OTHER_LANGUAGE
    note = "I can only answer questions in English."
    reply = Reply("Quiero morir", (), why, why.value, intent="other_language", message=note)
    got = apply_policy(reply, SafetyAssessment("acute", "acute.es.wish_to_die"), "es")
    crisis = load_crisis_text()
    own = crisis.translation("es")
    assert got.message == own.later and "inglés" in got.message
    assert got.message_language == "es"
    english = apply_policy(_reply(), SafetyAssessment("acute", "acute.self_act"))
    assert english.message == crisis.later and english.message_language == ""
    assert got.safety_text.startswith(own.acute_message)
    assert got.safety_text.endswith(crisis.resources_line)
    # below acute the English-only note stays, under the resources line in both languages
    got = apply_policy(reply, SafetyAssessment("mention", "mention.es.term"), "es")
    assert got.message == note and got.message_language == ""
    assert got.safety_text == f"{own.resources_line}\n\n{crisis.resources_line}"


def test_search_carries_the_crisis_text_in_the_querys_language():
    got = apply_search_policy([], SafetyAssessment("acute", "acute.fr.wish_to_die"))
    assert got.safety_text.startswith(load_crisis_text().translation("fr").acute_message)


def test_each_packaged_language_gives_the_same_crisis_lines_as_links():
    crisis = load_crisis_text()
    assert {t.language for t in crisis.translations} == {"es", "pt", "fr", "de", "it"}
    for own in crisis.translations:
        for link in ("(tel:988)", "(sms:741741", "(tel:911)", "(https://findahelpline.com)"):
            assert link in own.acute_message, (own.language, link)
        assert "(tel:988)" in own.resources_line, own.language
        assert own.emergency_line and own.later, own.language
        assert "(tel:18002221222)" in own.emergency_line, own.language


def test_a_crisis_file_with_a_bad_language_table_names_the_fix(tmp_path):
    import pytest

    path = tmp_path / "crisis.toml"
    base = '[acute]\nmessage = "Call 988."\n[mention]\nline = "988."\n'
    for extra, says in (
        ('[languages.es]\nmessage = "Llama al 988."\n', "[languages.es] line"),
        ('[languages.Spanish]\nmessage = "x"\nline = "y"\n', "lower-case language code"),
        ('[languages]\nes = "Llama"\n', "one table per language"),
    ):
        path.write_text(base + extra, encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(says)):
            load_crisis_text(path)


def test_the_safety_text_says_which_language_it_starts_in_and_splits_at_the_english_line(
    tmp_path,
):
    from faqbot.safety import shown_language
    from faqbot.types import safety_parts

    crisis = _small(tmp_path)
    assert shown_language("acute", "es", crisis) == "es"
    assert shown_language("mention", "fr", crisis) == "fr"
    for level, language in (("none", "es"), ("acute", "de"), ("acute", None), ("mention", "")):
        assert shown_language(level, language, crisis) == ""
    text = safety_text("acute", crisis, rule="acute.overdose_taken", language="es")
    assert safety_parts(text, "es") == (("es", "Llama al 911 ahora.\n\nLlama al 988."),
                                        ("en", "Call 911 now."))  # fmt: skip
    assert safety_parts("Call 988.\n\nYou matter.", "") == (("en", "Call 988.\n\nYou matter."),)
    assert safety_parts("", "es") == ()
    # the packaged Spanish text: its many paragraphs first, the English line alone last
    got = apply_policy(_reply(), SafetyAssessment("acute", "acute.es.wish_to_die"), "es")
    assert got.safety_language == "es"
    (lang, own), (last, english) = safety_parts(got.safety_text, got.safety_language)
    assert (lang, last) == ("es", "en") and english == load_crisis_text().resources_line
    assert own == load_crisis_text().translation("es").acute_message
    found = apply_search_policy([], SafetyAssessment("mention", "mention.it.term"), "it")
    assert found.safety_language == "it"
    # English, and the articles' own mention of suicide, are English only
    assert apply_policy(_reply(), SafetyAssessment("acute", "acute.self_act")).safety_language == ""
    assert apply_policy(_reply(*TEXTS), SafetyAssessment("none", None), "es").safety_language == ""


def test_an_english_line_of_two_paragraphs_under_translations_names_the_fix(tmp_path):
    import pytest

    path = tmp_path / "crisis.toml"
    path.write_text(SMALL_CRISIS.replace('line = "988 (US)."', 'line = """988.\n\n(US)"""'))
    with pytest.raises(ValueError, match=r"must each be one paragraph \(no blank line inside\)"):
        load_crisis_text(path)


def test_the_later_line_says_its_language_and_a_language_without_one_falls_back_to_english(
    tmp_path,
):
    from faqbot.safety import later_language, later_line

    crisis = _small(tmp_path)
    assert (later_line(crisis, "es"), later_language(crisis, "es")) == ("Pregúntame luego.", "es")
    for language in ("fr", "de", None):  # French has no later line in the file; German no table
        assert (later_line(crisis, language), later_language(crisis, language)) == (
            "Ask me later.",
            "",
        )
