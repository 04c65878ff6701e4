"""faqbot eval: the relevance rule, metric plumbing with exact numbers, BEIR, and the CI check."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from faqbot.eval import report as eval_report
from faqbot.eval.data import Dataset, Question, is_relevant, load_beir, load_jsonl, quote_matches
from faqbot.eval.metrics import answer_failures, answer_metrics, retrieval_metrics
from faqbot.eval.run import main, run_eval

DEVSET = Path(__file__).parent / "data" / "devset.jsonl"

# ---------------------------------------------------------------- the relevance rule

QUOTE = "Ketamine can quiet suicidal ideation, improve OCD symptoms, and help resolve trauma."


def test_passage_containing_the_quote_is_relevant_despite_whitespace():
    passage = (
        "Intro.\nKetamine can quiet  suicidal\u00a0ideation, improve OCD\nsymptoms, and help "
        "resolve trauma. Another benefit follows."
    )
    assert quote_matches(passage, QUOTE)


def test_passage_inside_the_quote_is_relevant():
    assert quote_matches("improve OCD symptoms, and help resolve trauma.", QUOTE)


def test_partial_overlap_counts_from_half_the_quote():
    head, tail = "0123456789" * 7, ("abcdefghij" * 7)[:69]
    quote = f"{head} {tail}"  # 140 characters: half is 70, the length of head
    assert quote_matches(f"Z{head}!", quote)  # shares all of head: 70 = 50%
    assert not quote_matches(f"Z{head[1:]}!", quote)  # 69 < 50%


def test_short_quote_must_appear_whole():
    # "Lower long-term " is 16 of 21 characters, but below the 60-character partial-overlap floor
    assert not quote_matches(
        "Lower long-term side effects than daily pills.", "Lower long-term costs"
    )
    assert quote_matches("- Lower long-term costs\n- Fewer pills", "Lower long-term costs")


def test_case_and_punctuation_are_kept():
    assert not quote_matches(QUOTE.lower(), QUOTE)
    assert not quote_matches("Hello.", "")


def test_any_one_quote_makes_a_passage_relevant():
    assert is_relevant(
        "Sleep well the night before.", ["Not here.", "Sleep well the night before."]
    )
    assert not is_relevant("Sleep well the night before.", ["Not here.", "Nor here."])


# ---------------------------------------------------------------- loading


def _write(tmp_path, rows) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [{"id": "a", "question": "q?", "kind": "in-scope"}],
            "line 1: kind 'in-scope' of a is not",
        ),
        ([{"id": "a", "question": "q?", "kind": "in_scope"}], '"answers" must be a list'),
        ([{"id": "a", "question": "q?", "kind": "out_of_scope"}], "subkind '' of a is not one of"),
        ([{"id": "a", "question": "q?", "kind": "crisis", "level": "high"}], "level 'high' of a"),
        ([{"id": "a", "question": "q?", "kind": "benign"}] * 2, "line 2: id 'a' is used twice"),
    ],
)
def test_bad_rows_are_refused_with_the_line(tmp_path, rows, message):
    with pytest.raises(ValueError, match=message):
        load_jsonl(_write(tmp_path, rows))


def test_missing_dataset_names_the_fix(tmp_path):
    with pytest.raises(ValueError, match="No dataset at .*nope.jsonl. Pass a JSONL dev set"):
        main([str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out")])


# ---------------------------------------------------------------- metric plumbing, by hand


def test_retrieval_metrics_by_hand():
    # q2's two passages are alternatives; Recall@k is "any answering passage in the top k".
    qrels = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}, "q3": {"d": 1}}
    runs = {
        "x": {"q1": {"a": 1, "z": 0.5}, "q2": {"z": 1, "b": 0.5, "c": 0.3}, "q3": {"z": 1}},
        "y": {"q1": {"z": 1, "a": 0.5}, "q2": {"b": 1}, "q3": {"d": 1}},
    }
    out = retrieval_metrics(qrels, runs, k=3, default="x")
    x, y = out["scores"]["x"], out["scores"]["y"]
    assert list(x) == ["Recall@1", "Recall@3", "MRR@3", "nDCG@3"]
    assert x["Recall@1"] == pytest.approx(1 / 3)  # only q1 at rank 1
    assert x["Recall@3"] == pytest.approx(2 / 3)  # q3's passage never comes
    assert x["MRR@3"] == pytest.approx((1 + 1 / 2 + 0) / 3)
    # q2: DCG = 1/log2(3) + 1/log2(4) = 1.1309, ideal = 1 + 1/log2(3) = 1.6309 -> 0.6934
    assert x["nDCG@3"] == pytest.approx((1 + 1.1309 / 1.6309 + 0) / 3, abs=1e-4)
    assert y["MRR@3"] == pytest.approx((1 / 2 + 1 + 1) / 3)
    assert out["curves"]["x"] == pytest.approx([1 / 3, 2 / 3, 2 / 3])
    # MRR per question, x vs y: q1 1 > 0.5 (win), q2 0.5 < 1 (loss), q3 0 < 1 (loss)
    mrr = out["significance"]["y"]["MRR@3"]
    assert (mrr["wins"], mrr["ties"], mrr["losses"]) == (1, 0, 2)
    assert 0 < mrr["p_value"] <= 1 and mrr["significant"] is False  # 3 questions prove nothing
    assert "x" not in out["significance"]


@pytest.mark.parametrize("stat_test", ["fisher", "student"])
def test_the_paired_tests_tell_a_real_difference_from_none(stat_test):
    # 60 questions: "x" finds the answer first on all, "y" on a third; "z" is x again
    qrels = {f"q{i}": {"a": 1} for i in range(60)}
    x = {q: {"a": 1.0, "b": 0.5} for q in qrels}
    y = {q: ({"a": 1.0, "b": 0.5} if i % 3 == 0 else {"b": 1.0, "a": 0.5})
         for i, q in enumerate(qrels)}  # fmt: skip
    out = retrieval_metrics(qrels, {"x": x, "y": y, "z": dict(x)}, k=3, default="x",
                            stat_test=stat_test)  # fmt: skip
    better = out["significance"]["y"]["Recall@1"]
    assert better["significant"] and better["p_value"] < 0.001
    assert (better["wins"], better["ties"], better["losses"]) == (40, 20, 0)
    same = out["significance"]["z"]["Recall@1"]
    assert not same["significant"] and same["p_value"] == 1.0
    assert out["scores"]["y"]["Recall@1"] == pytest.approx(1 / 3)
    # the same data give the same p-value: the randomisation is seeded
    again = retrieval_metrics(qrels, {"x": x, "y": y}, k=3, default="x", stat_test=stat_test)
    assert (
        again["significance"]["y"]["MRR@3"]["p_value"]
        == out["significance"]["y"]["MRR@3"]["p_value"]
    )


def test_an_unknown_stat_test_is_named():
    with pytest.raises(ValueError, match='use "fisher" or "student"'):
        retrieval_metrics({"q": {"a": 1}}, {"x": {"q": {"a": 1}}, "y": {}}, 1, "x", stat_test="z")


def _outcome(qid, kind, subkind="", level="", **kw):
    row = {
        "id": qid,
        "question": qid,
        "kind": kind,
        "subkind": subkind,
        "level": level,
        "abstained": False,
        "reason": "",
        "crisis": False,
        "crisis_level": "none",
        "crisis_rule": None,
        "first_answers": False,
        "any_answers": False,
        "quote_words": [],
        "not_verbatim": [],
        "first_quote": "",
        "ms": 0.0,
    }
    return row | kw


OUTCOMES = [
    _outcome("i1", "in_scope", first_answers=True, any_answers=True, quote_words=[10, 20], ms=10.0),
    _outcome("i2", "in_scope", first_answers=True, any_answers=True, quote_words=[30], ms=20.0),
    # i3: the first quote misses and is not verbatim, its second quote answers
    _outcome("i3", "in_scope", any_answers=True, quote_words=[40, 8], not_verbatim=[1], ms=30.0),
    _outcome("i4", "in_scope", abstained=True, reason="weak", ms=40.0),
    _outcome("o1", "out_of_scope", "off_topic", abstained=True, ms=50.0),
    _outcome("o2", "out_of_scope", "off_topic", abstained=True, ms=60.0),
    _outcome("o3", "out_of_scope", "near_domain", abstained=True, ms=70.0),
    _outcome("o4", "out_of_scope", "near_domain", quote_words=[5], ms=80.0),  # answered
    _outcome("c1", "crisis", level="acute", crisis=True, crisis_level="acute", ms=90.0),
    _outcome("c2", "crisis", level="mention", crisis=True, crisis_level="mention", ms=100.0),
    _outcome("c3", "crisis", level="acute", ms=110.0),  # missed
    _outcome("c4", "crisis", level="acute", crisis=True, crisis_level="mention", ms=120.0),
    _outcome("b1", "benign", crisis=True, crisis_level="acute", crisis_rule="r7", ms=130.0),
    _outcome("b2", "benign", ms=140.0),
]


def test_answer_metrics_by_hand():
    m = answer_metrics(OUTCOMES)
    assert m["answered_in_scope"] == 0.75  # i4 abstained: 3 of 4
    assert m["first_quote_answers"] == pytest.approx(2 / 3)  # of the answered i1-i3, i3 misses
    assert m["any_quote_answers"] == 1.0  # i3's second quote answers
    assert m["median_quote_words"] == 20.0  # answered in-scope quotes 8, 10, 20, 30, 40
    assert m["quotes_verbatim"] == 5 / 6  # 6 quotes shown (incl. o4's), i3's first is not verbatim
    assert m["abstain_off_topic"] == 1.0 and m["abstain_near_domain"] == 0.5
    assert m["crisis_recall"] == 0.75  # c3 missed
    assert m["crisis_acute_recall"] == pytest.approx(1 / 3)  # acute c1 yes; c3 missed, c4 mention
    assert m["crisis_fp_benign"] == 0.5  # b1
    assert m["crisis_fp_non_crisis"] == 0.1  # b1 of the 10 non-crisis rows
    # 14 latencies 10..140 ms; numpy's linear percentile: p50 = 75, p95 = 10 + 0.95 * 13 * 10
    assert m["latency_p50_ms"] == 75.0 and m["latency_p95_ms"] == pytest.approx(133.5)


def test_answer_failures_name_what_went_wrong():
    what = {f["id"]: f["what"] for f in answer_failures(OUTCOMES)}
    assert sorted(what) == ["b1", "c3", "c4", "i3", "i4", "o4"]
    assert what["i4"] == "abstained on an in-scope question (weak)"
    assert what["c4"] == "acute crisis shown as 'mention'"
    assert what["b1"] == "benign question flagged as crisis (rule r7)"
    i3 = [f["what"] for f in answer_failures(OUTCOMES) if f["id"] == "i3"]
    assert i3 == [
        "the first quote does not contain an answer quote",
        "quote(s) [1] differ from the article text at their offsets",
    ]


def test_rates_over_no_rows_are_not_measured():
    m = answer_metrics([_outcome("b", "benign")])
    assert m["crisis_recall"] is None and m["answered_in_scope"] is None
    rows = eval_report.check(m, {"min": {"crisis_recall": 1.0}, "max": {"crisis_fp_benign": 0}})
    assert [(r["metric"], r["ok"]) for r in rows] == [
        ("crisis_recall", None),
        ("crisis_fp_benign", True),
    ]


# ---------------------------------------------------------------- run_eval on the tiny corpus

# Passages at chunk_words=20 (tests/test_retrieval.py): 0 "You should not drive ...",
# 1 "The price is 50 dollars ...", 2 "Insurance may cover the cost: ...", 3 "Relief can come ...",
# 4 "Sleep well the night before. A good sleep helps."
TINY = Dataset(
    "tiny",
    (
        Question("t1", "drive my car", "in_scope", ("You should not drive after a session.",)),
        Question("t2", "price insurance cost", "in_scope", ("Insurance may cover the cost:",)),
        # a question its passage does not answer well: sleep is last for dense, absent for BM25
        Question("t3", "how fast, in hours?", "in_scope", ("A good sleep helps.",)),
    ),
    by_quote=True,
)


def test_run_eval_on_the_tiny_corpus(tiny_bot):
    from faqbot import FAQBot, Settings

    # RRF (k=60) fusion keeps this fixture's arithmetic; the default z-score fusion differs
    tiny_bot = FAQBot(
        tiny_bot.corpus,
        tiny_bot.index,
        tiny_bot.encoder,
        Settings().replace(chunk_words=20, fusion="rrf", rrf_k=60),
    )
    report = run_eval(tiny_bot, TINY, ("hybrid", "lexical"), k=10, progress=False, answers=False)
    # hybrid first answering ranks: t1 1, t2 2 (price first), t3 5; BM25: 1, 1, never
    assert report["first_relevant_rank"] == {
        "t1": {"hybrid": 1, "lexical": 1},
        "t2": {"hybrid": 2, "lexical": 1},
        "t3": {"hybrid": 5, "lexical": None},
    }
    hybrid, lexical = (
        report["retrieval"]["scores"]["hybrid"],
        report["retrieval"]["scores"]["lexical"],
    )
    assert hybrid["Recall@1"] == pytest.approx(1 / 3) and hybrid["Recall@3"] == pytest.approx(2 / 3)
    assert hybrid["Recall@5"] == 1.0
    assert hybrid["MRR@10"] == pytest.approx((1 + 1 / 2 + 1 / 5) / 3)  # 0.5667
    assert lexical["Recall@5"] == pytest.approx(2 / 3) and lexical["MRR@10"] == pytest.approx(2 / 3)
    mrr = report["retrieval"]["significance"]["lexical"]["MRR@10"]
    assert (mrr["wins"], mrr["ties"], mrr["losses"]) == (1, 1, 1)  # t3 win, t1 tie, t2 loss
    assert report["summary"]["Recall@5"] == 1.0 and report["summary"]["dataset_problems"] == 0
    assert report["failures"] == []  # every answer is within hybrid's top 5


def test_a_miss_beyond_the_top_5_is_listed(tiny_bot):
    report = run_eval(tiny_bot, TINY, ("hybrid", "lexical"), k=4, progress=False, answers=False)
    assert list(report["retrieval"]["scores"]["hybrid"]) == [
        "Recall@1",
        "Recall@3",
        "Recall@4",
        "MRR@4",
        "nDCG@4",
    ]
    [miss] = report["failures"]
    assert miss["id"] == "t3"
    assert miss["what"] == (
        "no answering passage in the hybrid top 5 (first relevant: hybrid -, lexical -)"
    )
    assert miss["shown"].startswith("beta § Speed: Relief can come within hours.")


def test_unanswerable_label_is_a_dataset_problem(tiny_bot):
    bad = Dataset(
        "bad", (Question("x", "drive?", "in_scope", ("Not in any article at all.",)),), True
    )
    report = run_eval(tiny_bot, bad, ("hybrid",), progress=False, answers=False)
    assert [p["id"] for p in report["problems"]] == ["x", "x"]
    assert report["problems"][0]["problem"].startswith("quote not in any article")
    assert report["retrieval"] is None and report["summary"]["dataset_problems"] == 2


# ---------------------------------------------------------------- the CLI and its check


def _tiny_set(tmp_path) -> Path:
    rows = [
        {"id": q.qid, "question": q.question, "kind": q.kind, "answers": list(q.answers)}
        for q in TINY.questions
    ]
    return _write(tmp_path, rows)


def _thresholds(tmp_path, recall_at_1: float) -> Path:
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps({"min": {"Recall@1": recall_at_1, "crisis_recall": 1.0}}))
    return path


@pytest.mark.parametrize("need, code", [(0.6, 0), (0.9, 1)])
def test_check_exit_code(tiny_corpus, tmp_path, fake_encoder, capsys, need, code):
    out = tmp_path / "out"
    argv = [
        str(_tiny_set(tmp_path)),
        "--corpus",
        str(tiny_corpus),
        "--index",
        str(tmp_path / "i"),
        "--out",
        str(out),
        "--check",
        "--thresholds",
        str(_thresholds(tmp_path, need)),
        "--retrieval-only",
        "--quiet",
    ]
    assert main(argv, encoder=fake_encoder) == code
    report = json.loads((out / "report.json").read_text())
    [recall, crisis] = report["check"]
    # at the default chunk size each section is one passage: price and insurance share one,
    # so t1 and t2 are found at rank 1 and only t3 is not
    assert recall["value"] == pytest.approx(2 / 3) and recall["ok"] is (code == 0)
    assert crisis["ok"] is None  # no crisis rows, nothing asked: not measured, not failed
    assert "## Retrieval (k=10, 3 questions)" in (out / "report.md").read_text()
    assert (out / "recall_at_k.png").read_bytes()[:4] == b"\x89PNG"
    err = capsys.readouterr().err
    assert ("Recall@1 = 0.667, needs >= 0.9" in err) is (code == 1)


# ---------------------------------------------------------------- BEIR


def _beir(tmp_path) -> Path:
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    docs = [
        {"_id": "doc/1", "title": "Driving", "text": "You should not drive a car after a session."},
        {"_id": "doc-2", "title": "Costs", "text": "The price is 50 dollars; insurance may pay."},
        {"_id": "3", "title": "Rest", "text": "Sleep well the night before."},
    ]
    texts = ["drive my car", "what is the price", "drive, then sleep", "not judged"]
    queries = [{"_id": f"q{n}", "text": t} for n, t in enumerate(texts, start=1)]
    for name, rows in (("corpus.jsonl", docs), ("queries.jsonl", queries)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\tdoc/1\t1\nq2\tdoc-2\t1\nq2\t3\t0\nq3\tdoc/1\t1\nq3\t3\t1\n"
    )
    return folder


def test_beir_loader_keeps_judged_queries_and_grades(tmp_path):
    dataset, corpus = load_beir(_beir(tmp_path))
    assert [(q.qid, q.judged) for q in dataset.questions] == [
        ("q1", {"doc/1": 1}),
        ("q2", {"doc-2": 1}),
        ("q3", {"doc/1": 1, "3": 1}),
    ]
    assert not dataset.by_quote and len(corpus) == 3


def test_beir_qrels_split_must_be_chosen(tmp_path):
    folder = _beir(tmp_path)
    (folder / "qrels" / "test.tsv").rename(folder / "qrels" / "dev.tsv")
    (folder / "qrels" / "train.tsv").write_text("query-id\tcorpus-id\tscore\n")
    with pytest.raises(ValueError, match=r"No qrels/test.tsv .*found: dev.tsv, train.tsv.*--split"):
        load_beir(folder)
    assert [q.qid for q in load_beir(folder, "dev")[0].questions] == ["q1", "q2", "q3"]


def test_beir_eval_scores_by_document(tmp_path, fake_encoder):
    out = tmp_path / "out"
    argv = [str(_beir(tmp_path)), "--out", str(out), "--quiet", "--retrievers", "hybrid"]
    assert main(argv, encoder=fake_encoder) == 0
    report = json.loads((out / "report.json").read_text())
    # q3 has two relevant documents, found at ranks 1 and 2: BEIR recall@1 = 1/2 for it
    assert report["first_relevant_rank"] == {
        "q1": {"hybrid": 1},
        "q2": {"hybrid": 1},
        "q3": {"hybrid": 1},
    }
    scores = report["retrieval"]["scores"]["hybrid"]
    assert scores["Recall@1"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert scores["Recall@3"] == 1.0 and scores["MRR@10"] == 1.0
    assert report["answers"] == {}  # nothing to ask without answer labels


# ---------------------------------------------------------------- the real dev set


class ShuffledRetriever:
    """A deliberately broken retriever: every candidate passage in a seeded random order."""

    def __init__(self, inner, seed: int = 0):
        self._inner, self._rng = inner, random.Random(seed)

    def search(self, question: str, k: int, mode: str = "hybrid"):
        hits = self._inner.search(question, len(self._inner.chunks), mode)
        self._rng.shuffle(hits)
        return [replace(h, rank=n) for n, h in enumerate(hits[:k], start=1)]

    def __getattr__(self, name):  # query_vector, row, chunks ... as the real one
        return getattr(self._inner, name)


@pytest.fixture(scope="module")
def devset():
    return load_jsonl(DEVSET)


def _shortfalls(report) -> dict:
    rows = eval_report.check(report["summary"], eval_report.load_thresholds())
    return {r["metric"]: r["value"] for r in rows if r["ok"] is not True}


@pytest.mark.e2e
def test_dev_set_meets_the_thresholds(real_bot, devset):
    # the thresholds are the default retriever's; comparing all three (their significance tests,
    # ~18 s of CI) is tested on the tiny set above
    default = real_bot.settings.retrieval.retriever
    report = run_eval(real_bot, devset, (default,), progress=False)
    assert report["questions"]["in_scope"] >= 80
    # every threshold measured and met (dataset_problems <= 0 included); the diff names the rest
    assert _shortfalls(report) == {}


@pytest.mark.e2e
def test_random_ranking_fails_the_check(real_bot, devset, monkeypatch):
    monkeypatch.setattr(real_bot, "retriever", ShuffledRetriever(real_bot.retriever))
    report = run_eval(real_bot, devset, ("hybrid",), progress=False, answers=False)
    failed = _shortfalls(report)  # answer metrics are not measured here, retrieval must fail
    assert failed["Recall@5"] < 0.5 and failed["MRR@10"] < 0.5
