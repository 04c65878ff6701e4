"""What the crisis check costs per question, beside the answer (issue 12: under 2 ms at p50).

The check and retrieval share one encoding of the question (a remembering encoder), so the
check's own cost is its rules, normalisation and one dot product per sentence. Printed: p50/p95
of the check with the question's vector already encoded (as in bot.ask, where retrieval needs
it anyway), of the check encoding it itself, and of a whole bot.ask.
Run: python benchmarks/safety_cost.py
"""

from __future__ import annotations

import json
import os
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
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "tests/data/questions/author_f.jsonl").read_text().splitlines()]  # fmt: skip
    bot.ask(questions[0])  # warm-up
    asks = _ms(bot.ask, questions)  # also leaves every question's vector remembered
    shared = _ms(bot.safety.assess, questions)
    bot.encoder._vectors.clear()
    alone = []
    for q in questions:
        bot.encoder._vectors.clear()
        alone += _ms(bot.safety.assess, [q])
    for name, xs in (("check, vector shared with retrieval", shared),
                     ("check, encoding the question itself", alone), ("whole bot.ask", asks)):  # fmt: skip
        print(
            f"{name:40s} p50 {np.percentile(xs, 50):6.2f} ms   p95 {np.percentile(xs, 95):6.2f} ms"
        )


if __name__ == "__main__":
    main()
