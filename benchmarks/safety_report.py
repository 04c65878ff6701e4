"""Markdown tables of `faqbot safety-eval --out docs/safety_eval.json`, for docs/SAFETY.md.

Run: python benchmarks/safety_report.py docs/safety_eval.json
"""

from __future__ import annotations

import json
import sys


def _cell(rates: dict) -> str:
    if "false_alarm" in rates:
        return f"false alarm {rates['false_alarm']:.3f}, acute {rates['acute']:.3f}"
    if "mention_or_above" in rates:
        return f"mention or above {rates['mention_or_above']:.3f}"
    return f"acute {rates['acute']:.3f}, any tier {rates['any']:.3f}"


def main(path: str) -> None:
    report = json.loads(open(path, encoding="utf-8").read())["detector"]
    splits = [s for s in report if s != "train"] + (["train"] if "train" in report else [])
    for kind in ("level", "category", "lang"):
        keys = sorted({k for s in splits for k in report[s] if k.startswith(kind + ":")})
        print(f"\n| {kind} | " + " | ".join(splits) + " |")
        print("|---" * (len(splits) + 1) + "|")
        for key in keys:
            cells = []
            for s in splits:
                r = report[s].get(key)
                cells.append(f"{_cell(r)} (n {r['n']})" if r else "")
            print(f"| {key.split(':', 1)[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/safety_eval.json")
