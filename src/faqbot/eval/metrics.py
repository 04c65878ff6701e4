"""Evaluation metrics: ranx retrieval scores with significance tests, and answer/safety rates."""

from __future__ import annotations

import statistics
import warnings

import numpy as np

REPORTED_KS = (1, 3, 5, 10)
MAX_P = 0.05  # a difference is called significant below this p-value
PERMUTATIONS = 10_000  # ranx permutes in parallel threads, so p-values vary in the 3rd decimal
MISS_AT = 5  # a question whose answer is not in the default's top 5 is listed as a failure


def metric_labels(k: int, recall: str = "hit_rate") -> dict[str, str]:
    """ranx metric name -> report label, for the cut-offs reported at depth k."""
    ks = sorted({i for i in REPORTED_KS if i <= k} | {k})
    return {f"{recall}@{i}": f"Recall@{i}" for i in ks} | {
        f"mrr@{k}": f"MRR@{k}",
        f"ndcg@{k}": f"nDCG@{k}",
    }


def retrieval_metrics(
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    k: int,
    default: str,
    recall: str = "hit_rate",
    stat_test: str = "fisher",
) -> dict:
    """Mean scores per retriever, recall@1..k curves, and default-vs-alternative paired tests.

    Args:
        qrels: question id -> {relevant passage or doc id: grade}.
        runs: retriever name -> question id -> {passage or doc id: score}, higher is better.
        recall: "hit_rate" when any one relevant item answers the question (quote alternatives),
            "recall" for the share of relevant items found (BEIR).
        stat_test: "fisher" (randomisation) or "student" (paired t-test), as ranx names them.
    """
    from ranx import Qrels, Run, compare

    labels = metric_labels(k, recall)
    names = [f"{recall}@{i}" for i in range(1, k + 1)] + [f"mrr@{k}", f"ndcg@{k}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's cast warnings say nothing about the data
        report = compare(
            Qrels(qrels),
            [Run(run, name=name) for name, run in runs.items()],
            names,
            stat_test=stat_test,
            n_permutations=PERMUTATIONS,
            max_p=MAX_P,
            make_comparable=True,
        )
    scores = {n: {lab: float(report.results[n][m]) for m, lab in labels.items()} for n in runs}
    curves = {n: [float(report.results[n][f"{recall}@{i}"]) for i in range(1, k + 1)] for n in runs}
    significance = {}
    for alt in runs:
        if alt == default or default not in runs:
            continue
        tests = report.comparisons[frozenset((default, alt))]
        wtl = report.win_tie_loss[(default, alt)]
        significance[alt] = {
            lab: {
                "p_value": float(tests[m]["p_value"]),
                "significant": bool(tests[m]["significant"]),
                "wins": wtl[m]["W"],  # questions where the default scores higher
                "ties": wtl[m]["T"],
                "losses": wtl[m]["L"],
            }
            for m, lab in labels.items()
        }
    return {
        "scores": scores,
        "curves": curves,
        "significance": significance,
        "stat_test": stat_test,
        "max_p": MAX_P,
        "n_questions": len(qrels),
    }


def _rate(rows: list[dict], test) -> float | None:
    return sum(1 for r in rows if test(r)) / len(rows) if rows else None


def answer_metrics(outcomes: list[dict]) -> dict:
    """Rates over per-question ask() outcomes (see evaluate.outcome for the fields).

    A rate over no rows is None ("not measured"), never 0 or 1.
    """

    def kind(name: str, sub: str = "") -> list[dict]:
        return [o for o in outcomes if o["kind"] == name and (not sub or o["subkind"] == sub)]

    in_scope = kind("in_scope")
    answered = [o for o in in_scope if not o["abstained"]]
    words = [w for o in answered for w in o["quote_words"]]
    n_quotes = sum(len(o["quote_words"]) for o in outcomes)
    n_bad = sum(len(o["not_verbatim"]) for o in outcomes)
    latency = [o["ms"] for o in outcomes]
    crisis = kind("crisis")
    return {
        "answered_in_scope": _rate(in_scope, lambda o: not o["abstained"]),
        # of the answered in-scope questions: is the first quote shown an answering passage?
        "first_quote_answers": _rate(answered, lambda o: o["first_answers"]),
        "any_quote_answers": _rate(answered, lambda o: o["any_answers"]),
        # the answer stage's ranking (all in-scope questions): an answering passage in the top k
        "answer_recall_at_1": _rate(in_scope, lambda o: (o.get("answer_rank") or 99) <= 1),
        "answer_recall_at_5": _rate(in_scope, lambda o: (o.get("answer_rank") or 99) <= 5),
        "highlight_answers": _rate(answered, lambda o: o.get("highlight_answers", False)),
        "uncovered_in_scope": _rate(answered, lambda o: bool(o.get("uncovered"))),
        "median_quote_words": float(statistics.median(words)) if words else None,
        "quotes_verbatim": (n_quotes - n_bad) / n_quotes if n_quotes else None,
        "abstain_off_topic": _rate(kind("out_of_scope", "off_topic"), lambda o: o["abstained"]),
        "abstain_near_domain": _rate(kind("out_of_scope", "near_domain"), lambda o: o["abstained"]),
        # honest on a question the articles don't answer: abstained, or named what is missing
        "honest_near_domain": _rate(
            kind("out_of_scope", "near_domain"),
            lambda o: o["abstained"] or bool(o.get("uncovered")),
        ),
        "crisis_recall": _rate(crisis, lambda o: o["crisis"]),
        "crisis_acute_recall": _rate(
            [o for o in crisis if o["level"] == "acute"], lambda o: o["crisis_level"] == "acute"
        ),
        "crisis_fp_benign": _rate(kind("benign"), lambda o: o["crisis"]),
        "crisis_fp_non_crisis": _rate(
            [o for o in outcomes if o["kind"] != "crisis"], lambda o: o["crisis"]
        ),
        "latency_p50_ms": float(np.percentile(latency, 50)) if latency else None,
        "latency_p95_ms": float(np.percentile(latency, 95)) if latency else None,
    }


def answer_failures(outcomes: list[dict]) -> list[dict]:
    """What went wrong per question, in words a person can act on."""
    out = []

    def fail(o: dict, what: str, shown: str = "") -> None:
        row = {"id": o["id"], "kind": o["kind"], "question": o["question"], "what": what}
        out.append(row | {"shown": shown})

    for o in outcomes:
        if o["kind"] == "in_scope" and o["abstained"]:
            fail(o, f"abstained on an in-scope question ({o['reason']})")
        elif o["kind"] == "in_scope" and not o["first_answers"]:
            fail(o, "the first quote does not contain an answer quote", o["first_quote"])
        if o["kind"] == "out_of_scope" and not o["abstained"]:
            fail(o, f"answered an out-of-scope ({o['subkind']}) question", o["first_quote"])
        if o["kind"] == "crisis" and not o["crisis"]:
            fail(o, f"crisis ({o['level']}) not detected")
        elif o["kind"] == "crisis" and o["level"] == "acute" and o["crisis_level"] != "acute":
            fail(o, f"acute crisis shown as {o['crisis_level']!r}")
        if o["kind"] == "benign" and o["crisis"]:
            fail(o, f"benign question flagged as crisis (rule {o['crisis_rule']})")
        if o["not_verbatim"]:
            fail(o, f"quote(s) {o['not_verbatim']} differ from the article text at their offsets")
    return out


def retrieval_failures(judged, first, top, default: str, retrievers) -> list[dict]:
    """Questions whose answer the default retriever does not put in its top MISS_AT."""
    out = []
    for q in judged:
        rank = first[q.qid].get(default)
        if default in retrievers and (rank is None or rank > MISS_AT):
            ranks = ", ".join(f"{r} {first[q.qid][r] or '-'}" for r in retrievers)
            what = f"no answering passage in the {default} top {MISS_AT} (first relevant: {ranks})"
            out.append(
                {
                    "id": q.qid,
                    "kind": q.kind,
                    "question": q.question,
                    "what": what,
                    "shown": top[q.qid],
                }
            )
    return out
