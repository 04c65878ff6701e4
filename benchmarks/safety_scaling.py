"""Does the safety check stay linear in the message's length? Times safety.assess on n and 4n
repetitions of the words that made one rule quadratic, and of ordinary text.

"(?:ME|...)(?: (?:have|...|kept|started|start))* self ?-?harm" scanned from every "kept" to the
end of the message: 100,000 characters of "been " took 62 s. Bounded ({0,8}) it is linear. This
was a timed test; timing belongs here (a busy machine made such tests flaky, issue 15).

    python benchmarks/safety_scaling.py          # exit 1 if 4x the text takes over 8x the time
    python benchmarks/safety_scaling.py --words 2400
"""

from __future__ import annotations

import argparse
import sys
import time

from faqbot import safety

WORDS = ("kept ", "started ", "been ", "keep ", "start ", "stop ", "how long does it last ")


def seconds(text: str, repeat: int = 3) -> float:
    """The fastest of `repeat` runs: the least disturbed by other work on the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        safety.assess(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=600, help="repetitions in the short text")
    args = parser.parse_args()
    slow = []
    print(f"{'word':<24} {'n':>7} {'4n':>7} {'s (n)':>9} {'s (4n)':>9} {'ratio':>6}")
    for word in WORDS:
        small, large = seconds(word * args.words), seconds(word * 4 * args.words)
        ratio = large / max(small, 1e-9)
        print(f"{word!r:<24} {args.words:>7} {4 * args.words:>7} {small:>9.4f} {large:>9.4f} "
              f"{ratio:>6.1f}")  # fmt: skip
        if large > 8 * small + 0.05:  # linear is ~4x, quadratic ~16x
            slow.append(word)
    print("quadratic:", slow or "none")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
