"""Cold start: process start to first answer, for the CLI and for the web app.

CLI: `faqbot ask "<question>"` in a fresh process (the index already built), timed from
spawning it to its first line on stdout and to its exit. App: `python app.py` on a free
loopback port, polled until `ask` answers over the HTTP API (benchmarks/http_api.py). Prints
each run and the median, then the `python -X importtime` breakdown of one CLI run: the
packages with the largest cumulative import time (faqbot's own modules included).

    python benchmarks/cold_start.py                      # 5 CLI runs, 3 app runs
    python benchmarks/cold_start.py --cli-runs 9 --app-runs 0
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from http_api import HOST, free_port, start_app, stop_app, wait_for_answer

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Can I drive after a ketamine session?"
ENV = os.environ | {"HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def cli_command(question: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from faqbot.cli import main; sys.exit(main())",
            "ask", question]  # fmt: skip


def cli_run(question: str) -> tuple[float, float]:
    """Seconds from spawn to the first stdout line, and to exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cli_command(question), cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.readline()
    first = time.perf_counter() - start
    _, err = proc.communicate()
    total = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"faqbot ask failed ({proc.returncode}): {err.decode()[-500:]}")
    return first, total


def app_run(question: str) -> float:
    """Seconds from spawning app.py to its first answer over HTTP."""
    port = free_port()
    start = time.perf_counter()
    proc = start_app(port)
    try:
        return wait_for_answer(proc, f"http://{HOST}:{port}", question) - start
    finally:
        stop_app(proc)


LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_breakdown(question: str, top: int, depth: int) -> list[tuple[str, int, float, float]]:
    """(module, depth, self ms, cumulative ms) for the slowest imports of one CLI run."""
    cmd = [cli_command(question)[0], "-X", "importtime", *cli_command(question)[1:]]
    out = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    rows = []
    for m in LINE.finditer(out.stderr):
        level = (len(m.group(3)) - 1) // 2
        rows.append((m.group(4), level, int(m.group(1)) / 1000, int(m.group(2)) / 1000))
    total = sum(r[2] for r in rows)
    # a module's cumulative time includes its children: keep the heaviest roots of subtrees
    chosen = sorted((r for r in rows if r[1] <= depth), key=lambda r: -r[3])[:top]
    chosen.append(("(all imports, self time summed)", 0, total, total))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--app-runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=15, help="import rows to show")
    parser.add_argument("--depth", type=int, default=2, help="import nesting levels to show")
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()

    cli_run(args.question)  # one untimed run: page cache warm, index checksums verified once
    if args.cli_runs:
        runs = [cli_run(args.question) for _ in range(args.cli_runs)]
        print(f"CLI `faqbot ask` ({args.cli_runs} runs): first line / exit, seconds")
        for n, (first, total) in enumerate(runs, 1):
            print(f"  run {n}: {first:.2f} / {total:.2f}")
        med_first = statistics.median(r[0] for r in runs)
        med_total = statistics.median(r[1] for r in runs)
        print(f"  median: {med_first:.2f} / {med_total:.2f}\n")
    if args.app_runs:
        runs = [app_run(args.question) for _ in range(args.app_runs)]
        print(f"App `python app.py` to first HTTP answer ({args.app_runs} runs), seconds")
        print("  " + "  ".join(f"{r:.2f}" for r in runs))
        print(f"  median: {statistics.median(runs):.2f}\n")
    print(f"python -X importtime, CLI ask (imports up to {args.depth} levels deep, slowest first)")
    print("| module | self ms | cumulative ms |\n|---|---|---|")
    for name, depth, own, cumulative in import_breakdown(args.question, args.top, args.depth):
        print(f"| {'  ' * depth}{name} | {own:.0f} | {cumulative:.0f} |")


if __name__ == "__main__":
    main()
