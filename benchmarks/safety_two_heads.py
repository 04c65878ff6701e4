"""How the learned decisions over both crisis heads read messages in other languages, left out.

Twenty-seventh session (candidate H): one logistic regression over the two heads' margins (each
head's most acute reading's P(acute) and P(any tier), minus its own bars) and the rules' level
could raise a message to acute. Twenty-eighth session (candidate I, shipped): a second regression
decides any tier too, and the heads' own bars no longer count for those messages
(docs/safety_languages_before.md). This scores I's fitting procedure (two_heads.fit: both
regressions, bars kept at ACUTE_RECALL and ANY_RECALL on the rows fitted) leave-one-set-out over
the blind sets' messages in es/pt/fr/de/it that the shipped decisions were fitted on, against
the heads' own verdicts (acute: the rules or the main head's bar; any tier: the rules, the main
head's or the other head's bar).

Twenty-ninth session (candidate K): the decisions also read the message's language (one 0/1 per
language) and its whole vector (MiniLM, 384), their bars chosen on probabilities predicted with
each set left out (two_heads.fit's `groups`); scored here the same way, beside I.

Run: python benchmarks/safety_two_heads.py [--cache /tmp/two_heads_k.json]
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


def collect(cache: Path, sets: tuple[str, ...]) -> list[dict]:
    """Every message in es/pt/fr/de/it of the blind sets named: its set, label, the rules'
    level and both heads' margins (SafetyDetector.two_heads_reading)."""
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    from faqbot.safety import SafetyDetector
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.dataset import load_rows
    from faqbot.safety.head import load_head, load_other_head
    from faqbot.safety.two_heads import blind_rows

    encoder, _ = training_encoder()
    head = load_head()
    detector = SafetyDetector(encoder, head, other_head=load_other_head(head.model_id))
    rows = load_rows(ROOT / "tests" / "data")
    out = []
    for name in sets:
        for r in blind_rows(rows, (name,)):
            got = detector.two_heads_reading(r.text)
            out.append({"set": name, "label": r.level, "text": r.text, "rules": got.rules,
                        "main": got.main, "other": got.other, "language": got.language,
                        "vector": None if got.vector is None else got.vector.tolist()})  # fmt: skip
    cache.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def _features(rows: list[dict]) -> np.ndarray:
    return np.array([[*r["main"], *r["other"], r["rules"] == "mention"] for r in rows], float)


def evaluate(rows: list[dict]) -> None:
    from faqbot.safety.two_heads import BLIND_LANGUAGES, VECTOR_C, Reading, fit

    readings = [
        Reading(r["rules"], tuple(r["main"]), tuple(r["other"]), r["language"],
                None if r["vector"] is None else np.array(r["vector"]))
        for r in rows
    ]  # fmt: skip
    dims = next(len(r["vector"]) for r in rows if r["vector"] is not None)
    x = _features(rows)
    labels = np.array([r["label"] for r in rows])
    rules = np.array([r["rules"] for r in rows])
    # the heads' own verdicts: acute from the rules or the main head, any tier from any of them
    own = np.where((rules == "acute") | (x[:, 0] >= 0), "acute",
                   np.where((rules == "mention") | (x[:, 1] >= 0) | (x[:, 3] >= 0), "mention",
                            "none"))  # fmt: skip
    sets = np.array([r["set"] for r in rows])
    i_out, k_out = np.empty(len(rows), dtype=object), np.empty(len(rows), dtype=object)
    for s in sorted(set(sets)):
        train = np.flatnonzero(sets != s)
        these, their = [readings[i] for i in train], list(labels[train])
        two_i = fit(these, their, "loso")
        two_k = fit(these, their, "loso", c=VECTOR_C, languages=BLIND_LANGUAGES,
                    vector_dims=dims, groups=list(sets[train]))  # fmt: skip
        for i in np.flatnonzero(sets == s):
            i_out[i] = "acute" if rules[i] == "acute" else two_i.level(readings[i])[0]
            k_out[i] = "acute" if rules[i] == "acute" else two_k.level(readings[i])[0]
    print(f"{len(rows)} blind messages in es/pt/fr/de/it, {len(set(sets))} sets")
    acute, none = labels == "acute", labels == "none"
    risk = ~none
    for name, got in (
        ("the heads' own bars", own), ("I, leave-one-set-out", i_out),
        ("K, leave-one-set-out", k_out),
    ):  # fmt: skip
        print(f"{name:24s} acute read acute {int((got[acute] == 'acute').sum())}/{int(acute.sum())}"
              f", any tier {int((got[risk] != 'none').sum())}/{int(risk.sum())}"
              f", false alarms {int((got[none] != 'none').sum())}/{int(none.sum())}"
              f", none read acute {int((got[none] == 'acute').sum())}")  # fmt: skip


def main() -> None:
    from faqbot.safety.two_heads import TWO_HEADS_PATH, load_two_heads

    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/two_heads_k.json"))
    # the sets the shipped decision was fitted on (later sets stay out: they judged it)
    evaluate(collect(parser.parse_args().cache, load_two_heads(TWO_HEADS_PATH).sets))


if __name__ == "__main__":
    main()
