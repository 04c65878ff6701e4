"""Should the model overrule the phrase rules? Leave-one-author-out over the training authors.

For every training message: the rules' verdict, and the classifier's out-of-fold scores (trained
without the message's author; neighbours from the other authors only). Prints the whole
detector's cross-validated figures when a rule's verdict is lowered one tier where the
out-of-fold P(mention or acute) is under a gate, for a few gates (0: today's detector).

Run: python benchmarks/safety_rule_gate.py [C]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import load_rows, split  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402
from faqbot.safety.train import (  # noqa: E402
    FIT_WHOLE_ONLY,
    Neighbours,
    _levels,
    out_of_fold,
    readings,
    thresholds,
)

LEVELS = ("none", "mention", "acute")


def figures(rows, final):
    def share(level, ok):
        got = [f for r, f in zip(rows, final, strict=True) if r.level == level]
        return sum(ok(f) for f in got) / len(got)

    return (share("acute", lambda f: f == "acute"), share("acute", lambda f: f != "none"),
            share("mention", lambda f: f != "none"), share("none", lambda f: f != "none"),
            share("none", lambda f: f == "acute"))  # fmt: skip


def main() -> None:
    rows = split(load_rows(Path("tests/data")), "train")
    encoder, _ = training_encoder()
    r = readings(rows, encoder)
    c = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0  # the C safety-train chose
    scores = out_of_fold(rows, r, c, 1.0, Neighbours.of(rows, r), 1.0, FIT_WHOLE_ONLY)
    t_acute, t_any, *_ = bars = thresholds(rows, scores)
    model = _levels(scores, bars)
    scores = np.maximum(scores[:, :2], scores[:, 2:])  # whole or a sentence: the gates read it
    rules = load_rules()
    hits = [rules.match(forms(x.text)) for x in rows]
    print(f"{len(rows)} training messages, C {c}, thresholds acute {t_acute:.3f} any {t_any:.3f}")
    print("gate acute-rule | gate mention-rule | acute | any | mention | false alarm | none->acute")
    for g_acute in (0.0, 0.02, 0.05, 0.1, 0.2):
        for g_mention in (0.0, 0.01, 0.02, 0.05):
            final = []
            for hit, m, (_, p_any) in zip(hits, model, scores, strict=True):
                rule = hit.level if hit else "none"
                if rule == "acute" and p_any < g_acute:
                    rule = "mention"
                elif rule == "mention" and p_any < g_mention:
                    rule = "none"
                final.append(max(rule, m, key=LEVELS.index))
            f = figures(rows, final)
            print(f"{g_acute:.2f} | {g_mention:.2f} | " + " | ".join(f"{x:.4f}" for x in f))


if __name__ == "__main__":
    main()
