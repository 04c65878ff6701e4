import json
from dataclasses import replace

import numpy as np
import pytest

from faqbot.answer import answer
from faqbot.answer.answerability import Calibration, abstention, may_rescue, rescued
from faqbot.answer.coverage import CoverageModel, uncovered
from faqbot.answer.evidence import Evidence, gather_evidence
from faqbot.answer.notes import uncovered_note
from faqbot.answer.parts import question_parts, with_part_quotes
from faqbot.answer.quotes import highlights, trim_window
from faqbot.answer.ranker import SentenceRanker
from faqbot.answer.ranking import select
from faqbot.ingest.chunking import chunk_document
from faqbot.ingest.corpus import parse_document
from faqbot.question import asked_in
from faqbot.render import NOT_FOUND, escape_markdown, reply_dict, reply_markdown
from faqbot.retrieval import Candidate, Candidates
from faqbot.settings import AnswerSettings
from faqbot.types import DISCLAIMER, Abstention, Passage, Quote, Reply

DOC = """## Driving

No. You should not drive until the next day. Ask someone to take you home. Plan ahead.

Another paragraph here. It is unrelated.
"""


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOC)
    return parse_document(path, DOC)


def candidate(chunk, scores, cosine=0.5, doc_id=None, rank=1, vector=(1.0, 0.0)):
    chunk = replace(chunk, doc_id=doc_id or chunk.doc_id)
    sentence_scores = np.asarray(scores, dtype=np.float32)
    units = np.zeros((len(sentence_scores), 2), dtype=np.float32)
    return Candidate(Passage(chunk, 1.0, rank), sentence_scores, cosine, np.asarray(vector), units)


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
    assert trim_window(chunk, np.array(scores), 12, doc.text, 0.2) == (0, 2)
    # a big budget grows to the paragraph's end, not into a next paragraph that answers weakly...
    weak_next = [0.3, 0.9, 0.6, 0.1, 0.5, 0.5]
    assert trim_window(chunk, np.array(weak_next), 100, doc.text, 0.2) == (0, 4)
    # ...but across the break when the next paragraph answers nearly as well (0.8 >= 0.9 - 0.2)
    assert trim_window(chunk, np.array(scores), 100, doc.text, 0.2) == (0, 6)


def test_highlight_lands_on_the_answering_sentence_and_its_short_lead(doc):
    (chunk,) = chunk_document(doc, max_words=100)
    scores = np.array([0.1, 0.9, 0.5, 0.1, 0.2, 0.2])
    spans = highlights(chunk, scores, 0, 4, margin=0.04, short_lead=12)
    # "No." (3 chars) sits right before the best sentence: it is part of the answer
    assert [doc.text[s.start : s.end] for s in spans] == [
        "No.",
        "You should not drive until the next day.",
    ]


def test_a_floor_keeps_weak_sentences_plain(doc):
    (chunk,) = chunk_document(doc, max_words=100)
    scores = np.array([0.1, 0.45, 0.44, 0.1, 0.2, 0.2])
    # below the floor nothing is bold, not even the best sentence (a later quote's weak match)
    assert highlights(chunk, scores, 0, 4, margin=0.04, short_lead=12, floor=0.5) == ()
    strong = np.array([0.1, 0.9, 0.47, 0.1, 0.2, 0.2])
    # above it, the best and its short lead; a sentence within the margin but under it is not
    spans = highlights(chunk, strong, 0, 4, margin=0.5, short_lead=12, floor=0.5)
    assert [doc.text[s.start : s.end] for s in spans] == [
        "No.",
        "You should not drive until the next day.",
    ]


def test_selection_takes_ranked_passages_and_drops_weak_and_duplicate_ones(doc):
    chunks = chunk_document(doc, max_words=8)
    a, b, c, weak = (
        candidate(ch, [s], doc_id=d, rank=r, vector=v)
        for ch, s, d, r, v in zip(
            chunks[:4],
            (0.9, 0.8, 0.7, 0.5),
            ("one", "one", "two", "three"),
            (1, 2, 3, 4),
            ((1.0, 0.0), (0.0, 1.0), (0.0, 1.0), (0.6, 0.8)),
            strict=True,
        )
    )
    chosen = select([a, b, c, weak], AnswerSettings())
    # in ranker order (best sentence 0.9, 0.8, 0.7, 0.5): a; b; c is a near-duplicate of b
    # (cosine 1.0 >= 0.92); weak is 0.4 below the best (margin 0.3): left out
    assert chosen == [a, b]
    assert select([a, b, c], AnswerSettings(max_quotes=1)) == [a]


