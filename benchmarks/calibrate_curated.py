"""Choose the cosine at which a visitor's question is answered from a staff-taught one
(AnswerSettings.curated_cosine), on the labelled question sets.

Every labelled question (tests/data/devset.jsonl and tests/data/questions/*.jsonl, in-scope and
out-of-scope rows) plays a taught question once; each other question plays a visitor whose
nearest taught question (by the same vectors the bot uses: the visitor's typo-corrected query
vector, the taught question's encoding) is served when their cosine reaches the threshold. A
served match is right when both are in-scope and share an answer sentence, or both are
out-of-scope (the taught "not in the articles" makes the bot abstain, as it should); it is wrong
otherwise. "Share an answer" is the evaluation's relevance rule (faqbot.eval.data.is_relevant):
one of the taught question's answer quotes matches one of the visitor's. The authors chose their
quotes independently, so a strict "same string" rule counts many true paraphrases as wrong
(printed too, for comparison).

Sweeping the threshold gives the share of visitors served from a taught question and the share of
those served rightly; the threshold is the lowest at which at least --precision of the served
matches are right, pooled over all sets: well above how often the bot's own first quote answers
(0.75 on held-out set F), since a taught answer goes first.

    python benchmarks/calibrate_curated.py [--precision 0.90]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from faqbot import FAQBot
from faqbot.eval.data import is_relevant

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "dev": ROOT / "tests/data/devset.jsonl",
    "E": ROOT / "tests/data/questions/author_e.jsonl",
    "F": ROOT / "tests/data/questions/author_f.jsonl",
}
GRID = np.round(np.arange(0.60, 0.99, 0.01), 2)


def rows() -> list[dict]:
    out = []
    for name, path in SETS.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row["kind"] in ("in_scope", "out_of_scope", "near_domain"):
                scope = row["kind"] == "in_scope"
                answers = [" ".join(a.split()) for a in row.get("answers", [])]
                out.append({"set": name, "q": row["question"], "in": scope, "answers": answers})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--precision", type=float, default=0.90)
    parser.add_argument("--show", type=float, default=0.90, help="list the wrong matches from here")
    args = parser.parse_args()
    bot = FAQBot.load()
    data = rows()
    taught = bot.encoder.encode([r["q"] for r in data])
    visitor = np.stack([bot.candidates(r["q"]).query for r in data])
    cos = visitor @ taught.T
    same_text = np.array([[a["q"] == b["q"] for b in data] for a in data])
    cos[same_text] = -1  # a visitor never meets their own question
    both_out = np.array([[not a["in"] and not b["in"] for b in data] for a in data])
    strict = both_out | np.array(
        [
            [a["in"] and b["in"] and bool(set(a["answers"]) & set(b["answers"])) for b in data]
            for a in data
        ]
    )
    right = both_out.copy()
    for i, a in enumerate(data):
        for j in np.flatnonzero(cos[i] >= GRID[0]):
            b = data[j]
            right[i, j] |= (
                a["in"] and b["in"] and any(is_relevant(x, a["answers"]) for x in b["answers"])
            )
    sets = np.array([r["set"] for r in data])
    print(f"{len(data)} questions; nearest taught question among all the others\n")
    head = " | ".join(f"{s}: served, right" for s in SETS)
    print(f"threshold | {head} | all: served, right, right by exact quote")
    nearest, best = cos.argmax(axis=1), cos.max(axis=1)
    ok, ok_strict = right[np.arange(len(data)), nearest], strict[np.arange(len(data)), nearest]
    pooled = {}
    for t in GRID:
        cells = []
        for s in [*SETS, None]:
            served = (best >= t) & (sets == s if s else True)
            precision = ok[served].mean() if served.any() else 1.0
            share = served.sum() / ((sets == s).sum() if s else len(data))
            cells.append(f"{share:.3f}, {precision:.3f}")
        pooled[float(t)] = precision
        exact = ok_strict[best >= t].mean() if (best >= t).any() else 1.0
        print(f"{t:.2f} | " + " | ".join(cells) + f", {exact:.3f}")
    chosen = min((t for t, p in pooled.items() if p >= args.precision), default=None)
    print(f"\nlowest threshold with precision >= {args.precision}: {chosen}")
    show = args.show if chosen is None else chosen
    print(
        f"\nwrong matches served at {show} (visitor [set, scope] <- taught [set, scope], cosine):"
    )
    for i in np.flatnonzero((best >= show) & ~ok):
        j, scope = nearest[i], {True: "in", False: "out"}
        a, b = data[i], data[j]
        print(
            f"  {a['q'][:60]!r} [{a['set']}, {scope[a['in']]}] <- {b['q'][:60]!r} "
            f"[{b['set']}, {scope[b['in']]}] {best[i]:.3f}"
        )
    print(f"the bot's setting: {bot.settings.answer.curated_cosine}")


if __name__ == "__main__":
    main()
