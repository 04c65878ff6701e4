"""Resident memory of a loaded FAQBot per passage, to extrapolate the whole bot to 1M passages.

Builds indexes over synthetic corpora of two sizes (benchmarks/synthetic_corpus.py) with a fast
fake encoder (hash-seeded random unit vectors: memory does not depend on what vectors mean).
Fresh processes then load, for each size, the passages alone, the BM25 index alone, and the
whole bot (FAQBot.load and a few asks), reading the process's anonymous resident memory
(RssAnon) before and after. File-backed pages are left out: they are page cache the kernel can
drop, and with large folios one touched row of the memory-mapped units.npy can map megabytes.
The difference between the two sizes, divided by the passages added, is the cost per passage
with every fixed cost (imports, word lists, the first ask) cancelled out. units.npy (one
float16 vector per sentence) is memory-mapped, as it is for any library over ~17k passages
(smaller ones read it into memory as float32: at most 128 MB): only the pages a question
touches are read.

The synthetic corpus reuses the bundled articles' vocabulary, so a real 1M-passage library
would hold a larger BM25 vocabulary and speller word list than this extrapolation shows.

    python benchmarks/memory.py                    # 10k and 20k passages, about a minute
    python benchmarks/memory.py --sizes 20000,50000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from synthetic_corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
DIM = 384
PARTS = ("passages", "bm25", "bot")
QUESTIONS = ("Can I drive after a session?", "How much does a session cost?", "Is it safe?",
             "what about anxiety", "how fast does it work")  # fmt: skip


class HashEncoder:
    """Random unit vectors seeded by each text's hash: fast, deterministic, meaningless."""

    model_id = "hash-encoder@384"
    dimension = DIM

    def encode(self, texts):
        out = np.empty((len(texts), DIM), np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())
            out[i] = np.random.default_rng(seed).standard_normal(DIM, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no RssAnon in /proc/self/status")


def measure(part: str, corpus: Path, index: Path) -> float:
    """In this (fresh) process: MB of resident memory that loading `part` adds."""
    import faiss  # noqa: F401  (imports are fixed costs, not the bot's data)

    from faqbot import FAQBot, Settings
    from faqbot.index import LexicalIndex, current_build
    from faqbot.index.store import chunk_from_json

    # as at 1M passages: sentence vectors stay memory-mapped (a small library reads them into RAM)
    settings = Settings().replace(units_in_memory_bytes=0)
    build = current_build(index)
    before = rss_mb()
    if part == "passages":
        with open(build / "chunks.jsonl", encoding="utf-8") as fh:
            kept = [chunk_from_json(json.loads(line)) for line in fh]
    elif part == "bm25":
        kept = LexicalIndex.load(build / "lexical")
    else:
        kept = FAQBot.load(corpus, index, settings, HashEncoder(), rebuild=False)
        for question in QUESTIONS:  # the first asks load word lists and compile BM25 kernels
            kept.ask(question)
    assert kept is not None
    return rss_mb() - before


def build(passages: int, work: Path) -> tuple[Path, Path, int]:
    from faqbot import Settings
    from faqbot.index import build_index
    from faqbot.ingest import load_corpus

    corpus, index = work / f"corpus-{passages}", work / f"index-{passages}"
    write_corpus(ROOT / "corpus", corpus, passages)
    built = build_index(load_corpus(corpus), Settings(), HashEncoder(), index)
    return corpus, index, json.loads((built / "manifest.json").read_text())["n_chunks"]


def run_part(part: str, corpus: Path, index: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", part, str(corpus), str(index)],
        env=os.environ | {"HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,20000", help="two corpus sizes, in passages")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        part, corpus, index = args.measure
        return print(measure(part, Path(corpus), Path(index)))

    small, large = map(int, args.sizes.split(","))
    mb: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="faqbot-memory-") as work:
        for size in (small, large):
            corpus, index, n = build(size, Path(work))
            mb[n] = {part: run_part(part, corpus, index) for part in PARTS}
            units = sum(f.stat().st_size for f in index.glob("*/units.npy"))
            mb[n]["units.npy"] = units / 2**20
    (n1, a), (n2, b) = mb.items()
    print(f"Resident MB that loading adds, at {n1:,} and {n2:,} synthetic passages\n")
    print("| part | MB at smaller | MB at larger | bytes per passage | GB at 1M passages |")
    print("|---|---|---|---|---|")
    names = {
        "passages": "passages (Chunk objects with text and sentence spans)",
        "bm25": "BM25 index (bm25s)",
        "bot": "whole bot: FAQBot.load + 5 asks",
        "units.npy": "units.npy on disk (memory-mapped, paged on demand)",
    }
    for part, name in names.items():
        per = (b[part] - a[part]) * 2**20 / (n2 - n1)
        print(f"| {name} | {a[part]:.0f} | {b[part]:.0f} | {per:,.0f} | {per * 1e6 / 1e9:.2f} |")
    print(f"| FAISS flat vectors (exact: 4 x {DIM} B) | | | {4 * DIM:,} | {4 * DIM / 1e3:.2f} |")


if __name__ == "__main__":
    main()
