"""Questions about the articles themselves, answered from their front matter (Reply.facts)."""

import json
from pathlib import Path

import numpy as np
import pytest

from faqbot.answer.metadata import (
    FIELDS,
    HEAD_PATH,
    N_WORDS,
    MetadataHead,
    facts_for,
    load_head,
    named_documents,
    something_else,
)
from faqbot.answer.metadata_train import field_of, load_rows
from faqbot.render.json import reply_dict
from faqbot.render.markdown import reply_markdown
from faqbot.types import Abstention, Document

DATA = Path(__file__).parent / "data"


def _doc(doc_id, title, publisher, **meta):
    meta = {"title": title, "publisher": publisher, **meta}
    return Document(doc_id, title, publisher, "body", f"{doc_id}.md", True, meta)


DOCS = [
    _doc("a", "Five Benefits", "Mindbloom", medical_reviewer="Jo Roe, PA-C", language="en"),
    _doc("b", "Eight Key Benefits", "Innerwell", language="en"),
    _doc("c", "What Are the Benefits", "Allied Psychiatry", author="Dr. Lee", language="en"),
]


def test_an_article_is_named_by_a_word_only_its_own_details_carry():
    # "benefits" is in every title, so it names none; "mindbloom" and "key" name one each
    assert [d.doc_id for d in named_documents("who reviewed the mindbloom one?", DOCS)] == ["a"]
    assert [d.doc_id for d in named_documents("the 8 key benefits piece", DOCS)] == ["b"]
    assert named_documents("the benefits article", DOCS) == []


def test_a_number_in_a_title_names_its_article_written_as_a_word_too():
    # QA's "Which company put out the five-benefits article, ...?" got every publisher
    docs = [_doc("a", "5 Benefits", "Mindbloom"), _doc("b", "8 Key Benefits", "Innerwell"),
            _doc("c", "What Are the Benefits", "Allied Psychiatry")]  # fmt: skip
    assert [d.doc_id for d in named_documents("who put out the five-benefits article", docs)] == [
        "a"
    ]
    assert [d.doc_id for d in named_documents("the eight benefits one", docs)] == ["b"]
    assert [d.doc_id for d in named_documents("the 5 benefits one", docs)] == ["a"]
    assert named_documents("one more question about the benefits", docs) == []


def test_facts_come_from_the_named_article_or_every_article_that_has_the_field():
    facts, note = facts_for("who reviewed the mindbloom article", ["medical_reviewer"], DOCS)
    assert [(f.doc_id, f.value, f.label, f.number) for f in facts] == [
        ("a", "Jo Roe, PA-C", "Medically reviewed by", 1)
    ]
    assert note == ""
    facts, _ = facts_for("who reviewed it", ["medical_reviewer"], DOCS)  # none named: all with it
    assert [f.doc_id for f in facts] == ["a"]
    facts, _ = facts_for("what language", ["language"], DOCS)  # one value, given once
    assert [(f.doc_id, f.value) for f in facts] == [("a", "en")]


def test_a_named_article_without_the_field_gets_an_honest_note_not_another_articles_value():
    facts, note = facts_for("who reviewed the innerwell article", ["medical_reviewer"], DOCS)
    assert facts == []
    assert note == "The article “Eight Key Benefits” does not name its medical reviewer."
    assert facts_for("anything", [], DOCS) == ([], "")


def test_the_second_likeliest_field_answers_when_the_named_article_lacks_the_first():
    # "who published the allied one": the date is likelier, but only the publisher is there
    facts, note = facts_for("who published the allied one", ["published", "publisher"], DOCS)
    assert [(f.field, f.value) for f in facts] == [("publisher", "Allied Psychiatry")]


def test_the_head_answers_only_when_a_question_is_about_the_details_and_ranks_fields():
    n = len(FIELDS)
    emb = np.zeros((n, 2))
    emb[FIELDS.index("published")] = [4.0, 0.0]
    emb[FIELDS.index("author")] = [2.0, 0.0]
    emb[FIELDS.index("title")] = [3.5, 0.0]
    emb[0] = [0.0, 4.0]  # "none"
    head = MetadataHead(emb, np.zeros((n, N_WORDS)), np.zeros(n), threshold=0.5)
    # logits (0, 3.5, 0, 2, 0, 4, 0, 0): P(none) < 0.01, so about the details; the runner-up
    # title (e^3.5) is at least half as likely as published (e^4), author (e^2) is not
    assert head.fields(np.array([1.0, 0.0]), "when") == ["published", "title"]
    # logits (4, 0, ...): P(none) = e^4 / (e^4 + 7) = 0.886: 1 - P(none) = 0.114 < 0.5
    assert head.fields(np.array([0.0, 1.0]), "when") == []
    assert MetadataHead.never(2).fields(np.array([1.0, 0.0]), "when") == []


def test_training_labels_come_from_front_matter_answers_or_an_explicit_field():
    assert field_of({"answers": ['medical_reviewer: "Jo Roe, PA-C"']}) == "medical_reviewer"
    assert field_of({"answers": ["Ketamine works fast."]}) == "none"
    assert field_of({"answers": [], "field": "author"}) == "author"