def test_abstention_reasons():
    cal = Calibration(min_relevance=0.25, rare_term_relevance=0.3)
    assert abstention(Evidence(0.6, ()), cal) is None
    low = abstention(Evidence(0.2, ()), cal)
    assert low == (Abstention.LOW_RELEVANCE, "best passage relevance 0.200 is below 0.250")
    kind, why = abstention(Evidence(0.28, ("sertraline",)), cal)
    assert kind is Abstention.RARE_WORDS and "sertraline" in why
    assert abstention(Evidence(0.31, ("sertraline",)), cal) is None


def test_a_passage_holding_every_question_word_lowers_the_bar():
    cal = Calibration(min_relevance=0.25, rare_term_relevance=0.3, covered_relevance=0.1)
    assert abstention(Evidence(0.2, (), covered=True), cal) is None
    assert abstention(Evidence(0.2, (), covered=False), cal)[0] is Abstention.LOW_RELEVANCE
    assert abstention(Evidence(0.05, (), covered=True), cal)[0] is Abstention.LOW_RELEVANCE
    no_rescue = Calibration(min_relevance=0.25, rare_term_relevance=0.3)
    assert abstention(Evidence(0.2, (), covered=True), no_rescue)[0] is Abstention.LOW_RELEVANCE


def test_only_an_abstention_for_low_relevance_is_overruled_by_a_sure_ranker():
    cal = Calibration(min_relevance=0.25, rare_term_relevance=0.3, rescue_probability=0.7)
    low = abstention(Evidence(0.2, ()), cal)
    assert may_rescue(low, cal) and rescued(low, 0.7, cal) and not rescued(low, 0.69, cal)
    # words no article uses ("lithium") are never overruled, nor is anything without a bar
    rare = abstention(Evidence(0.26, ("lithium",)), cal)
    assert rare[0] is Abstention.RARE_WORDS and not may_rescue(rare, cal)
    assert not rescued(rare, 1.0, cal) and not rescued(None, 1.0, cal)
    assert not may_rescue(low, replace(cal, rescue_probability=None))


class _Sure:
    """A booster whose every sentence scores `raw` (P = 1 / (1 + e^-raw) with slope 1)."""

    def __init__(self, raw):
        self.raw = raw

    def predict(self, x, num_threads=1):
        return np.full(len(x), self.raw)


@pytest.mark.parametrize("bar,answered", [(0.4, True), (0.6, False), (None, False)])
def test_a_ranker_sure_of_an_answer_overrules_low_relevance(tiny_bot, bar, answered):
    # every passage is under this relevance bar; the ranker gives each sentence P 0.5
    cal = Calibration(min_relevance=1.5, rare_term_relevance=1.5, rescue_probability=bar)
    ranker = SentenceRanker(_Sure(0.0), 1.0, 0.0)
    reply = answer(tiny_bot.answer_candidates("Which insurance plan?"), tiny_bot._texts, cal,
                   AnswerSettings(), ranker, tiny_bot.stats, CoverageModel.never())  # fmt: skip
    assert reply.abstained is not answered
    if answered:
        assert reply.quotes
    else:
        assert reply.abstention is Abstention.LOW_RELEVANCE and not reply.quotes


def test_a_rescued_answer_that_would_carry_a_caveat_abstains_instead(tiny_bot):
    # "what's Tesla's stock price today?" once got the "$54 per session" quote under "The
    # articles don't say anything about Tesla's, stock": the rescue holds only when the coverage
    # model names nothing missing
    cal = Calibration(min_relevance=1.5, rare_term_relevance=1.5, rescue_probability=0.4)
    flags = replace(CoverageModel.never(), threshold=-1.0)  # every question "not answered"
    ranker = SentenceRanker(_Sure(0.0), 1.0, 0.0)
    question = "Which insurance plan covers zebras?"
    reply = answer(tiny_bot.answer_candidates(question), tiny_bot._texts, cal, AnswerSettings(),
                   ranker, tiny_bot.stats, flags)  # fmt: skip
    assert reply.abstention is Abstention.LOW_RELEVANCE and not reply.quotes
    # above the relevance bar the same model gives the caveat, not an abstention
    answered = answer(tiny_bot.answer_candidates(question), tiny_bot._texts,
                      replace(cal, min_relevance=-1.0, rare_term_relevance=-1.0), AnswerSettings(), ranker, tiny_bot.stats,
                      flags)  # fmt: skip
    assert answered.quotes and "zebras" in answered.uncovered


def test_evidence_says_whether_the_best_passage_holds_every_question_word(tiny_bot):
    # no one passage has both words
    assert gather_evidence(tiny_bot.candidates("insurance price")).covered is False
    candidates = tiny_bot.candidates("Which insurance plan?")
    assert candidates.items[0].passage.text.startswith("Insurance may cover the cost:")
    # "insurance" and "plan" (stemmed) are both in that passage
    assert gather_evidence(candidates).covered is True


