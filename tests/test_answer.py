import json

import numpy as np
import pytest

from faqbot.answer import (
    AnswerSettings,
    Calibration,
    Candidate,
    Evidence,
    abstention_reason,
    highlights,
    select,
    trim_window,
)
from faqbot.chunking import chunk_document
from faqbot.corpus import parse_document
from faqbot.reply import DISCLAIMER, NOT_FOUND, escape_markdown

DOC = """## Driving

No. You should not drive until the next day. Ask someone to take you home. Plan ahead.

Another paragraph here. It is unrelated.
"""


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOC)
    return parse_document(path, DOC)


def candidate(chunk, scores, cosine=0.5, doc_id=None, rank=1):
    from faqbot.retrieval import Hit

    hit = Hit(
        chunk.chunk_id,
        chunk.text,
        1.0,
        doc_id or chunk.doc_id,
        chunk.title,
        "",
        chunk.section,
        chunk.start,
        chunk.end,
        rank,
    )
    return Candidate(hit, chunk, np.asarray(scores, dtype=np.float32), cosine)


def test_trim_keeps_whole_sentences_around_the_best_and_its_paragraph(doc):
    (chunk,) = chunk_document(doc, max_words=100)
    units = [doc.text[u.start : u.end] for u in chunk.units]
    assert units == [
        "No.",
        "You should not drive until the next day.",
        "Ask someone to take you home.",
        "Plan ahead.",
        "Another paragraph here.",
        "It is unrelated.",
    ]
    # best = unit 1 (8 words); budget 12: add unit 0 ("No.", 1 word, scores 0.3) or unit 2
    # (6 words, scores 0.6)? unit 2 scores higher but 8 + 6 > 12, so unit 0 joins; then unit 2
    # still does not fit (9 + 6 > 12) -> window [0, 2)
    scores = [0.3, 0.9, 0.6, 0.1, 0.8, 0.8]
    assert trim_window(chunk, np.array(scores), 12, doc.text) == (0, 2)
    # a big budget grows to the paragraph's end, not into a next paragraph that answers weakly...
    weak_next = [0.3, 0.9, 0.6, 0.1, 0.5, 0.5]
    assert trim_window(chunk, np.array(weak_next), 100, doc.text) == (0, 4)
    # ...but across the break when the next paragraph answers nearly as well (0.8 >= 0.9 - 0.2)
    assert trim_window(chunk, np.array(scores), 100, doc.text) == (0, 6)


def test_highlight_lands_on_the_answering_sentence_and_its_short_lead(doc):
    (chunk,) = chunk_document(doc, max_words=100)
    spans = highlights(candidate(chunk, [0.1, 0.9, 0.5, 0.1, 0.2, 0.2]), 0, 4, margin=0.04)
    # "No." (3 chars) sits right before the best sentence: it is part of the answer
    assert [doc.text[s.start : s.end] for s in spans] == [
        "No.",
        "You should not drive until the next day.",
    ]


def test_selection_drops_weak_and_duplicate_passages_and_prefers_a_second_source(doc, tmp_path):
    chunks = chunk_document(doc, max_words=8)
    a, b, c = (
        candidate(ch, [s], cosine=s, doc_id=d, rank=r)
        for ch, s, d, r in zip(
            chunks[:3], (0.8, 0.75, 0.76), ("one", "one", "two"), (1, 2, 3), strict=False
        )
    )
    weak = candidate(chunks[3], [0.3], cosine=0.3, doc_id="three", rank=4)
    vectors = {
        id(a): np.array([1.0, 0.0]),
        id(b): np.array([0.0, 1.0]),
        id(c): np.array([0.0, 1.0]),
        id(weak): np.array([0.6, 0.8]),
    }
    chosen = select([a, b, c, weak], AnswerSettings(), lambda x: vectors[id(x)])
    # relevance = mean(cosine, best unit): a 0.8, b 0.75, c 0.76, weak 0.3 (more than 0.15 below
    # the best: dropped). Ranks a1 b2 c3: after a, b (same article) counts as rank 2 + 1.5 = 3.5,
    # so c (other article, rank 3) goes first; b is then a near-duplicate of c (cosine 1.0).
    assert chosen == [a, c]


