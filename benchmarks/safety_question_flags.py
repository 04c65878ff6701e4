"""How often the crisis detector flags plain visitor questions: the blind and held-out question
sets (F, K, M, Q, V; never trained on by the crisis head), counted per tier, the acute ones
printed (a few are about suicide and right to flag; the rest are false alarms to read).

Run: python benchmarks/safety_question_flags.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.detector import SafetyDetector  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SETS = ("f", "k", "m", "q", "v")


def main() -> None:
    detector = SafetyDetector(training_encoder()[0])
    questions = [
        json.loads(line)["question"]
        for name in SETS
        for line in (ROOT / "tests/data/questions" / f"author_{name}.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    levels = [detector.assess(q) for q in questions]
    acute = [(q, a) for q, a in zip(questions, levels, strict=True) if a.level == "acute"]
    flagged = sum(a.level != "none" for a in levels)
    print(f"{len(questions)} questions (sets {', '.join(s.upper() for s in SETS)}): "
          f"any tier {flagged}, acute {len(acute)}")  # fmt: skip
    for q, a in acute:
        print(f"  acute ({a.rule}, P {a.score}): {q[:140]!r}")


if __name__ == "__main__":
    main()
