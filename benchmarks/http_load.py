"""Answers per second and latency through the app's HTTP API, at several concurrency levels.

Starts `python app.py` on a free 127.0.0.1 port (or uses --url), then for each level runs that
many clients at once, each with its own connection (an httpx.AsyncClient; all in one asyncio
loop, so the load generator itself stays light), asking dev-set questions in a closed loop. By
default each call is one POST /api/ask (the JSON API); with --gradio, Gradio's API: POST
/gradio_api/call/ask, then GET the event stream until `complete` (see benchmarks/http_api.py).
A level stops at --max-requests answers or --seconds, whichever comes first; every failed call
and every status other than 200 is counted as an error. The clients share the server's two
cores; the CPU each side spends per answer is printed beside the latencies.

With --gradio-client, also times sequential calls through gradio_client beside plain HTTP, to
show that client's own overhead.

    python benchmarks/http_load.py                          # JSON API; levels 1, 10, 50
    python benchmarks/http_load.py --gradio                 # Gradio's API, same levels
    python benchmarks/http_load.py --concurrency 2 --encoder-threads 2   # other server settings
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import time
from pathlib import Path

import httpx
import numpy as np
from http_api import (
    HOST,
    AskError,
    ask,
    ask_async,
    ask_json_async,
    free_port,
    start_app,
    stop_app,
    wait_for_answer,
)

ROOT = Path(__file__).resolve().parents[1]


def load_questions(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


async def run_level(
    call,
    base: str,
    questions: list[str],
    clients: int,
    max_requests: int,
    seconds: float,
    server: int | None = None,
) -> tuple[list[float], list[str], float, tuple[float, float]]:
    """Latencies (ms) of successful answers, the error messages, the wall time (s), and the CPU
    seconds the server (process id `server`, if given) and this process spent meanwhile."""
    latencies: list[float] = []
    errors: list[str] = []
    issued = iter(range(max_requests))  # a shared counter: the level's budget, not each client's

    async def client(http: httpx.AsyncClient, offset: int) -> None:
        for n in issued:
            if time.perf_counter() >= deadline:
                return
            question = questions[(offset + n) % len(questions)]
            start = time.perf_counter()
            try:
                await call(http, base, question)
                latencies.append((time.perf_counter() - start) * 1000)
            except (httpx.HTTPError, AskError, KeyError, ValueError) as why:
                errors.append(f"{type(why).__name__}: {str(why)[:120]}")

    # made before the clock starts: each builds an SSL context (~10 ms) even for http://
    https = [httpx.AsyncClient() for _ in range(clients)]
    cpu = cpu_seconds(server) if server else 0.0, cpu_seconds(None)
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(client(http, i * 7) for i, http in enumerate(https)))
    wall = time.perf_counter() - start
    cpu = (cpu_seconds(server) - cpu[0] if server else 0.0), cpu_seconds(None) - cpu[1]
    for http in https:
        await http.aclose()
    return latencies, errors, wall, cpu


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) of process `pid`, or of this process when None."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def _settings(args) -> str:
    """FAQBOT_SETTINGS for the app: the server settings being compared."""
    values = {"api_concurrency": args.concurrency, "encoder_threads": args.encoder_threads}
    return json.dumps({k: v for k, v in values.items() if v})


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients per level")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per level")
    parser.add_argument("--max-requests", type=int, default=1000, help="answers per level")
    parser.add_argument("--url", help="an app already running (default: start app.py)")
    parser.add_argument("--gradio", action="store_true", help="Gradio's API, not the JSON API")
    parser.add_argument("--concurrency", type=int, help="the JSON API's answers at once")
    parser.add_argument("--encoder-threads", type=int, help="the app's encoder threads")
    parser.add_argument("--gradio-client", action="store_true")
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    args = parser.parse_args()
    questions = load_questions(args.devset)
    call = ask_async if args.gradio else ask_json_async

    proc = None
    base = args.url
    if base is None:
        port = free_port()
        base = f"http://{HOST}:{port}"
        proc = start_app(port, settings=_settings(args))
    try:
        start = time.perf_counter()
        wait_for_answer(proc, base, questions[0]) if proc else None
        print(f"app at {base} answering after {time.perf_counter() - start:.1f} s")
        api = "Gradio's API (/gradio_api/call/ask)" if args.gradio else "JSON API (/api/ask)"
        print(f"{api}; load average before: {_load()}")
        asyncio.run(run_level(call, base, questions, 2, 20, 10))  # warm-up
        print(
            "\n| clients | answers | errors | wall s | answers/s | p50 ms | p95 ms | p99 ms "
            "| server CPU ms/answer | client CPU ms/answer |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        server = proc.pid if proc else None
        for clients in map(int, args.levels.split(",")):
            lat, errors, wall, cpu = asyncio.run(
                run_level(call, base, questions, clients, args.max_requests, args.seconds, server)
            )
            served = cpu[0] * 1000 / max(len(lat), 1) if proc else None
            own = cpu[1] * 1000 / max(len(lat), 1)
            p50, p95, p99 = np.percentile(lat, [50, 95, 99]) if lat else (float("nan"),) * 3
            print(
                f"| {clients} | {len(lat)} | {len(errors)} | {wall:.1f} | {len(lat) / wall:.1f} "
                f"| {p50:.0f} | {p95:.0f} | {p99:.0f} "
                f"| {'-' if served is None else f'{served:.1f}'} | {own:.1f} |"
            )
            for message in sorted(set(errors))[:5]:
                print(f"    error: {message}")
        print(f"load average after: {_load()}")
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
