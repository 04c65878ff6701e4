"""Warm latency of FAQBot.search and FAQBot.ask beside a bare query encode, in the same run.

Loads the bot once (the index must already be built), warms it up, then cycles through the
dev-set questions. Each round times, per question, `bot.encoder.encode([q])` (the floor: the
model's forward pass with tokenisation), `bot.search(q)` and `bot.ask(q)`, interleaved so
machine noise hits all three alike. search and ask get different questions in each step, and
the bot's remembered question vectors are forgotten before each timed call (untimed): a timed
call always runs the model, as a new visitor's question does. (Until 2026-12-01 they were not:
with 256 remembered texts and 198 questions cycled, a run measured cache hits or misses
depending on how many texts each question added.) Prints p50/p95/p99 per
round, the median over rounds, and the ratio of each to the encode's p50 in the same round.

    python benchmarks/latency.py                 # 3 rounds x 300 questions
    python benchmarks/latency.py --rounds 5 --questions 200
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def load_questions(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def timed_ms(fn, arg) -> float:
    start = time.perf_counter()
    fn(arg)
    return (time.perf_counter() - start) * 1000


def percentiles(samples: list[float]) -> dict[str, float]:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99)}


def floor_encoder(bot):
    """The encoder under the bot's remembering cache: timing the cache would time a lookup."""
    return getattr(bot.encoder, "encoder", bot.encoder)


def forget(bot) -> None:
    """Drop the bot's remembered question vectors, if it keeps any."""
    if hasattr(bot.encoder, "forget"):
        bot.encoder.forget()


def one_round(bot, questions: list[str], n: int, start: int) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {"encode": [], "search": [], "ask": []}
    floor = floor_encoder(bot)
    half = len(questions) // 2
    for i in range(start, start + n):
        q = questions[i % len(questions)]
        other = questions[(i + half) % len(questions)]
        times["encode"].append(timed_ms(lambda t: floor.encode([t]), q))
        forget(bot)
        times["search"].append(timed_ms(bot.search, q))
        forget(bot)
        times["ask"].append(timed_ms(bot.ask, other))
    return {name: percentiles(ts) for name, ts in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=300, help="timed calls per round")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default ./index)")
    args = parser.parse_args()

    from faqbot import FAQBot

    t0 = time.perf_counter()
    bot = FAQBot.load(index_dir=args.index, rebuild=False)
    questions = load_questions(args.devset)
    for q in questions[: args.warmup]:
        bot.ask(q)
        bot.search(q)
        floor_encoder(bot).encode([q])
    manifest = bot.index.manifest
    print(
        f"load + warm-up {time.perf_counter() - t0:.1f} s; "
        f"encoder {type(floor_encoder(bot)).__name__}; "
        f"{manifest['n_chunks']} passages, {manifest['index_type']} index; "
        f"{len(questions)} dev-set questions cycled, {args.questions} per round"
    )
    print(
        "\n| round | encode p50/p95/p99 ms | search p50/p95/p99 ms | ask p50/p95/p99 ms "
        "| search/encode p50 | ask/encode p50 |"
    )
    print("|---|---|---|---|---|---|")
    rows = []
    gc.collect()
    for r in range(args.rounds):
        row = one_round(bot, questions, args.questions, start=r * args.questions)
        rows.append(row)
        print(_row(str(r + 1), row))
    median = {
        name: {p: statistics.median(row[name][p] for row in rows) for p in ("p50", "p95", "p99")}
        for name in ("encode", "search", "ask")
    }
    ratios = {
        name: statistics.median(row[name]["p50"] / row["encode"]["p50"] for row in rows)
        for name in ("search", "ask")
    }
    print(_row("median", median, ratios))


def _row(label: str, row: dict, ratios: dict | None = None) -> str:
    ratios = ratios or {n: row[n]["p50"] / row["encode"]["p50"] for n in ("search", "ask")}
    cells = [
        "/".join(f"{row[name][p]:.1f}" for p in ("p50", "p95", "p99"))
        for name in ("encode", "search", "ask")
    ]
    return f"| {label} | {' | '.join(cells)} | {ratios['search']:.2f} | {ratios['ask']:.2f} |"


if __name__ == "__main__":
    main()
