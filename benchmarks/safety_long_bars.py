"""Would long posts read better with bars of their own?

A post of seven or more sentences is read by its whole and by every sentence, each against the
head's bars, which were chosen on mostly short messages; its worst reading decides. Long
"none" posts then draw safety text about half the time on the long-post blind sets (AU, AV).
Here the shipped head scores every long post once (whole and worst-sentence P(acute) and
P(acute or mention), the phrase rules' level), and four bars for long posts alone are chosen
from a small grid: most acute then any-tier recall on the training authors' long acute posts
(never fitted: their label is the whole post's), within a budget of false alarms on the long
"none" posts of `as` and `at` (in no split). They are then scored, never chosen on, on the
blind sets' long posts (AJ..AX, and AU/AV apart) and on the kept-out sets' and C's.

Eighteenth session (docs/SAFETY.md): raising only the acute bars to 0.99 takes the acute banner
off 20 of AU/AV's 23 "none" long posts that had it, every acute post keeping safety text, but
5-10 % of acute long posts drop to the resources line; any lower false alarms of the any tier
cost acute posts all safety text (blind long posts 65 -> 61 of 69). Not kept.

Run: PYTHONPATH=benchmarks python benchmarks/safety_long_bars.py [--cache /tmp/long_bars.pkl]
"""

from __future__ import annotations

import argparse
import os
import pickle
from collections import Counter, defaultdict
from itertools import product
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows  # noqa: E402
from faqbot.safety.detector import _SENTENCE, SafetyDetector  # noqa: E402
from faqbot.safety.head import load_head  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402

LONG = 7  # sentences
BLIND = "aj ak al am an aq ar aw ax".split()
OTHER = "c s t ac ad ag ao ap".split()
BUDGETS = (45, 30, 20, 13, 7)  # of the 130 long "none" posts of as/at


def groups_of(rows) -> list[tuple[str, object]]:
    out = []
    for r in rows:
        if len([p for p in _SENTENCE.split(r.text) if p and p.strip()]) < LONG:
            continue
        if r.author in SPLITS["train"] and r.category == "long_post":
            out.append(("train long", r))
        elif r.author in ("as", "at"):
            out.append(("as/at", r))
        elif r.author in ("au", "av"):
            out.append(("AU+AV", r))
        elif r.author in BLIND:
            out.append(("blind AJ..AX", r))
        elif r.author in OTHER:
            out.append(("C and kept-out", r))
    return out


def scores(detector: SafetyDetector, text: str) -> dict:
    """The worst whole and sentence readings' P(acute), P(any tier), and the rules' level."""
    p, _, whole = detector.probabilities(text)
    w = np.array(whole)
    hit = detector.rules.match(forms(text))
    return {"rule": hit.level if hit else "none", "wa": p[w, 2].max(),
            "wn": (p[w, 1] + p[w, 2]).max(), "sa": p[~w, 2].max(),
            "sn": (p[~w, 1] + p[~w, 2]).max()}  # fmt: skip


def level(x: dict, bars: tuple[float, float, float, float]) -> str:
    wa, wn, sa, sn = bars
    if x["rule"] == "acute" or x["wa"] >= wa or x["sa"] >= sa:
        return "acute"
    return "mention" if x["rule"] == "mention" or x["wn"] >= wn or x["sn"] >= sn else "none"


def line(xs: list[dict], bars) -> str:
    c = Counter((x["level"], level(x, bars)) for x in xs)

    def r(label, ok):
        n = sum(v for (a, _), v in c.items() if a == label)
        return f"{sum(v for (a, b), v in c.items() if a == label and ok(b))}/{n}"

    return (f"acute {r('acute', lambda b: b == 'acute')} any {r('acute', lambda b: b != 'none')} "
            f"mention {r('mention', lambda b: b != 'none')} "
            f"none: flagged {r('none', lambda b: b != 'none')} "
            f"acute {r('none', lambda b: b == 'acute')}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="pickle of the scores (made if missing)")
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        scored = pickle.loads(args.cache.read_bytes())
    else:
        encoder, _ = training_encoder()
        detector = SafetyDetector(encoder)
        scored = [{"group": g, "level": r.level, **scores(detector, r.text)}
                  for g, r in groups_of(load_rows(Path("tests/data")))]  # fmt: skip
        if args.cache:
            args.cache.write_bytes(pickle.dumps(scored))
    by = defaultdict(list)
    for x in scored:
        by[x["group"]].append(x)
    head = load_head()
    shipped = (head.acute_threshold, head.any_threshold, head.sentence_acute_threshold,
               head.sentence_any_threshold)  # fmt: skip
    print("shipped bars (whole acute, whole any, sentence acute, sentence any):", shipped)
    for g, xs in by.items():
        print(f"  {g:16s} n={len(xs):4d} {line(xs, shipped)}")
    tuning = by["train long"] + [x for x in by["as/at"] if x["level"] == "none"]
    grid = product((shipped[0], 0.95, 0.98, 0.99), (shipped[1], 0.85, 0.9, 0.95, 0.98),
                   (shipped[2], 0.98, 0.99, 0.995, 0.998),
                   (shipped[3], 0.95, 0.96, 0.97, 0.98, 0.99, 0.995))  # fmt: skip
    tried = []
    for bars in grid:
        levels = [(x["level"], level(x, bars)) for x in tuning]
        flagged = sum(a == "none" and b != "none" for a, b in levels)
        none_acute = sum(a == "none" and b == "acute" for a, b in levels)
        acute = sum(a == "acute" and b == "acute" for a, b in levels)
        any_tier = sum(a == "acute" and b != "none" for a, b in levels)
        tried.append((flagged, none_acute, acute, any_tier, bars))
    for budget in BUDGETS:
        ok = [t for t in tried if t[0] <= budget and t[1] <= max(1, budget // 10)]
        best = max(ok, key=lambda t: (t[3], t[2]))
        print(
            f"as/at long 'none' flagged at most {budget} of 130: "
            f"bars {tuple(round(b, 4) for b in best[4])}"
        )
        for g, xs in by.items():
            print(f"  {g:16s} {line(xs, best[4])}")


if __name__ == "__main__":
    main()
