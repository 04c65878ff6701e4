"""Choose `rescue_probability` (data/abstention.json): the bar at which the learned ranker's
best sentence overrules an abstention for low relevance alone.

Chosen on the calibration sets QA..QD (800 questions by four helpers who read only the
articles; never trained on, so the ranker's probabilities on them are out of sample), by the
rule fixed before it was built (docs/eval/ranker_rescue_before.md): the lowest value on the grid
0.50, 0.55, ..., 0.95 at which no near-domain question the relevance bar abstains on is
answered. Held-out F and the blind sets are never read here.

    python benchmarks/calibrate_rescue.py [--write]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
CALIBRATION_FILES = tuple(f"questions/author_{a}.jsonl" for a in ("qa", "qb", "qc", "qd"))
GRID = tuple(round(0.50 + 0.05 * i, 2) for i in range(10))


def abstained_rows(bot, data: Path) -> list[tuple[str, float, str]]:
    """(kind, the ranker's best P, question) for every calibration question the relevance bar
    alone abstains on (no rescue)."""
    from dataclasses import replace

    from faqbot.answer import gather_evidence, rank
    from faqbot.answer.answerability import abstention
    from faqbot.answer.ranker import best_probability
    from faqbot.types import Abstention

    bare = replace(bot.calibration, rescue_probability=None)
    rows = []
    for name in CALIBRATION_FILES:
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            candidates = bot.answer_candidates(d["question"])
            why = abstention(gather_evidence(candidates), bare)
            if why and why[0] is Abstention.LOW_RELEVANCE:
                ranked = rank(candidates, bot.ranker, bot.stats, bot._texts)
                rows.append((d["kind"], best_probability(ranked), d["question"]))
    return rows


def choose(rows: list[tuple[str, float, str]]) -> float:
    """The lowest grid bar that answers no near-domain row."""
    near = [p for kind, p, _ in rows if kind != "in_scope"]
    return next(t for t in GRID if not any(p >= t for p in near))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="save it in data/abstention.json")
    args = parser.parse_args()
    from faqbot import FAQBot

    bot = FAQBot.load()
    rows = abstained_rows(bot, ROOT / "tests" / "data")
    bar = choose(rows)
    in_scope = [r for r in rows if r[0] == "in_scope"]
    near = [r for r in rows if r[0] != "in_scope"]
    for t in GRID:
        rescued_in = sum(p >= t for _, p, _ in in_scope)
        rescued_near = sum(p >= t for _, p, _ in near)
        print(f"bar {t:.2f}: rescues {rescued_in} of {len(in_scope)} in-scope, "
              f"{rescued_near} of {len(near)} near-domain")  # fmt: skip
    print(f"chosen: {bar}")
    if args.write:
        path = ROOT / "src" / "faqbot" / "data" / "abstention.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["rescue_probability"] = bar
        data["rescue_fitted_on"] = (
            f"{', '.join(Path(f).name for f in CALIBRATION_FILES)}: of the questions the "
            f"relevance bar abstains on, {len(in_scope)} in-scope and {len(near)} near-domain; "
            f"the bar answers {sum(p >= bar for _, p, _ in in_scope)} in-scope and 0 near-domain "
            "(benchmarks/calibrate_rescue.py)"
        )
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"Saved {path}")


if __name__ == "__main__":
    main()
