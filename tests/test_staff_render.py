"""The staff desk's passage view: escaped text, the question's words marked by their stem."""

from __future__ import annotations

from faqbot.index.lexical import stem, tokenize
from faqbot.render.staff import marked_html


def test_marked_words_match_by_stem_and_the_text_stays_inert():
    terms = set(tokenize("Can I drive?"))  # "can" and "i" are stop words: only "drive"
    assert terms == {"drive"}
    text = "<b>Drives</b> & driving\nA driver's car"
    assert marked_html(text, terms, stem) == (
        "&lt;b&gt;<mark>Drives</mark>&lt;/b&gt; &amp; <mark>driving</mark><br>"
        "A driver&#x27;s car"  # "driver" stems to "driver": not the same word
    )


def test_nothing_is_marked_without_terms():
    assert marked_html("a <i>b</i>", set(), stem) == "a &lt;i&gt;b&lt;/i&gt;"


def test_a_word_too_common_to_mean_a_match_is_never_marked():
    # "get" is a term of "getting"; the desk calls "get" common (Zipf 6.3), not "getting" (5.6)
    text = "It helps you get out. Getting started gets easier."
    assert marked_html(text, {"get"}, stem, lambda word: word.casefold() == "get") == (
        "It helps you get out. <mark>Getting</mark> started <mark>gets</mark> easier."
    )
