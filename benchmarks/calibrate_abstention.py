"""Choose the abstention thresholds on the training questions and write
src/faqbot/data/abstention.json.

The training questions are the dev set and the blind sets that train the answer stage
(faqbot.answer.train.TRAIN_FILES); the held-out set (author_f.jsonl) is never read.

In-scope rows should be answered, out-of-scope rows abstained. Three thresholds are searched on a
grid: `min_relevance` (abstain below it), `rare_term_relevance` (a stricter bar when the
question has uncommon words no article uses) and `covered_relevance` (a lower bar when the best
passage holds every content word of the question: terse questions like "cost?" embed weakly).
Among triples that answer at least --min-answered of in-scope rows and abstain on every off-topic
row, the one abstaining on the most near-domain rows wins; ties go to the most in-scope rows
answered, then the lowest min_relevance and rare_term_relevance; of the covered_relevance values
still tied, the middle one. 5-fold cross-validation of the same procedure is
printed too, so the figures are not only in-sample.

    python benchmarks/calibrate_abstention.py [--dataset FILE ...] [--write]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from faqbot import FAQBot
from faqbot.answer import gather_evidence
from faqbot.answer.train import TRAIN_FILES

ROOT = Path(__file__).resolve().parents[1]
GRID = np.round(np.arange(0.10, 0.80, 0.005), 3)
COVERED_GRID = np.round(np.arange(0.0, 0.30, 0.025), 3)


def answers(rel, rare, covered, t1, t2, t3) -> np.ndarray:
    """Which rows are answered: the same rule as faqbot.answer.answerability.abstention."""
    return ((rel >= t1) | (covered & (rel >= t3))) & ~(rare & (rel < t2))


def rates(rel, rare, covered, kinds, t1, t2, t3) -> dict:
    answered = answers(rel, rare, covered, t1, t2, t3)
    return {
        "answered_in_scope": float(answered[kinds == "in_scope"].mean()),
        "abstained_off_topic": float((~answered[kinds == "off_topic"]).mean()),
        "abstained_near_domain": float((~answered[kinds == "near_domain"]).mean()),
    }


def choose(rel, rare, covered, kinds, min_answered: float) -> tuple[float, float, float]:
    """The best (min_relevance, rare_term_relevance, covered_relevance).

    covered_relevance is rarely pinned down by the data (few terse questions): of the values that
    tie for the best result, the middle one is taken, as far as the data allow from both the
    in-scope rows it must rescue and the out-of-scope rows it must not."""
    scored = {}
    for t3 in COVERED_GRID:
        for t1 in GRID[GRID >= t3]:
            for t2 in GRID[GRID >= t1]:
                r = rates(rel, rare, covered, kinds, t1, t2, t3)
                if r["answered_in_scope"] >= min_answered:
                    key = (
                        r["abstained_off_topic"],
                        r["abstained_near_domain"],
                        r["answered_in_scope"],
                        -t1,
                        -t2,
                    )
                    scored[float(t1), float(t2), float(t3)] = key
    if not scored:
        return float(GRID[0]), float(GRID[0]), float(COVERED_GRID[0])
    best = max(scored.values())
    tied = sorted(t for t, key in scored.items() if key == best)
    return tied[len(tied) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", type=Path, nargs="+", default=[ROOT / "tests/data" / f for f in TRAIN_FILES]
    )
    parser.add_argument("--min-answered", type=float, default=0.97)
    parser.add_argument("--write", action="store_true", help="write the packaged abstention.json")
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.dataset
            for line in path.read_text().splitlines() if line.strip()]  # fmt: skip
    rows = [r for r in rows if r["kind"] in ("in_scope", "out_of_scope", "near_domain")]
    # the blind sets write kind "near_domain"; the dev set kind "out_of_scope" with a subkind
    kinds = np.array([r.get("subkind") or r["kind"] for r in rows])
    bot = FAQBot.load()
    evidence = [gather_evidence(bot.candidates(r["question"])) for r in rows]
    rel = np.array([e.relevance for e in evidence])
    rare = np.array([bool(e.rare_unknown) for e in evidence])
    covered = np.array([e.covered for e in evidence])

    folds = np.arange(len(rows)) % 5
    np.random.default_rng(0).shuffle(folds)
    answered = np.zeros(len(rows), dtype=bool)
    for k in range(5):
        train, test = folds != k, folds == k
        t = choose(rel[train], rare[train], covered[train], kinds[train], args.min_answered)
        answered[test] = answers(rel[test], rare[test], covered[test], *t)
    cv = {
        "answered_in_scope": float(answered[kinds == "in_scope"].mean()),
        "abstained_off_topic": float((~answered[kinds == "off_topic"]).mean()),
        "abstained_near_domain": float((~answered[kinds == "near_domain"]).mean()),
    }
    t1, t2, t3 = choose(rel, rare, covered, kinds, args.min_answered)
    result = {
        "min_relevance": t1,
        "rare_term_relevance": t2,
        "covered_relevance": t3,
        "fitted_on": f"{', '.join(p.name for p in args.dataset)}: "
        f"{int((kinds == 'in_scope').sum())} in-scope, "
        f"{int((kinds == 'off_topic').sum())} off-topic, {int((kinds == 'near_domain').sum())} "
        "near-domain",
        "in_sample": rates(rel, rare, covered, kinds, t1, t2, t3),
        "cross_validated_5fold": cv,
    }
    print(json.dumps(result, indent=2))
    final = answers(rel, rare, covered, t1, t2, t3)
    for i in np.argsort(rel):
        r, value, is_rare, ok = rows[i], rel[i], rare[i], final[i]
        if ok != (r["kind"] == "in_scope"):
            print(
                f"  {'answered ' if ok else 'abstained'} rel={value:.3f} rare={is_rare!s:5} "
                f"covered={covered[i]!s:5} "
                f"{r.get('subkind', 'in_scope'):11} {r['question'][:70]}"
            )
    if args.write:
        target = ROOT / "src/faqbot/data/abstention.json"
        target.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
