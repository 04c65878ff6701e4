"""Choose the hybrid fusion by measurement: weights and normalisations, in-sample and by CV.

Scores every dev-set in-scope question against every passage of the built index once (dense:
passage cosine + best sentence cosine, as the bot ranks; lexical: BM25, 0 where no term
matches), then fuses them many ways and prints Recall@1/5 and MRR@10 by the evaluation's
relevance rule (quote overlap). Because the weight is picked on the same questions it is scored
on, the table also gives a 5-fold cross-validated estimate (weight chosen on 4/5, scored on the
held-out 1/5, 20 shuffles): the figure to expect on new questions.

    python benchmarks/sweep_fusion.py
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot import FAQBot  # noqa: E402
from faqbot.bot import project_root  # noqa: E402
from faqbot.eval.data import is_relevant, load_jsonl  # noqa: E402

WEIGHTS = np.round(np.arange(0.5, 0.951, 0.05), 2)


def score_matrices(bot: FAQBot, questions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dense, lexical, relevant), each questions x passages."""
    retriever = bot.retriever
    n = len(retriever.chunks)
    dense, lexical = np.zeros((len(questions), n)), np.zeros((len(questions), n))
    for i, q in enumerate(questions):
        for row, score in retriever.dense(retriever.embed(q.question), n):
            dense[i, row] = score
        for row, score in retriever.lexical(q.question, n):
            lexical[i, row] = score
    relevant = np.array(
        [[is_relevant(c.text, q.answers) for c in retriever.chunks] for q in questions]
    )
    return dense, lexical, relevant


def first_ranks(scores: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, axis=1, kind="stable")
    hits = np.take_along_axis(relevant, order, axis=1)
    return np.where(hits.any(axis=1), hits.argmax(axis=1) + 1, 10**6)


def metrics(ranks: np.ndarray) -> tuple[float, float, float]:
    return (ranks <= 1).mean(), (ranks <= 5).mean(), np.where(ranks <= 10, 1 / ranks, 0).mean()


def z(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Row-wise z-scores; with a mask, statistics over the masked entries and the rest set to
    their lowest z (the old rule for rows BM25 did not list)."""
    mask = np.ones_like(scores, bool) if mask is None else mask
    out = np.zeros_like(scores)
    for i, (row, sel) in enumerate(zip(scores, mask, strict=True)):
        if sel.any():
            zs = (row - row[sel].mean()) / (row[sel].std() or 1.0)
            zs[~sel] = zs[sel].min()
            out[i] = zs
    return out


def minmax(scores: np.ndarray) -> np.ndarray:
    low, high = scores.min(axis=1, keepdims=True), scores.max(axis=1, keepdims=True)
    return (scores - low) / np.where(high > low, high - low, 1.0)


def cross_validated(zd, zl, relevant, repeats=20, folds=5, seed=0) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    ranks = {w: first_ranks(w * zd + (1 - w) * zl, relevant) for w in WEIGHTS}
    results = []
    for _ in range(repeats):
        held = np.zeros(len(relevant))
        for fold in np.array_split(rng.permutation(len(relevant)), folds):
            train = np.setdiff1d(np.arange(len(relevant)), fold)
            best = max(WEIGHTS, key=lambda w: sum(metrics(ranks[w][train])[1:]))  # R@5 + MRR
            held[fold] = ranks[best][fold]
        results.append(metrics(held))
    return tuple(np.mean(results, axis=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=str(project_root() / "tests/data/devset.jsonl"))
    args = parser.parse_args()
    bot = FAQBot.load(log=lambda m: None)
    questions = load_jsonl(args.dataset).of_kind("in_scope")
    dense, lexical, relevant = score_matrices(bot, questions)
    print(f"{len(questions)} in-scope questions, {dense.shape[1]} passages\n")
    print("| ranking | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
    for name, scores in (("dense", dense), ("lexical (BM25)", lexical)):
        print(
            f"| {name} | "
            + " | ".join(f"{m:.3f}" for m in metrics(first_ranks(scores, relevant)))
            + " |"
        )
    zd = z(dense)
    rules = {
        "z-score, BM25 0 where no match (default)": (zd, z(lexical)),
        "z-score, unlisted = lowest listed z (old)": (zd, z(lexical, lexical > 0)),
        "min-max, BM25 0 where no match": (minmax(dense), minmax(lexical)),
    }
    for rule, (zd, zl) in rules.items():
        for w in WEIGHTS:
            m = metrics(first_ranks(w * zd + (1 - w) * zl, relevant))
            print(f"| {rule}, dense weight {w:.2f} | " + " | ".join(f"{x:.3f}" for x in m) + " |")
        cv = cross_validated(zd, zl, relevant)
        print(
            f"| **5-fold CV, weight chosen per fold**, {rule} | "
            + " | ".join(f"{x:.3f}" for x in cv)
            + " |"
        )
    for k in (5, 20, 60):
        fused = sum(
            1 / (k + np.argsort(np.argsort(-s, axis=1, kind="stable"), axis=1) + 1)
            for s in (dense, lexical)
        )
        print(
            f"| RRF k={k} | "
            + " | ".join(f"{x:.3f}" for x in metrics(first_ranks(fused, relevant)))
            + " |"
        )


if __name__ == "__main__":
    main()
