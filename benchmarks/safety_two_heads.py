"""Could a learned decision over both crisis heads read more acute messages in other languages?

The twenty-seventh session ships the second head (head_other.npz) for messages not in English,
capped at the mention tier (docs/safety_languages_before.md, candidate G′): its acute readings
alone found risk the main head missed but also read "none" messages acute. This asks, on the
blind sets' messages in es/pt/fr/de/it (all of them already read for some decision, so this
guides the next candidate and decides nothing), whether a logistic regression over the two
heads' margins (each head's most acute reading's P(acute) and P(any tier), minus its own bars)
and the rules' level finds more acute messages than G′ at no more "none" messages read acute.

Leave-one-set-out: the regression and its bar are fitted on the other sets; the bar is the
lowest at which, on those sets, no more "none" messages are read acute than by G′. Printed:
pooled out-of-fold acute recall and "none" read acute, G′ against the stacker.

Run: python benchmarks/safety_two_heads.py [--cache /tmp/two_heads.json]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("none", "mention", "acute")


def _margins(detector, head, text: str) -> tuple[float, float]:
    """A head's most acute reading: P(acute) and P(any tier) minus its bars (-1 when no reading)."""
    from faqbot.safety.detector import _probabilities
    from faqbot.safety.head import _or

    shown, normalised, whole = detector.readings(text)
    if not shown:
        return -1.0, -1.0
    vectors = np.asarray(detector.encoder.encode(shown), dtype=np.float32)
    probs = _probabilities(head, vectors, normalised, whole)
    acute, any_tier = -1.0, -1.0
    for p, w in zip(probs, whole, strict=True):
        bar_a = head.acute_threshold if w else _or(head.sentence_acute_threshold,
                                                   head.acute_threshold)  # fmt: skip
        bar_m = head.any_threshold if w else _or(head.sentence_any_threshold, head.any_threshold)
        acute = max(acute, float(p[2] - bar_a))
        any_tier = max(any_tier, float(p[1] + p[2] - bar_m))
    return acute, any_tier


def collect(cache: Path) -> list[dict]:
    """Every blind message in another language than English: its set, label, the rules' level
    and both heads' margins."""
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    from faqbot.safety import SafetyDetector
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.dataset import SPLITS, load_rows, split
    from faqbot.safety.head import load_head, load_other_head

    encoder, _ = training_encoder()
    head = load_head()
    other = load_other_head(head.model_id)
    detector = SafetyDetector(encoder, head, other_head=other)
    rules_only = SafetyDetector()
    rows = load_rows(ROOT / "tests" / "data")
    out = []
    for name in (n for n in SPLITS if n.startswith("blind_")):
        for r in split(rows, name):
            if r.lang in ("es", "pt", "fr", "de", "it"):
                out.append({"set": name, "label": r.level, "text": r.text,
                            "rules": rules_only.assess(r.text).level,
                            "main": _margins(detector, head, r.text),
                            "other": _margins(detector, other, r.text)})  # fmt: skip
    cache.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def _features(rows: list[dict]) -> np.ndarray:
    return np.array([[*r["main"], *r["other"], r["rules"] == "mention"] for r in rows], float)


def evaluate(rows: list[dict]) -> None:
    from sklearn.linear_model import LogisticRegression

    x = _features(rows)
    y = np.array([r["label"] == "acute" for r in rows])
    none = np.array([r["label"] == "none" for r in rows])
    rules_acute = np.array([r["rules"] == "acute" for r in rows])
    g_prime = rules_acute | (x[:, 0] >= 0)  # G′: acute only from the rules or the main head
    sets = np.array([r["set"] for r in rows])
    stacked = np.zeros(len(rows), bool)
    for s in sorted(set(sets)):
        test, train = sets == s, sets != s
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x[train], y[train])
        p = model.predict_proba(x)[:, 1]
        allowed = int((g_prime & none & train).sum())
        # the lowest bar that reads no more training "none" messages acute than G′ does
        tried = np.sort(p[train & none & ~rules_acute])[::-1]
        bar = 1.0 if allowed >= len(tried) else float(tried[allowed]) + 1e-9
        while int(((rules_acute | (p >= bar)) & none & train).sum()) > allowed:
            bar += 1e-6
        stacked[test] = rules_acute[test] | (p[test] >= bar)
    print(f"{len(rows)} blind messages in es/pt/fr/de/it, {len(set(sets))} sets, "
          f"{int(y.sum())} acute, {int(none.sum())} none")  # fmt: skip
    mention = np.array([r["label"] == "mention" for r in rows])
    # the twenty-seventh session's ten sets
    newer = np.isin(sets, [f"blind_{a}" for a in "bx by bz ca cb cc cd ce cf cg".split()])
    for part, keep in (("all sets", np.ones(len(rows), bool)), ("BX..CG", newer)):
        print(f"-- {part}")
        for name, got in (("G' (shipped)", g_prime), ("stacker, leave-one-set-out", stacked)):
            got = got & keep
            print(f"{name:28s} acute read acute {int((got & y).sum())}/{int((y & keep).sum())}, "
                  f"none read acute {int((got & none).sum())}/{int((none & keep).sum())}, "
                  f"mention read acute {int((got & mention).sum())}/"
                  f"{int((mention & keep).sum())}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/two_heads.json"))
    evaluate(collect(parser.parse_args().cache))


if __name__ == "__main__":
    main()
