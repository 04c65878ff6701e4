"""A Reply's Markdown for the chat (HTML entities) and for the JSON API (backslashes only), and
what a reply to a question in another language says on every surface."""

from __future__ import annotations

from dataclasses import replace

import pytest

from faqbot.render import NOT_FOUND, escape_markdown, reply_dict, reply_markdown, reply_text
from faqbot.render.chat import chat_markdown
from faqbot.types import Abstention, Reply

ALLIED = "Allied Psychiatry & Mental Health"
NOTE = "I can only answer questions in English. Solo puedo responder preguntas en inglés."
SAFETY = "If you're struggling, call or text [988](tel:988)."


@pytest.mark.parametrize(
    "text, chat, json",
    [
        (ALLIED, "Allied Psychiatry &amp; Mental Health", ALLIED),
        # an "&" that starts a character reference is shown as typed, not as the character
        ("AT&amp;T &#169; &#x41;", r"AT&amp;amp;T &amp;\#169; &amp;\#x41;", r"AT\&amp;T \&\#169; \&\#x41;"),
        ("<script>alert(1)</script> *x* $5", "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\$5",
         r"\<script\>alert(1)\</script\> \*x\* \$5"),
        ("> not a quote_mark [a](b)", "&gt; not a quote\\_mark \\[a\\](b)",
         r"\> not a quote\_mark \[a\](b)"),
    ],
)  # fmt: skip
def test_corpus_text_escaped_with_and_without_html_entities(text, chat, json):
    assert escape_markdown(text) == chat
    assert escape_markdown(text, html_escape=False) == json


@pytest.mark.parametrize(
    "text",
    [ALLIED, "AT&amp;T &#169;", "<img src=x onerror=alert(1)>", "1 < 2 > 0 & *b* `c` ~d~ #e"],
)
def test_a_commonmark_reader_shows_both_escapings_the_same(text):
    # the JSON's Markdown is as inert as the chat's for a reader that makes HTML of it
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark")
    html = md.render(escape_markdown(text))
    assert md.render(escape_markdown(text, html_escape=False)) == html
    assert "<img" not in html and "<script" not in html


def test_the_json_markdown_names_the_allied_article_with_a_plain_ampersand(real_bot):
    # it had "Allied Psychiatry &amp; Mental Health": entities are for a page, and a reader
    # showing the Markdown in one escaped it again ("&amp;amp;")
    reply = real_bot.ask("Who wrote the Allied article?")
    assert reply.facts and not reply.abstained
    markdown = reply_dict(reply)["markdown"]
    assert f"— {ALLIED}, article details" in markdown
    assert f"Dr. Hadi Estakhri and the {ALLIED} team" in markdown
    assert "&amp;" not in markdown
    assert f"{ALLIED} team" in reply_text(reply)
    # the chat's Markdown becomes the page's HTML: an entity there shows as "&"
    assert "Allied Psychiatry &amp; Mental Health" in chat_markdown(reply, {}, "reply1")


def _other_language(**fields) -> Reply:
    why = Abstention.OTHER_LANGUAGE
    return Reply("¿Cuánto cuesta?", (), why, f"{why.value} (es)", intent="other_language", **fields)


@pytest.mark.parametrize(
    "reply",
    [
        _other_language(message=NOTE),
        _other_language(notes=(NOTE,)),  # the note as a caveat: no message to say why
        _other_language(notes=(NOTE,), crisis_level="mention", safety_text=SAFETY),
    ],
    ids=["message", "note", "note-and-crisis-text"],
)
def test_another_language_gets_its_note_and_no_couldnt_find(reply):
    # "I couldn't find this in the clinic's articles" after "ask in English" contradicted it:
    # the question was never looked up
    for name, shown in [
        ("chat", chat_markdown(reply, {}, "reply1")),
        ("terminal", reply_text(reply)),
        ("json", reply_dict(reply)["markdown"]),
    ]:
        assert NOTE in shown and NOT_FOUND not in shown, name
        if reply.safety_text:
            assert shown.index("988") < shown.index(NOTE), name


def test_other_abstentions_still_say_they_found_nothing():
    reply = Reply("train times?", (), Abstention.LOW_RELEVANCE, suggestions=("Can I drive?",))
    for shown in (reply_markdown(reply), reply_text(reply), reply_dict(reply)["markdown"]):
        assert shown.startswith(NOT_FOUND) and "Can I drive?" in shown


def test_the_bot_answers_spanish_with_the_note_alone_on_every_surface(real_bot):
    reply = real_bot.ask("¿Cuánto cuesta la terapia con ketamina?")
    assert reply.intent == "other_language" and reply.quotes == ()
    for name, shown in [
        ("chat", chat_markdown(reply, {}, "reply1")),
        ("terminal", reply_text(reply)),
        ("json", reply_dict(reply)["markdown"]),
    ]:
        assert "inglés" in shown and NOT_FOUND not in shown, name


def test_the_chat_marks_the_language_of_each_part_of_a_translated_crisis_text():
    text = "**Llama al 988.**\n\n- línea 024\n\nCall or text 988 (US)."
    acute = Reply("Quiero morir", (), crisis_level="acute", safety_text=text, safety_language="es")
    got = chat_markdown(acute, {}, "reply1")
    banner = got[: got.index("</div>\n\n</div>") + 14]
    assert banner.startswith('<div class="crisis-banner" role="alert">')
    assert '<div lang="es">\n\n**Llama al 988.**\n\n- línea 024\n\n</div>' in banner
    assert '<div lang="en">\n\nCall or text 988 (US).\n\n</div>' in banner
    mention = replace(acute, crisis_level="mention", safety_text="Llama.\n\nCall.")
    assert chat_markdown(mention, {}, "reply1").startswith(
        '<div lang="es">\n\nLlama.\n\n</div>\n\n<div lang="en">\n\nCall.\n\n</div>'
    )
    # English alone is not wrapped; JSON keeps the text as it is and says its language
    english = replace(mention, safety_text="Call 988.", safety_language="")
    assert chat_markdown(english, {}, "reply1").startswith("Call 988.\n\n")
    assert reply_dict(acute)["safety_text"] == text
    assert reply_dict(acute)["safety_language"] == "es"
    # the line that questions can wait, in Spanish, is marked Spanish too
    later = replace(acute, message="Cuando quieras, pregúntame.", message_language="es")
    assert '<div lang="es">\n\nCuando quieras, pregúntame.\n\n</div>' in chat_markdown(later, {})
    assert reply_dict(later)["message_language"] == "es"