def test_markdown_escaping_makes_markup_inert():
    assert escape_markdown("<script>alert(1)</script> *x* $5") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\$5"
    )


def test_tiny_bot_reply_is_verbatim_cited_and_ends_with_the_disclaimer(tiny_bot):
    reply = tiny_bot.ask("Can I drive my car?")
    assert not reply.abstained and reply.passages
    for n, quote in enumerate(reply.quotes, start=1):
        assert quote.number == n
        assert (
            tiny_bot.corpus.by_id(quote.passage.doc_id).text[quote.start : quote.end] == quote.text
        )
    assert reply_markdown(reply).rstrip().endswith(f"_{DISCLAIMER}_")
    assert "[1]" in reply_markdown(reply) and "Alpha Guide — Alpha Clinic" in reply_markdown(reply)
    json.dumps(reply_dict(reply))


def test_tiny_bot_abstains_off_topic_without_suggestions(tiny_bot):
    # "dose" is a concept of the fake encoder that no passage has: cosines stay near 0.1 or less,
    # below topics_min_relevance (0.2), so nothing is offered to read either
    reply = tiny_bot.ask("dose dose")
    assert reply.abstained and reply.passages == []
    assert reply_markdown(reply).startswith(NOT_FOUND)
    assert reply.suggestions == () and reply_markdown(reply).rstrip().endswith(f"_{DISCLAIMER}_")


def test_ask_refuses_an_empty_question_but_answers_an_overlong_one_with_safety(tiny_bot):
    with pytest.raises(ValueError, match="The question is empty"):
        tiny_bot.ask("  ")
    reply = tiny_bot.ask("x " * 600 + "I want to kill myself")
    assert reply.abstained and reply.crisis_level == "acute" and "988" in reply_markdown(reply)
    assert "limit is 1,000" in reply_markdown(reply)


def test_uncovered_note_names_the_words_as_given():
    assert uncovered_note(("TMS", "sertraline")) == (
        "The articles don't say anything about “TMS” or “sertraline”. These are the closest "
        "passages they have; they may not answer your question.",
    )
    assert uncovered_note(()) == ()


def test_uncovered_names_nothing_unless_flagged_then_rare_words_and_terms_the_quotes_lack(doc):
    chunk = chunk_document(doc, max_words=200)[0]  # holds "drive", "session", ...
    cand = candidate(chunk, [0.9] * len(chunk.units))
    asked = Candidates("Is TMS legal in Canada?", "Is TMS legal in Canada?", np.zeros(2),
                       ("tms",), (cand,))  # fmt: skip
    never, always = CoverageModel.never(), replace(CoverageModel.never(), threshold=0.0)
    # not flagged: nothing, even a rare word no article uses (the model weighed it already)
    assert uncovered(asked, [cand], [cand], never, 3.0) == ()
    # flagged: every term no quoted passage holds, rarest first in general English
    assert uncovered(asked, [cand], [cand], always, 3.0) == ("TMS", "Canada", "legal")


def test_the_feature_matrix_gives_each_candidate_the_rows_it_gets_alone(tiny_bot):
    # all candidates' columns are filled at once: each candidate's rows must be those it gets
    # when it is the only candidate (no column is worked out across candidates)
    from faqbot.answer.features import NAMES, feature_matrix, features
    from faqbot.answer.ranker import sentence_texts

    candidates = tiny_bot.candidates("how much does a drive by car cost?")
    items = candidates.items
    assert len(items) == 5 and sum(len(c.sentence_scores) > 1 for c in items) >= 1

    def matrix(cands):
        texts = [sentence_texts(c) for c in cands.items]
        vectors = [c.sentence_vectors for c in cands.items]
        args = (cands, texts, vectors, tiny_bot.stats, tiny_bot._texts, tiny_bot.ranker.memory)
        return feature_matrix(*args), features(*args)

    (together, ends), split = matrix(candidates)
    assert together.shape == (sum(len(c.sentence_scores) for c in items), len(NAMES))
    assert ends.tolist() == np.cumsum([len(c.sentence_scores) for c in items]).tolist()
    alone = [matrix(replace(candidates, items=(c,)))[0][0] for c in items]
    assert np.array_equal(together, np.vstack(alone))
    assert all(np.array_equal(a, b) for a, b in zip(split, alone, strict=True))


