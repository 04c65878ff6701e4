"""Evaluation metrics: retrieval scores with paired significance tests, and answer/safety rates."""

from __future__ import annotations

import statistics
import warnings

import numpy as np

REPORTED_KS = (1, 3, 5, 10)
MAX_P = 0.05  # a difference is called significant below this p-value
PERMUTATIONS = 10_000  # Fisher randomisation test: resamples, seeded, so p-values repeat
MISS_AT = 5  # a question whose answer is not in the default's top 5 is listed as a failure


def metric_labels(k: int, recall: str = "hit_rate") -> dict[str, str]:
    """metric name -> report label, for the cut-offs reported at depth k."""
    ks = sorted({i for i in REPORTED_KS if i <= k} | {k})
    return {f"{recall}@{i}": f"Recall@{i}" for i in ks} | {
        f"mrr@{k}": f"MRR@{k}",
        f"ndcg@{k}": f"nDCG@{k}",
    }


def _per_question(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], k: int, recall: str
) -> dict[str, np.ndarray]:
    """Per question (in `qrels`' order), hit rate or recall at 1..k, MRR@k and nDCG@k (gain =
    grade, discount log2(rank + 1): Jarvelin and Kekalainen's nDCG). A question the run lacks
    scores 0; ties in a run's scores keep the run's order."""
    out = {f"{recall}@{i}": np.zeros(len(qrels)) for i in range(1, k + 1)}
    out[f"mrr@{k}"] = np.zeros(len(qrels))
    out[f"ndcg@{k}"] = np.zeros(len(qrels))
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    for n, (qid, grades) in enumerate(qrels.items()):
        relevant = {doc: g for doc, g in grades.items() if g > 0}
        scores = run.get(qid, {})
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        gains = np.array([relevant.get(doc, 0) for doc in ranked] + [0] * (k - len(ranked)))
        hits = np.cumsum(gains > 0)
        for i in range(1, k + 1):
            if recall == "hit_rate":
                out[f"{recall}@{i}"][n] = float(hits[i - 1] > 0)
            else:
                out[f"{recall}@{i}"][n] = hits[i - 1] / len(relevant) if relevant else 0.0
        first = np.flatnonzero(gains > 0)
        out[f"mrr@{k}"][n] = 1.0 / (first[0] + 1) if len(first) else 0.0
        ideal = np.sort(np.array(list(relevant.values()), dtype=float))[::-1][:k]
        best = float((ideal * discount[: len(ideal)]).sum())
        out[f"ndcg@{k}"][n] = float((gains * discount).sum()) / best if best else 0.0
    return out


def _p_value(control: np.ndarray, treatment: np.ndarray, stat_test: str) -> float:
    """Two-sided paired p-value: Fisher's randomisation test (each question's two scores swapped
    at random, PERMUTATIONS times, seeded) or Student's paired t-test."""
    if stat_test == "student":
        from scipy.stats import ttest_rel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # identical scores: no variance, p is nan
            p = ttest_rel(control, treatment).pvalue
        return 1.0 if np.isnan(p) else float(p)
    if stat_test != "fisher":
        raise ValueError(f'Unknown stat_test {stat_test!r}: use "fisher" or "student".')
    from scipy.stats import permutation_test

    def mean_difference(a, b, axis):
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    result = permutation_test(
        (control, treatment), mean_difference, permutation_type="samples", vectorized=True,
        n_resamples=PERMUTATIONS, alternative="two-sided", random_state=42,
    )  # fmt: skip
    return float(result.pvalue)


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
        stat_test: "fisher" (randomisation, scipy's permutation_test) or "student" (paired
            t-test). Numpy and scipy compute all of it: ranx, used before, compiled its numba
            code on first use, two minutes on a fresh install (twenty-first session).
    """
    if recall not in ("hit_rate", "recall"):
        raise ValueError(f'Unknown recall {recall!r}: use "hit_rate" or "recall".')
    labels = metric_labels(k, recall)
    per = {name: _per_question(qrels, run, k, recall) for name, run in runs.items()}
    scores = {n: {lab: float(per[n][m].mean()) for m, lab in labels.items()} for n in runs}
    curves = {n: [float(per[n][f"{recall}@{i}"].mean()) for i in range(1, k + 1)] for n in runs}
    significance = {}
    for alt in runs:
        if alt == default or default not in runs:
            continue
        significance[alt] = {}
        for m, lab in labels.items():
            ours, theirs = per[default][m], per[alt][m]
            p = _p_value(ours, theirs, stat_test)
            significance[alt][lab] = {
                "p_value": p,
                "significant": p < MAX_P,
                "wins": int((ours > theirs).sum()),  # questions where the default scores higher
                "ties": int((ours == theirs).sum()),
                "losses": int((ours < theirs).sum()),
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
