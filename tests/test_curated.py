"""Taught answers (corpus/curated.yaml): the file, its checks, and answering from it first
(tiny corpus, fake encoder: questions about driving share one exact vector)."""

from __future__ import annotations

import pytest
import yaml

from faqbot import FAQBot, Settings
from faqbot.ingest.curated import CuratedRow, append_curated, load_curated
from faqbot.render import NOT_FOUND, reply_markdown
from faqbot.types import Abstention
from tests.conftest import FakeEncoder, write_corpus

SENTENCE = "Ask a friend to take you home by car."  # alpha.md, section Driving
TAUGHT_Q = "Who drives me home by car?"  # drive + car: the same fake vector as the next one
OTHER_WORDS = "Can a car drive me back home?"


def load(tmp_path, log=None) -> FAQBot:
    return FAQBot.load(
        write_corpus(tmp_path / "corpus"),
        tmp_path / "index",
        Settings().replace(chunk_words=20),
        FakeEncoder(),
        log=log or (lambda m: None),
    )


def teach(bot: FAQBot, row: CuratedRow) -> None:
    append_curated(bot.taught.curated.path, row)
    bot.reload_taught()


def test_entries_are_appended_readably_and_read_back_in_order(tmp_path):
    path = tmp_path / "curated.yaml"
    append_curated(path, CuratedRow(TAUGHT_Q, "alpha", SENTENCE, "dana", "2026-11-30"))
    append_curated(path, CuratedRow("Is it legal in Canada?", author="lee", date="2026-12-01"))
    text = path.read_text()
    assert text.startswith("# Answers taught by the clinic's staff")
    assert text.count("- question:") == 2 and "not_in_articles: true" in text
    assert yaml.safe_load(text)[0] == {
        "question": TAUGHT_Q,
        "document": "alpha",
        "sentence": SENTENCE,
        "author": "dana",
        "date": "2026-11-30",
    }
    assert not list(tmp_path.glob("*.tmp"))  # written whole, then moved into place
    corpus = load(tmp_path).corpus
    rows = load_curated(path, corpus).rows
    assert [(r.question, r.line, r.not_in_articles) for r in rows] == [
        (TAUGHT_Q, 3, False),  # after the two header lines
        ("Is it legal in Canada?", 8, True),
    ]
    doc = corpus.by_id("alpha").text
    assert doc[rows[0].span.start : rows[0].span.end] == SENTENCE


def test_a_close_question_gets_the_taught_sentence_first_bold_and_cited(tmp_path):
    bot = load(tmp_path)
    before = bot.ask(OTHER_WORDS)
    teach(bot, CuratedRow(TAUGHT_Q, "alpha", SENTENCE, "dana", "2026-11-30"))
    reply = bot.ask(OTHER_WORDS)
    first = reply.quotes[0]
    doc = bot.corpus.by_id("alpha").text
    assert first.number == 1 and first.passage.doc_id == "alpha"
    assert doc[first.start : first.end] == first.text  # verbatim
    assert [doc[s.start : s.end] for s in first.highlights] == [SENTENCE]  # the bold sentence
    assert f"**{SENTENCE[:-1]}" in reply_markdown(reply)
    assert reply.taught.startswith(repr(TAUGHT_Q)) and "curated.yaml line 3" in reply.taught
    assert [q.number for q in reply.quotes] == list(range(1, len(reply.quotes) + 1))
    assert not reply.abstained and before.taught == ""
    assert bot.ask("How much sleep before a session?").taught == ""  # not close: unchanged


def test_not_in_the_articles_makes_the_bot_abstain_honestly(tmp_path):
    bot = load(tmp_path)
    assert not bot.ask(OTHER_WORDS).abstained
    teach(bot, CuratedRow(TAUGHT_Q, author="lee", date="2026-12-01"))
    reply = bot.ask(OTHER_WORDS)
    assert reply.abstention is Abstention.TAUGHT and reply.quotes == ()
    assert reply.abstain_reason.startswith(f"staff marked {TAUGHT_Q!r} as not in the articles")
    assert NOT_FOUND in reply_markdown(reply)


