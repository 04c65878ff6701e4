"""The staff desk's views: escaped passages with the question's words marked by their stem,
the score tables and why the bot answered."""

from __future__ import annotations

from dataclasses import replace

from faqbot.index.lexical import stem, tokenize
from faqbot.render.staff import NO_SCORE, hits_table, marked_html, why_markdown, why_table
from faqbot.types import Chunk, MarkdownText, Passage, Quote, Reply


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


def _passage(rank: int, lexical: float | None) -> Passage:
    text = "You should not drive until the next day."
    chunk = Chunk(f"c{rank}", "doc", "Title", "Pub", "Section", 0, len(text), text, ())
    return Passage(chunk, 0.5, rank, 1, 0.61234, None if lexical is None else 2, lexical)


def test_a_score_no_retriever_gave_reads_the_same_in_both_tables():
    # rank 2's passage was found by the dense retriever only: no lexical rank or score
    hits = [_passage(1, 3.21), _passage(2, None)]
    look_up = hits_table(hits)
    assert [row[:4] for row in look_up] == [[1, 0.5, 0.612, 3.21], [2, 0.5, 0.612, NO_SCORE]]
    why = why_table(hits, quoted=set())
    assert [row[4:6] for row in why] == [[2, 3.21], [NO_SCORE, NO_SCORE]]
    assert NO_SCORE == "—"


def test_why_counts_its_quotes_in_words():
    one = Reply("q", (Quote(_passage(1, 1.0), 1, 0, 4, "You ", (), False, False),))
    assert why_markdown(one).startswith("**Answered** with 1 quote\n")
    assert why_markdown(replace(one, quotes=one.quotes * 2)).startswith(
        "**Answered** with 2 quotes\n"
    )


def test_the_bots_own_markdown_note_shows_and_any_other_note_is_escaped():
    notes = (MarkdownText("Now **988**: call or text [988](tel:988)."), "About “**x**”.")
    shown = why_markdown(Reply("q", (), notes=notes))
    assert "**Note**: _Now **988**: call or text [988](tel:988)._" in shown
    assert r"**Note**: _About “\*\*x\*\*”._" in shown