def test_abstention_reasons():
    cal = Calibration(min_relevance=0.25, rare_term_relevance=0.3)
    assert abstention_reason(Evidence(0.6, (), "q"), cal) == ""
    assert "below 0.250" in abstention_reason(Evidence(0.2, (), "q"), cal)
    assert "sertraline" in abstention_reason(Evidence(0.28, ("sertraline",), "q"), cal)
    assert abstention_reason(Evidence(0.31, ("sertraline",), "q"), cal) == ""


def test_a_passage_holding_every_question_word_lowers_the_bar():
    cal = Calibration(min_relevance=0.25, rare_term_relevance=0.3, covered_relevance=0.1)
    assert abstention_reason(Evidence(0.2, (), "cost?", covered=True), cal) == ""
    assert "below 0.250" in abstention_reason(Evidence(0.2, (), "cost?", covered=False), cal)
    assert "below 0.250" in abstention_reason(Evidence(0.05, (), "cost?", covered=True), cal)
    no_rescue = Calibration(min_relevance=0.25, rare_term_relevance=0.3)
    assert "below 0.250" in abstention_reason(Evidence(0.2, (), "cost?", covered=True), no_rescue)


def test_evidence_says_whether_the_best_passage_holds_every_question_word(tiny_bot):
    _, evidence = tiny_bot.candidates("insurance price")
    assert evidence.covered is False  # no one passage has both words
    candidates, evidence = tiny_bot.candidates("Which insurance plan?")
    assert candidates[0].hit.text.startswith("Insurance may cover the cost:")
    assert evidence.covered is True  # "insurance" and "plan" (stemmed) are both in that passage


def test_markdown_escaping_makes_markup_inert():
    assert escape_markdown("<script>alert(1)</script> *x* $5") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\$5"
    )


def test_tiny_bot_reply_is_verbatim_cited_and_ends_with_the_disclaimer(tiny_bot):
    reply = tiny_bot.ask("Can I drive my car?")
    assert not reply.abstained and reply.passages
    for n, quote in enumerate(reply.quotes, start=1):
        assert quote.citation.number == n
        assert (
            tiny_bot.corpus.by_id(quote.hit.doc_id).text[quote.hit.start : quote.hit.end]
            == quote.hit.text
        )
    assert reply.markdown.rstrip().endswith(f"_{DISCLAIMER}_")
    assert "[1]" in reply.markdown and "Alpha Guide — Alpha Clinic" in reply.markdown
    json.dumps(reply.to_dict())


def test_tiny_bot_abstains_with_suggestions(tiny_bot):
    # "dose" is a concept of the fake encoder that no passage has: cosines stay near 0.1 or less
    reply = tiny_bot.ask("dose dose")
    assert reply.abstained and reply.passages == []
    assert reply.markdown.startswith(NOT_FOUND)
    assert reply.suggestions and reply.markdown.rstrip().endswith(f"_{DISCLAIMER}_")


def test_ask_refuses_an_empty_question_but_answers_an_overlong_one_with_safety(tiny_bot):
    with pytest.raises(ValueError, match="The question is empty"):
        tiny_bot.ask("  ")
    reply = tiny_bot.ask("x " * 600 + "I want to kill myself")
    assert reply.abstained and reply.crisis_level == "acute" and "988" in reply.markdown
    assert "limit is 1,000" in reply.markdown


def test_unmentioned_note_names_rare_words_as_typed_and_skips_everyday_ones():
    from faqbot.bot import unmentioned_note

    assert unmentioned_note("Is TMS or sertraline better?", ("tms", "sertraline")) == (
        "The articles never mention “TMS” or “sertraline”. These are the closest passages they "
        "have; they may not answer your question.",
    )
    assert unmentioned_note("so many meds", ("meds",)) == ()  # an everyday word, put differently
    assert unmentioned_note("cost?", ()) == ()