def test_a_taught_answer_keeps_the_crisis_text(tmp_path):
    bot = load(tmp_path)
    teach(bot, CuratedRow(TAUGHT_Q, "alpha", SENTENCE, "dana", "2026-11-30"))
    reply = bot.ask("I want to kill myself. Who drives me home by car?")
    assert reply.taught and reply.crisis_level == "acute" and "988" in reply.safety_text


def test_a_sentence_no_longer_in_the_corpus_is_reported_and_never_served(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "curated.yaml").write_text(
        "- question: Who drives me home by car?\n"
        "  document: alpha\n"
        "  sentence: Ask a neighbour to take you home by bus.\n"
        "- question: How fast does it work?\n"
        "  document: gamma\n"
        "  sentence: Relief can come within hours.\n"
    )
    logged = []
    bot = load(tmp_path, log=logged.append)
    assert bot.taught.curated.rows == ()
    assert bot.taught.curated.problems == (
        "curated.yaml line 1: the sentence 'Ask a neighbour to take you home by bus.' is no "
        "longer in alpha; it is not served.",
        "curated.yaml line 4: the document 'gamma' is no longer in the corpus; it is not served.",
    )
    assert [m for m in logged if m.startswith("Warning: taught answer")] == [
        f"Warning: taught answer in {p}" for p in bot.taught.curated.problems
    ]
    reply = bot.ask(OTHER_WORDS)
    assert reply.taught == "" and all("neighbour" not in q.text for q in reply.quotes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- question: a\n  document: alpha\n  sentence: x: y: z\n",
            r"line 3: not valid YAML \(mapping values",
        ),
        (
            "- question: a\n  sentence: 'unclosed\n",
            r"line 3: not valid YAML \(found unexpected end of stream, while scanning a quoted scalar at line 2\).*git checkout -- .*curated.yaml",
        ),
        ("question: a\n", "line 1: must be a list of entries"),
        (
            "- question: a\n- question: b\n  not_in_articles: true\n",
            "line 1: give either 'document' and 'sentence'",
        ),
        (
            "- question: b\n  not_in_articles: true\n  sentense: x\n",
            "line 1: unknown key 'sentense'",
        ),
        ("- document: alpha\n  sentence: x\n", "line 1: the entry needs a 'question'"),
    ],
)
def test_a_malformed_file_names_the_file_the_line_and_the_fix(tmp_path, text, message):
    corpus_dir = write_corpus(tmp_path / "corpus")
    (corpus_dir / "curated.yaml").write_text(text)
    with pytest.raises(ValueError, match=f"curated.yaml {message}"):
        load(tmp_path)


def test_taught_rows_are_their_own_evaluation_set(tmp_path):
    from faqbot.eval.report import taught_section
    from faqbot.eval.run import ask_all
    from faqbot.eval.taught import taught_dataset, taught_report

    bot = load(tmp_path)
    assert taught_report(bot, ask_all) is None  # nothing taught: no set
    teach(bot, CuratedRow(TAUGHT_Q, "alpha", SENTENCE, "dana", "2026-11-30"))
    teach(bot, CuratedRow("Is sleep covered by Medicare?", author="lee", date="2026-12-01"))
    dataset = taught_dataset(bot.taught.curated)
    assert [(q.qid, q.kind, q.answers) for q in dataset.questions] == [
        ("taught-line-3", "in_scope", (SENTENCE,)),
        ("taught-line-8", "out_of_scope", ()),
    ]
    taught = bot.taught
    report = taught_report(bot, ask_all)
    assert bot.taught is taught  # set back after scoring the bot alone
    served = report["served"]
    assert served["first_quote_answers"] == served["highlight_answers"] == 1.0
    assert served["abstain_near_domain"] == 1.0
    assert report["alone"]["abstain_near_domain"] == 0.0  # the bot alone quotes the sleep section
    title, body = taught_section(report)
    assert title == "Taught answers (corpus/curated.yaml, 2 questions asked as taught)"
    assert "| with the taught answers | the bot alone |" in body
