"""How far the crisis head's bars would have to move to cut false alarms on fresh blind sets,
and what acute recall that costs (a study that decides nothing; thirty-third session).

For the English messages of the blind sets named (default: DX, DY and EB..EE, opened after
deciding M4 and M4'), each message's rules level and every reading's class probabilities by
the shipped main head are computed once; the levels are then recomputed with the head's
acute and any-tier bars raised by the same amounts for whole messages and for sentences.
Printed per shift: acute read acute, acute at any tier, mention at mention or above, false
alarms and "none" read acute. Messages in other languages are left out (they also go through
the second head and decision I).

    python benchmarks/safety_fresh_curves.py
    python benchmarks/safety_fresh_curves.py --sets blind_dx blind_dy
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
SETS = ("blind_dx", "blind_dy", "blind_eb", "blind_ec", "blind_ed", "blind_ee")
SHIFTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    args = parser.parse_args(argv)

    from faqbot.safety.commands import training_encoder
    from faqbot.safety.crisis import LEVELS
    from faqbot.safety.dataset import load_rows, split
    from faqbot.safety.detector import SafetyDetector, _probabilities
    from faqbot.safety.normalise import forms

    encoder, _ = training_encoder()
    detector = SafetyDetector(encoder)
    head = detector.head
    labelled = load_rows(ROOT / "tests" / "data")  # read once, not once per set
    rows = [r for name in args.sets for r in split(labelled, name)]
    rows = [r for r in rows if r.lang == "en"]
    read = []
    for r in rows:
        hit = detector.rules.match(forms(r.text))
        shown, normalised, whole = detector.readings(r.text)
        vectors = np.asarray(encoder.encode(shown), dtype=np.float32)
        read.append((r, hit.level if hit else "none", _probabilities(head, vectors, normalised,
                                                                     whole), whole))  # fmt: skip
    print(f"{len(rows)} English messages of {', '.join(args.sets)}\n")
    print("| bars raised by | acute read acute | acute at any tier | mention+ | false alarms "
          "| none read acute |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for shift in SHIFTS:
        moved = replace(
            head, acute_threshold=head.acute_threshold + shift,
            any_threshold=head.any_threshold + shift,
            sentence_acute_threshold=head.sentence_acute_threshold + shift,
            sentence_any_threshold=head.sentence_any_threshold + shift,
        )  # fmt: skip
        got = []
        for r, rules, probs, whole in read:
            model = max(moved.levels(probs, whole), key=LEVELS.index)
            got.append((r.level, max(rules, model, key=LEVELS.index)))
        acute = [g for lbl, g in got if lbl == "acute"]
        mention = [g for lbl, g in got if lbl == "mention"]
        none = [g for lbl, g in got if lbl == "none"]
        print(f"| +{shift:.2f} | {acute.count('acute')}/{len(acute)} | "
              f"{sum(g != 'none' for g in acute)}/{len(acute)} | "
              f"{sum(g != 'none' for g in mention)}/{len(mention)} | "
              f"{sum(g != 'none' for g in none)}/{len(none)} | "
              f"{none.count('acute')}/{len(none)} |")  # fmt: skip


if __name__ == "__main__":
    main()