def test_the_saved_head_was_trained_on_the_training_questions_without_the_held_out_ones():
    saved = np.load(HEAD_PATH)
    blob = {k: str(saved[k]) for k in ("data_hash", "report")}
    blob["report"], blob["threshold"] = json.loads(blob["report"]), float(saved["threshold"])
    rows = load_rows(DATA)
    assert {a for _, _, a in rows} == {
        "dev",
        "e",
        "g",
        "j",
        "l",
        "n",
        "o",
        "p",
        "r",
        "legacy",
        "mb",
    }  # never the held-out f
    import hashlib

    expected = hashlib.sha256(json.dumps(sorted((q, f) for q, f, _ in rows)).encode())
    assert blob["data_hash"] == expected.hexdigest()[:16], "Run: faqbot metadata-train"
    assert blob["report"]["cv_false_alarms"] <= 0.02
    assert load_head().threshold == blob["threshold"]


@pytest.mark.parametrize(
    "question, field, value",
    [
        ("Who medically reviewed the Mindbloom article?", "medical_reviewer", "Chelsea Tersavich"),
        ("When was the Mindbloom piece published?", "published", "2022-12-13"),
        ("Which company put out the Innerwell article?", "publisher", "Innerwell"),
    ],
)
def test_real_bot_answers_article_details_from_front_matter(real_bot, question, field, value):
    reply = real_bot.ask(question)
    assert reply.facts and reply.facts[0].field == field and value in reply.facts[0].value
    assert not reply.abstained and reply.quotes == ()
    text = reply_markdown(reply)
    assert f"**{reply.facts[0].label}:**" in text and "article details" in text
    # a detail from the front matter is not shown as a quote of the article's text
    assert not any(line.startswith(">") for line in text.splitlines())
    assert reply_dict(reply)["facts"][0]["value"] == reply.facts[0].value


def test_real_bot_says_when_the_named_article_does_not_give_the_detail(real_bot):
    reply = real_bot.ask("Who medically reviewed the Innerwell article?")
    assert reply.facts == () and reply.abstention is Abstention.NOT_IN_DETAILS
    assert reply.uncovered == ("medical reviewer",)
    assert "does not name its medical reviewer" in reply_markdown(reply)


def test_real_bot_answers_content_questions_with_quotes_not_details(real_bot):
    # also when they name the article or its publisher (the head answered "Published by:
    # Innerwell" to a question on which patients the Innerwell article says benefit)
    for question in ("What are the side effects of ketamine?", "How much does a session cost?",
                     "What does the Mindbloom article claim about trauma?",
                     "So what illnesses does the Allied page treat with it?"):  # fmt: skip
        reply = real_bot.ask(question)
        assert reply.facts == () and reply.quotes


def test_a_vector_from_another_model_never_reads_as_a_details_question():
    n = len(FIELDS)
    head = MetadataHead(np.ones((n, 2)), np.zeros((n, N_WORDS)), np.zeros(n), threshold=0.0)
    assert head.fields(np.ones(9), "who wrote it") == []  # a 9-dimensional fake encoder


def test_word_features_are_the_l2_normalised_hashed_counts():
    from sklearn.feature_extraction.text import HashingVectorizer

    from faqbot.answer.metadata import N_WORDS, word_features

    texts = ["Who published the Mindbloom article?", "published publisher published", ""]
    expected = HashingVectorizer(n_features=N_WORDS, alternate_sign=False, norm="l2")
    got = word_features(texts)
    assert got == pytest.approx(expected.transform(texts).toarray())
    assert np.linalg.norm(got[0]) == pytest.approx(1.0) and not got[2].any()


def test_the_ask_path_word_hashing_gives_the_rows_training_used():
    from faqbot.answer.metadata import N_WORDS, hashed_words, word_features

    texts = ["Who published the Mindbloom article?", "published publisher published", "", "?",
             "WHO  Reviewed\tit — Dr. Ann's  page, ÉTÉ 2024", "a b c"]  # fmt: skip
    for text, row in zip(texts, word_features(texts), strict=True):
        cols, counts = hashed_words(text)
        got = np.zeros(N_WORDS)
        got[cols] = counts / np.sqrt(counts @ counts) if len(cols) else 0.0
        np.testing.assert_allclose(got, row, rtol=1e-12, atol=0)
    assert hashed_words("published publisher published")[1].tolist() in ([1, 2], [2, 1])


def test_a_word_the_articles_never_use_names_something_else():
    docs = [Document("a", "Alpha Guide", "Alpha", "Ketamine may ease pain.", "a.md", True,
                     {"author": "Dr. Ann Lee"})]  # fmt: skip
    assert something_else("who wrote the bible?", docs) == "bible"
    assert something_else("who wrote this artcle? (the alpha one)", docs) == ""  # a typo
    assert something_else("who is the author of the ketamine guide", docs) == ""


@pytest.mark.e2e
def test_real_bot_answers_who_wrote_the_articles_but_not_who_wrote_the_bible(real_bot):
    assert real_bot.ask("who wrote the bible").facts == ()
    assert real_bot.ask("Who wrote the Allied article?").facts[0].value.startswith("Dr. Hadi")
