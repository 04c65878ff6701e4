"""Choose the abstention thresholds on the dev set and write src/faqbot/data/abstention.json.

In-scope rows should be answered, out-of-scope rows abstained. Two thresholds are searched on a
grid: `min_relevance` (abstain below it) and `rare_term_relevance` (a stricter bar when the
question has uncommon words no article uses). Among pairs that answer at least --min-answered of
in-scope rows and abstain on every off-topic row, the one abstaining on the most near-domain rows
wins (ties: the lowest thresholds). 5-fold cross-validation of the same procedure is printed too,
so the figures are not only in-sample.

    python benchmarks/calibrate_abstention.py [--dataset tests/data/devset.jsonl] [--write]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from faqbot import FAQBot

ROOT = Path(__file__).resolve().parents[1]
GRID = np.round(np.arange(0.10, 0.80, 0.005), 3)


def rates(rel, rare, kinds, t1, t2) -> dict:
    answered = (rel >= t1) & ~(rare & (rel < t2))
    return {
        "answered_in_scope": float(answered[kinds == "in_scope"].mean()),
        "abstained_off_topic": float((~answered[kinds == "off_topic"]).mean()),
        "abstained_near_domain": float((~answered[kinds == "near_domain"]).mean()),
    }


def choose(rel, rare, kinds, min_answered: float) -> tuple[float, float]:
    best, best_key = (float(GRID[0]), float(GRID[0])), None
    for t1 in GRID:
        for t2 in GRID[GRID >= t1]:
            r = rates(rel, rare, kinds, t1, t2)
            if r["answered_in_scope"] < min_answered:
                continue
            key = (r["abstained_off_topic"], r["abstained_near_domain"], -t1, -t2)
            if best_key is None or key > best_key:
                best, best_key = (float(t1), float(t2)), key
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    parser.add_argument("--min-answered", type=float, default=0.97)
    parser.add_argument("--write", action="store_true", help="write the packaged abstention.json")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.dataset.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["kind"] in ("in_scope", "out_of_scope")]
    kinds = np.array([r.get("subkind", "in_scope") for r in rows])
    bot = FAQBot.load()
    evidence = [bot.candidates(r["question"])[1] for r in rows]
    rel = np.array([e.relevance for e in evidence])
    rare = np.array([bool(e.rare_unknown) for e in evidence])

    folds = np.arange(len(rows)) % 5
    np.random.default_rng(0).shuffle(folds)
    answered = np.zeros(len(rows), dtype=bool)
    for k in range(5):
        train, test = folds != k, folds == k
        t1, t2 = choose(rel[train], rare[train], kinds[train], args.min_answered)
        answered[test] = (rel[test] >= t1) & ~(rare[test] & (rel[test] < t2))
    cv = {
        "answered_in_scope": float(answered[kinds == "in_scope"].mean()),
        "abstained_off_topic": float((~answered[kinds == "off_topic"]).mean()),
        "abstained_near_domain": float((~answered[kinds == "near_domain"]).mean()),
    }
    t1, t2 = choose(rel, rare, kinds, args.min_answered)
    result = {
        "min_relevance": t1,
        "rare_term_relevance": t2,
        "fitted_on": f"{args.dataset.name}: {int((kinds == 'in_scope').sum())} in-scope, "
        f"{int((kinds == 'off_topic').sum())} off-topic, {int((kinds == 'near_domain').sum())} "
        "near-domain",
        "in_sample": rates(rel, rare, kinds, t1, t2),
        "cross_validated_5fold": cv,
    }
    print(json.dumps(result, indent=2))
    for r, value, is_rare in sorted(zip(rows, rel, rare, strict=True), key=lambda t: t[1]):
        ok = (value >= t1) and not (is_rare and value < t2)
        if ok != (r["kind"] == "in_scope"):
            print(f"  {'answered ' if ok else 'abstained'} rel={value:.3f} rare={is_rare!s:5} "
                  f"{r.get('subkind', 'in_scope'):11} {r['question'][:70]}")
    if args.write:
        target = ROOT / "src/faqbot/data/abstention.json"
        target.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
