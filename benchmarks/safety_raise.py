"""May the second reader (faqbot.safety.veto) raise a message nothing gave safety text to the
resources line? A study that decides nothing (thirty-sixth session, candidate R36 in
docs/safety_languages_before.md; its table came from this script).

For the English rows of the opened blind sets neither the heads nor the reader were fitted to
(default EJ..EW) and for the visitor questions (tests/data/questions, the unopened sets left
out), each message is read once by the detector with the raise turned off (raise_bar 0): its
level, the main head's highest P(not none) over its readings (the gate) and the reader's
P(none). Printed per gate and bar: risk messages with no safety text that would be raised,
"none" look-alikes raised, questions raised, and the share of questions the reader would read.

    python benchmarks/safety_raise.py
    python benchmarks/safety_raise.py --sets blind_ej blind_ek --questions 500
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
SETS = tuple(f"blind_{a}" for a in "ej ek el em en eo ep eq er es et eu ev ew".split())
UNOPENED_QUESTIONS = ("author_qk", "author_ql")
GATES = (0.0, 0.1, 0.3, 0.5)
BARS = (0.01, 0.1, 0.3, 0.5)


def questions(limit: int) -> list[str]:
    out = []
    for path in sorted((ROOT / "tests" / "data" / "questions").glob("author_*.jsonl")):
        if path.stem not in UNOPENED_QUESTIONS:
            lines = path.read_text(encoding="utf-8").splitlines()
            out += [json.loads(line)["question"] for line in lines if line.strip()]
    return out[:limit] if limit else out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--questions", type=int, default=0, help="at most this many (0: all)")
    args = parser.parse_args(argv)

    from faqbot.safety import detector_for
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.dataset import UNOPENED, load_rows, split
    from faqbot.settings import SafetySettings

    opened = [name for name in args.sets if name not in UNOPENED]
    rows = load_rows(ROOT / "tests" / "data")
    encoder, _ = training_encoder()
    detector = detector_for(encoder, replace(SafetySettings(), raise_bar=0.0))

    def read(text: str, label: str) -> dict:
        level = detector.assess(text).level
        probs, _, _ = detector.probabilities(text)
        gate = float((1 - probs[:, 0]).max()) if len(probs) else 0.0
        return {"label": label, "level": level, "gate": gate,
                "p_none": detector.veto.p_none([text])[0]}  # fmt: skip

    blind = [read(r.text, r.level) for n in opened for r in split(rows, n) if r.lang == "en"]
    asked = [read(q, "none") for q in questions(args.questions)]
    missed = [r for r in blind if r["label"] != "none" and r["level"] == "none"]
    quiet = [r for r in blind if r["label"] == "none" and r["level"] == "none"]
    quiet_q = [r for r in asked if r["level"] == "none"]
    risk = sum(r["label"] != "none" for r in blind)
    print(f"{', '.join(opened)}: {len(blind)} English rows, {risk} risk, "
          f"{len(missed)} of them with no safety text; {len(asked)} questions")  # fmt: skip
    print("| gate | bar | risk raised | look-alikes raised | questions raised | questions read |")
    print("|---|---|---|---|---|---|")

    def raised(rs, gate, bar):
        return sum(r["gate"] >= gate and r["p_none"] is not None and r["p_none"] < bar for r in rs)

    for gate in GATES:
        read_share = sum(r["gate"] >= gate for r in quiet_q) / max(1, len(quiet_q))
        for bar in BARS:
            cells = [f"{raised(rs, gate, bar)} of {len(rs)}" for rs in (missed, quiet, quiet_q)]
            print(f"| {gate} | {bar} | {' | '.join(cells)} | {read_share:.1%} |")


if __name__ == "__main__":
    main()