def test_the_question_in_a_long_message_is_its_last_sentence_that_asks():
    story = "We have tried everything. Is it worth it? He sleeps badly. Can he drive after?"
    assert asked_in(story, 1000) == "Can he drive after?"
    assert asked_in("He sleeps badly. Nothing works. Why?", 1000) is None  # too short to answer
    assert asked_in("A long story without a question.", 1000) is None
    assert asked_in("Fine. " + "Is this a very long question " * 10 + "?", 50) is None


@pytest.mark.parametrize(
    ("question", "parts"),
    [("How much does it cost and can I drive after?",
      ("How much does it cost?", "can I drive after?")),
     ("Does it help with PTSD? Also is it covered by insurance?",
      ("Does it help with PTSD?", "is it covered by insurance?")),
     ("What is ketamine, and how does it work?", ("What is ketamine?", "how does it work?")),
     # one question: "and" without a question after it, a statement before it, an alternative
     ("Can ketamine help anxiety and depression?", None),
     ("My father has chronic pain and is depressed. Does ketamine do anything for both?", None),
     ("Does ketamine genuinely help with OCD, or is that just hype?", None),
     ("Who can't take it and why not?", None)],
)  # fmt: skip
def test_a_question_splits_into_parts_only_where_a_second_question_starts(question, parts):
    assert question_parts(question) == (parts or (question,))


def _quote(doc, chunk, number):
    start, end = chunk.units[0].start, chunk.units[0].end
    passage = Passage(chunk, 1.0, number)
    return Quote(passage, number, start, end, doc.text[start:end], (), False, False)


def test_part_quotes_come_after_the_first_new_passages_only_up_to_the_cap(doc):
    chunks = chunk_document(doc, max_words=8)
    a, b, c, d = (_quote(doc, ch, n) for n, ch in enumerate(chunks[:4], start=1))
    reply = Reply("q", (a, b))
    merged = with_part_quotes(reply, [None, b, c], most=4)  # b is quoted already
    assert [q.passage for q in merged.quotes] == [a.passage, c.passage, b.passage]
    assert [q.number for q in merged.quotes] == [1, 2, 3]
    full = with_part_quotes(Reply("q", (a, b, c)), [d], most=3)  # a part's answer beats [3]
    assert [q.passage for q in full.quotes] == [a.passage, d.passage, b.passage]
    assert with_part_quotes(reply, [None, None], most=4) is reply


@pytest.mark.parametrize(
    ("a", "b", "same_word"),
    [("pregnant", "pregnancy", True), ("psychotic", "psychosis", True),
     ("anesthetic", "anesthesia", True), ("breastfeed", "breastfeeding", True),
     ("insured", "insurance", True), ("depressed", "deprecated", False),
     ("medication", "meditation", False), ("effective", "efficacy", False),
     ("sleep", "sleepy", True), ("treat", "trees", False)],
)  # fmt: skip
def test_word_forms_the_stemmer_keeps_apart_are_related(a, b, same_word):
    from faqbot.answer.wordforms import Forms, held, related
    from faqbot.index.lexical import stem

    sa, sb = stem(a), stem(b)
    assert related(sa, sb) is same_word and related(sb, sa) is same_word
    assert held(sa, {"other", sb}) is same_word
    assert (sb in Forms([sb, "other"]).of(sa)) is same_word


def test_the_ranker_and_coverage_count_a_words_other_forms(tiny_bot):
    # "pregnant" is not in the tiny corpus; with "Pregnancy" in one sentence, the exact overlap
    # misses it and the forms column finds it
    from faqbot.answer.coverage import NAMES as COVERAGE
    from faqbot.answer.coverage import coverage_features
    from faqbot.answer.features import NAMES, feature_matrix
    from faqbot.answer.ranker import rank, sentence_texts
    from faqbot.answer.wordforms import Forms

    candidates = tiny_bot.candidates("pregnant drive?")
    items = candidates.items
    texts = [sentence_texts(c) for c in items]
    texts[0] = ["Pregnancy rules out a drive.", *texts[0][1:]]
    stats = tiny_bot.stats
    stats = replace(stats, forms=Forms([*stats.document_frequency, "pregnanc"]))
    x, _ = feature_matrix(candidates, texts, [c.sentence_vectors for c in items], stats,
                          tiny_bot._texts)  # fmt: skip
    exact, forms = x[:, NAMES.index("overlap_idf")], x[:, NAMES.index("overlap_idf_forms")]
    assert forms[0] > exact[0] > 0 and (forms >= exact).all()
    ranked = rank(candidates, tiny_bot.ranker, tiny_bot.stats, tiny_bot._texts)
    c = coverage_features(candidates, ranked)
    assert c[COVERAGE.index("forms_in_top3")] >= c[COVERAGE.index("terms_in_top3")] > 0
