"""Fuzz the question routes of `python app.py` (real model) with hypothesis: N raw HTTP requests
(tests/fuzz_http.py: JSON of any shape, nested up to 30,000 deep, huge numbers, odd text, raw
bytes, cut JSON, other content types and methods) to /api/ask, /api/search and Gradio's
call, call/v2 and queue/join routes. Counts statuses; a 5xx, a 4xx without a message, or a
traceback or error line in the server's log is a failure. Prints the figures
docs/RELIABILITY.md quotes.

    python benchmarks/fuzz_http.py                 # 2,000 cases
    python benchmarks/fuzz_http.py --cases 5000 --seed 7
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, seed, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.fuzz_http import Tally, requests, send  # noqa: E402
from tests.servers import app_process  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    tally = Tally()
    log = Path(tempfile.mkdtemp()) / "app.log"
    with app_process(log) as (base, _), httpx.Client(timeout=120) as http:

        @seed(args.seed)
        @settings(
            max_examples=args.cases,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(requests())
        def one(request):
            send(http, base, request, tally)

        start = time.perf_counter()
        one()
        took = time.perf_counter() - start
    server = log.read_text(errors="replace").splitlines()
    noisy = [line for line in server if "Traceback" in line or "ERROR" in line or "Error" in line]
    sent = sum(n for s, n in tally.statuses.items() if isinstance(s, int))
    print(f"{sent:,} requests in {took:.0f} s (seed {args.seed})")
    for status, n in sorted(tally.statuses.items(), key=lambda kv: str(kv[0])):
        print(f"  {status}: {n:,}")
    print(f"server errors (5xx) or 4xx without a message: {len(tally.failures)}")
    for failure in tally.failures[:20]:
        print("  ", failure)
    print(f"calls Gradio ran that failed without a message: {len(tally.silent)}")
    for call in tally.silent[:20]:
        print("  ", call)
    print(f"server log lines with an error or traceback: {len(noisy)}")
    for line in noisy[:20]:
        print("  ", line[:200])
    return 1 if tally.failures or any("Traceback" in line for line in server) else 0


if __name__ == "__main__":
    sys.exit(main())
