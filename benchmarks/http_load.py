"""Answers per second and latency through the app's HTTP API, at several concurrency levels.

Starts `python app.py` on a free 127.0.0.1 port (or uses --url), then for each level runs that
many client threads, each with its own plain httpx client, asking dev-set questions in a loop
(POST /gradio_api/call/ask, then GET the event stream; see benchmarks/http_api.py). A level stops
at --max-requests answers or --seconds, whichever comes first; every failed or errored call is
counted. Latency is from the POST to the `complete` event. The clients share the server's two
cores, so the figures are a floor on what a separate client machine would see.

With --gradio-client, also times sequential calls through gradio_client beside plain HTTP, to
show that client's own overhead.

    python benchmarks/http_load.py                          # levels 1, 10, 50; <= 30 s each
    python benchmarks/http_load.py --levels 1,50 --seconds 20 --gradio-client
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from http_api import HOST, AskError, ask, free_port, start_app, stop_app, wait_for_answer

ROOT = Path(__file__).resolve().parents[1]


def load_questions(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def run_level(base: str, questions: list[str], clients: int, max_requests: int, seconds: float):
    """Latencies (ms) of successful answers, the error messages, and the wall time (s)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = iter(range(max_requests))
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client() as http:
            for n in issued:  # a shared counter: the level's budget, not each client's
                if time.perf_counter() >= deadline:
                    return
                question = questions[(offset + n) % len(questions)]
                start = time.perf_counter()
                try:
                    ask(http, base, question)
                    with lock:
                        latencies.append((time.perf_counter() - start) * 1000)
                except (httpx.HTTPError, AskError, KeyError, ValueError) as why:
                    with lock:
                        errors.append(f"{type(why).__name__}: {str(why)[:120]}")

    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - start


def gradio_client_overhead(base: str, questions: list[str], n: int) -> tuple[float, float]:
    """Median ms per sequential ask: plain httpx, then gradio_client, same questions."""
    from gradio_client import Client

    with httpx.Client() as http:
        plain = []
        for q in questions[:n]:
            start = time.perf_counter()
            ask(http, base, q)
            plain.append((time.perf_counter() - start) * 1000)
    gc = Client(base + "/", verbose=False)
    wrapped = []
    for q in questions[:n]:
        start = time.perf_counter()
        gc.predict(q, api_name="/ask")
        wrapped.append((time.perf_counter() - start) * 1000)
    return statistics.median(plain), statistics.median(wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients per level")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per level")
    parser.add_argument("--max-requests", type=int, default=500, help="answers per level")
    parser.add_argument("--url", help="an app already running (default: start app.py)")
    parser.add_argument("--gradio-client", action="store_true")
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    args = parser.parse_args()
    questions = load_questions(args.devset)

    proc = None
    base = args.url
    if base is None:
        port = free_port()
        base = f"http://{HOST}:{port}"
        proc = start_app(port)
    try:
        start = time.perf_counter()
        wait_for_answer(proc, base, questions[0]) if proc else None
        print(f"app at {base} answering after {time.perf_counter() - start:.1f} s")
        run_level(base, questions, 2, 20, 10)  # warm-up: server, client pools, page cache
        print("\n| clients | answers | errors | wall s | answers/s | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|---|---|---|")
        for clients in map(int, args.levels.split(",")):
            lat, errors, wall = run_level(base, questions, clients, args.max_requests, args.seconds)
            p50, p95, p99 = np.percentile(lat, [50, 95, 99]) if lat else (float("nan"),) * 3
            print(
                f"| {clients} | {len(lat)} | {len(errors)} | {wall:.1f} | {len(lat) / wall:.1f} "
                f"| {p50:.0f} | {p95:.0f} | {p99:.0f} |"
            )
            for message in sorted(set(errors))[:5]:
                print(f"    error: {message}")
        if args.gradio_client:
            plain, wrapped = gradio_client_overhead(base, questions, 30)
            print(
                f"\nsequential ask, median of 30: plain httpx {plain:.0f} ms, gradio_client "
                f"{wrapped:.0f} ms (+{wrapped - plain:.0f} ms client overhead)"
            )
    finally:
        if proc:
            stop_app(proc)


if __name__ == "__main__":
    main()
