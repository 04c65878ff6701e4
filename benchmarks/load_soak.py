"""Soak: N clients ask through the HTTP API for S seconds; errors, latency, server memory, queue.

Starts `python app.py` on a free 127.0.0.1 port, warms it up, then runs --clients threads (each
its own httpx client) that ask dev-set questions mixed with hostile ones (crisis messages,
over-long text, lone surrogates, HTML) in a loop for --seconds. The server's resident memory is
sampled every second from /proc. Prints the figures docs/RELIABILITY.md quotes.

A second phase (--burst) sends more simultaneous calls than the queue holds (64 waiting), to show
the excess is refused at once with HTTP 503 "Queue is full" instead of hanging.

    python benchmarks/load_soak.py                       # 50 clients, 30 s, burst of 150
    python benchmarks/load_soak.py --clients 20 --seconds 120
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.servers import app_process, ask_http, rss_mb  # noqa: E402

HOSTILE = [
    "I want to kill myself",
    "can I drive \ud800 after a session?",
    "<script>alert(1)</script> how much does it cost?",
    "how long does it last " * 80,  # over the 1,000-character limit
    "'; DROP TABLE chunks; --",
]


def questions() -> list[str]:
    rows = (ROOT / "tests" / "data" / "devset.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(r)["question"] for r in rows if r.strip()] + HOSTILE * 8


def soak(base: str, pid: int, clients: int, seconds: float) -> dict:
    pool = questions()
    latencies, failures, memory = [], [], []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        with httpx.Client(timeout=120) as http:
            i = n
            while time.monotonic() < stop:
                question = pool[i % len(pool)]
                i += clients
                start = time.perf_counter()
                status, event, payload = ask_http(http, base, question)
                took = time.perf_counter() - start
                with lock:
                    if status == 200 and event == "complete":
                        latencies.append(took)
                    else:
                        failures.append(f"{status} {event} {str(payload)[:80]}")

    def sample() -> None:
        while time.monotonic() < stop:
            memory.append((time.monotonic(), rss_mb(pid)))
            time.sleep(1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    with ThreadPoolExecutor(clients) as threads:
        list(threads.map(client, range(clients)))
    sampler.join()
    return {"latencies": latencies, "failures": failures, "memory": memory}


def burst(base: str, calls: int) -> dict:
    """`calls` simultaneous asks: how many were answered, refused as busy or failed; how fast."""

    def one(i: int):
        with httpx.Client(timeout=120) as http:
            start = time.perf_counter()
            status, event, payload = ask_http(http, base, f"how many sessions will I need {i}")
            return status, event, str(payload), time.perf_counter() - start

    with ThreadPoolExecutor(calls) as threads:
        results = list(threads.map(one, range(calls)))
    busy = [r for r in results if r[0] == 503]
    return {
        "answered": sum(r[1] == "complete" for r in results),
        "busy": len(busy),
        "other": [r[:3] for r in results if r[1] != "complete" and r[0] != 503],
        "busy_message": busy[0][2] if busy else "",
        "busy_seconds_max": max((r[3] for r in busy), default=0.0),
        "answered_seconds_max": max((r[3] for r in results if r[1] == "complete"), default=0.0),
    }


def slope_mb_per_min(memory: list[tuple[float, float]]) -> float:
    half = memory[len(memory) // 2 :]
    if len(half) < 2:
        return 0.0
    t0 = half[0][0]
    xs, ys = [t - t0 for t, _ in half], [m for _, m in half]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--burst", type=int, default=150, help="simultaneous calls; 0 skips")
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp()) / "app.log"
    with app_process(log) as (base, proc):
        with httpx.Client(timeout=60) as http:
            for q in questions()[:20]:
                ask_http(http, base, q)
        before = rss_mb(proc.pid)
        run = soak(base, proc.pid, args.clients, args.seconds)
        after = rss_mb(proc.pid)
        peak = max(m for _, m in run["memory"])
        lat = sorted(run["latencies"])
        n = len(lat)
        print(f"{args.clients} clients for {args.seconds:.0f} s on 127.0.0.1 (app.py, real model)")
        print(f"  answered {n} ({n / args.seconds:.1f}/s), failed {len(run['failures'])}")
        if n:
            p50, p95, p99 = (lat[min(n - 1, int(p / 100 * n))] for p in (50, 95, 99))
            print(f"  latency s: p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f}  max {lat[-1]:.2f}")
        print(
            f"  server RSS MiB: after warm-up {before:.0f}, peak {peak:.0f}, end {after:.0f}; "
            f"second-half slope {slope_mb_per_min(run['memory']):+.1f} MiB/min"
        )
        step = max(1, len(run["memory"]) // 10)
        t0 = run["memory"][0][0]
        timeline = ", ".join(f"{t - t0:.0f}s {m:.0f}" for t, m in run["memory"][::step])
        print(f"  RSS timeline MiB: {timeline}")
        for failure in sorted(set(run["failures"]))[:5]:
            print(f"  failure: {failure}")
        if args.burst:
            b = burst(base, args.burst)
            print(
                f"burst of {args.burst} simultaneous calls: answered {b['answered']}, "
                f"busy (503) {b['busy']}, other {len(b['other'])}; "
                f"slowest busy reply {b['busy_seconds_max']:.2f} s, "
                f"slowest answer {b['answered_seconds_max']:.1f} s"
            )
            if b["busy"]:
                print(f"  busy reply: {b['busy_message']}")
            for other in b["other"][:5]:
                print(f"  other: {other}")
        print(f"  server RSS MiB at the end: {rss_mb(proc.pid):.0f}")
    tail = [line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    print(f"server log: {len(tail)} error lines")


if __name__ == "__main__":
    main()
