"""What the crisis check costs per question, beside the answer (issue 12: under 2 ms at p50).

The check and retrieval share one encoding of the question (a remembering encoder), so the
check's own cost is its rules, normalisation and one dot product per reading; a question of
several sentences also has each sentence encoded (one batch), which retrieval does not need.
Printed: p50/p95 of the check with the question's vectors already encoded (as after bot.ask), of
the check encoding them itself, and of a whole new bot.ask (one-sentence questions apart).
Run: python benchmarks/safety_cost.py [--other-languages [--reader-ab]]
(--other-languages: the training messages written in es/pt/fr/de/it instead of the English
dev-set questions; each is read by both crisis heads when the other head is shipped.
--reader-ab: the check on them with and without the second reader for those languages, V4,
in alternating rounds in one process)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def _ms(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    from faqbot import FAQBot

    bot = FAQBot.load()
    if "--other-languages" in sys.argv[1:]:
        from faqbot.safety.dataset import OTHER_LANGUAGES

        folder = ROOT / "tests/data/safety"
        lines = [x for a in OTHER_LANGUAGES
                 for x in (folder / f"author_{a}.jsonl").read_text().splitlines()][::4]  # fmt: skip
        questions = [json.loads(line)["text"] for line in lines]
        print(f"{len(questions)} messages in es/pt/fr/de/it; "
              f"other head: {bot.safety.other_head is not None}")  # fmt: skip
    else:
        lines = (ROOT / "tests/data/questions/author_f.jsonl").read_text().splitlines()
        questions = [json.loads(line)["question"] for line in lines]
    from faqbot.safety.detector import sentences

    if "--reader-ab" in sys.argv[1:]:
        _reader_ab(bot.safety, questions)
        return
    bot.ask(questions[0])  # warm-up
    asks, shared, alone, one, several = [], [], [], [], []
    limits = bot.settings.safety
    for q in questions:
        bot.encoder.forget()  # a new visitor's question: the model runs
        asks += _ms(bot.ask, [q])  # leaves the question's vectors remembered, as in bot.ask
        many = len(sentences(q, limits.max_sentences, limits.whole_words)) > 1
        (several if many else one).append(asks[-1])
        shared += _ms(bot.safety.assess, [q])
        bot.encoder.forget()
        alone += _ms(bot.safety.assess, [q])
    rows = (
        ("check, vectors shared with retrieval", shared),
        ("check, encoding the question itself", alone),
        ("whole bot.ask", asks),
        (f"bot.ask, one sentence ({len(one)})", one),
        (f"bot.ask, several: each read too ({len(several)})", several),
    )
    for name, xs in rows:
        print(
            f"{name:40s} p50 {np.percentile(xs, 50):6.2f} ms   p95 {np.percentile(xs, 95):6.2f} ms"
        )


def _reader_ab(safety, questions: list[str], rounds: int = 3) -> None:
    """The check (encoding each message itself) with the reader for other languages on and off,
    alternating which goes first each round; and how many verdicts came from the heads (the
    messages the reader is asked about)."""
    reader = safety.veto_other
    times: dict[str, list[float]] = {"with the reader (V4)": [], "without it": []}
    for q in questions[:20]:
        safety.assess(q)  # warm-up
    for n in range(rounds):
        order = list(times) if n % 2 == 0 else list(times)[::-1]
        for name in order:
            safety.veto_other = reader if name.startswith("with ") else None
            times[name] += _ms(safety.assess, questions)
    for name, xs in times.items():
        print(f"check, {name:30s} p50 {np.percentile(xs, 50):6.2f} ms   "
              f"p95 {np.percentile(xs, 95):6.2f} ms")  # fmt: skip
    heads = ("model", "model:two_heads", "model:other_languages")
    safety.veto_other = None  # what the heads said, before the reader
    asked = sum(safety.assess(q).rule in heads for q in questions)
    safety.veto_other = reader
    print(f"verdicts from the heads (the reader asked): {asked} of {len(questions)}")


if __name__ == "__main__":
    main()
