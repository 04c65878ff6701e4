"""Index build speed, fp32 against bf16 autocast, for the bundled corpus and a synthetic one.

Each build is `faqbot.index.build_index` into a temporary folder with the bundled model loaded
once beforehand (model load is printed, not counted). A build embeds every passage and every
sentence / list item (for quote selection), writes FAISS + BM25, and exports the ONNX query
encoder; the table splits embedding time from the rest. On the bundled corpus fp32 and bf16
builds alternate, so machine noise hits both alike; the table prints the median of --repeats
builds and the bf16/fp32 speed ratio. On the synthetic corpus (benchmarks/synthetic_corpus.py)
fp32 and bf16 first take turns embedding the same blocks of passages (a paired ratio, with the
model's arithmetic per passage), then one full build runs per --synthetic-precisions.

bf16 runs the same model under `torch.autocast("cpu", torch.bfloat16)` (fast on CPUs with
AVX512-BF16 or AMX). It is judged on the bundled corpus: the cosine of each bf16 passage vector
with its fp32 twin, whether the top-10 rankings of the dev-set questions change, and the
dev-set retrieval scores (Recall@1/5/10 and MRR@10 by quote overlap, as `faqbot eval` scores
them), with the same fp32 query encoder for both indexes.

    python benchmarks/build.py                       # bundled x3, synthetic 10k bf16: ~15 min
    python benchmarks/build.py --synthetic 2000 --repeats 1 --synthetic-precisions fp32,bf16
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from synthetic_corpus import write_corpus

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


class TimedEncoder:
    """Wraps the real encoder: optional bf16 autocast, and seconds spent encoding."""

    def __init__(self, inner, precision: str):
        self.inner, self.precision = inner, precision
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.encode_s = self.export_s = 0.0
        self.texts = 0

    def encode(self, texts):
        import torch

        start = time.perf_counter()
        bf16 = torch.autocast("cpu", dtype=torch.bfloat16)
        with bf16 if self.precision == "bf16" else contextlib.nullcontext():
            out = self.inner.encode(texts)
        self.encode_s += time.perf_counter() - start
        self.texts += len(texts)
        return out

    def export_onnx(self, folder: Path) -> bool:
        start = time.perf_counter()
        done = self.inner.export_onnx(folder)
        self.export_s += time.perf_counter() - start
        return done


def one_build(corpus_dir: Path, inner, precision: str, index_dir: Path) -> dict:
    from faqbot import Settings
    from faqbot.corpus import load_corpus
    from faqbot.index import build_index

    corpus = load_corpus(corpus_dir)
    encoder = TimedEncoder(inner, precision)
    start = time.perf_counter()
    build = build_index(corpus, Settings(), encoder, index_dir)
    total = time.perf_counter() - start
    manifest = json.loads((build / "manifest.json").read_text())
    return {
        "passages": manifest["n_chunks"],
        "texts": encoder.texts,
        "total_s": total,
        "encode_s": encoder.encode_s,
        "export_s": encoder.export_s,
        "build": build,
    }


def build_table(name: str, corpus_dir: Path, inner, precisions, repeats: int, keep: dict) -> None:
    print("\n| corpus | precision | passages | texts embedded | build s | embed s | ONNX export s "
          "| passages/s (build) | passages/s (embed) | texts/s (embed) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    runs: dict[str, list[dict]] = {p: [] for p in precisions}
    for _ in range(repeats):
        for p in precisions:
            folder = Path(tempfile.mkdtemp(prefix=f"build-{p}-", dir=keep["workspace"]))
            runs[p].append(one_build(corpus_dir, inner, p, folder))
            keep.setdefault((name, p), runs[p][-1]["build"])
    for p in precisions:
        rs = runs[p]
        med = {k: statistics.median(x[k] for x in rs) for k in ("total_s", "encode_s", "export_s")}
        n, texts = rs[0]["passages"], rs[0]["texts"]
        print(
            f"| {name} | {p} | {n} | {texts} | {med['total_s']:.1f} | {med['encode_s']:.1f} "
            f"| {med['export_s']:.1f} | {n / med['total_s']:.0f} | {n / med['encode_s']:.0f} "
            f"| {texts / med['encode_s']:.0f} |"
        )
    if {"fp32", "bf16"} <= set(precisions):
        ratio = statistics.median(
            a["encode_s"] / b["encode_s"] for a, b in zip(runs["fp32"], runs["bf16"], strict=True)
        )
        print(f"|  | bf16 embeds {ratio:.2f}x as fast as fp32 (median of paired builds) |||||||||")


def paired_throughput(corpus_dir: Path, inner, blocks: int, size: int) -> None:
    """fp32 and bf16 take turns embedding the same blocks of passages and their sentences."""
    from faqbot import Settings
    from faqbot.chunking import chunk_corpus
    from faqbot.corpus import load_corpus
    from faqbot.index import chunk_unit_text, passage_for_embedding

    settings = Settings()
    chunks = chunk_corpus(load_corpus(corpus_dir).documents, settings.chunk_words)
    rates: dict[str, list[float]] = {"fp32": [], "bf16": []}
    tokens = 0
    for b in range(min(blocks, len(chunks) // size)):
        part = chunks[b * size : (b + 1) * size]
        texts = [passage_for_embedding(c, settings.embed_context) for c in part]
        texts += [chunk_unit_text(c, u) for c in part for u in c.units]
        tokens += sum(len(ids) for ids in inner._model.tokenizer(texts)["input_ids"])
        for precision in ("fp32", "bf16") if b % 2 == 0 else ("bf16", "fp32"):
            encoder = TimedEncoder(inner, precision)
            for i in range(0, len(texts), 64):
                encoder.encode(texts[i : i + 64])
            rates[precision].append(len(part) / encoder.encode_s)
    n = len(rates["fp32"])
    ratio = statistics.median(b / a for a, b in zip(rates["fp32"], rates["bf16"], strict=True))
    layers = inner._model[0].auto_model.encoder
    gflop = 2 * sum(p.numel() for p in layers.parameters()) * tokens / (n * size) / 1e9
    fp32, bf16 = (statistics.median(rates[p]) for p in ("fp32", "bf16"))
    print(
        f"\nPaired embedding throughput, {n} blocks of {size} synthetic passages with their "
        f"sentences ({tokens / (n * size):.0f} tokens, ~{gflop:.1f} GFLOP per passage): fp32 "
        f"{fp32:.1f} passages/s ({fp32 * gflop:.0f} GFLOP/s), bf16 {bf16:.1f} passages/s "
        f"({bf16 * gflop:.0f} GFLOP/s); bf16 / fp32 = {ratio:.2f} (median of blocks)"
    )


def quality(corpus_dir: Path, fp32: Path, bf16: Path, devset: Path) -> None:
    """bf16 index against fp32: vector cosines, ranking changes, dev-set retrieval scores."""
    import faiss

    from faqbot import FAQBot
    from faqbot.eval_data import is_relevant, load_jsonl

    a = faiss.read_index(str(fp32 / "vectors.faiss"))
    b = faiss.read_index(str(bf16 / "vectors.faiss"))
    va, vb = a.reconstruct_n(0, a.ntotal), b.reconstruct_n(0, b.ntotal)
    cos = (va * vb).sum(1)
    print(f"\nbf16 vs fp32 passage vectors: cosine min {cos.min():.6f}, mean {cos.mean():.6f}")
    questions = load_jsonl(devset).questions
    bots = {p: FAQBot.load(corpus_dir, path.parent, rebuild=False) for p, path in
            (("fp32", fp32), ("bf16", bf16))}  # fmt: skip
    print("| retriever | fp32 R@1/R@5/R@10/MRR@10 | bf16 R@1/R@5/R@10/MRR@10 "
          "| identical top-10 | identical top-1 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for retriever in ("dense", "hybrid"):
        ranked = {
            p: [[h.chunk_id for h in bot.search(q.question, 10, retriever)] for q in questions]
            for p, bot in bots.items()
        }
        pairs = list(zip(ranked["fp32"], ranked["bf16"], strict=True))
        same10 = np.mean([x == y for x, y in pairs])
        same1 = np.mean([x[:1] == y[:1] for x, y in pairs])
        cells = []
        for bot in bots.values():
            firsts = []
            for q in questions:
                if q.kind != "in_scope":
                    continue
                hits = bot.search(q.question, 10, retriever)
                ranks = [h.rank for h in hits if is_relevant(h.text, q.answers)]
                firsts.append(ranks[0] if ranks else None)
            n = len(firsts)
            scores = [sum(1 for r in firsts if r and r <= k) / n for k in (1, 5, 10)]
            scores.append(sum(1 / r for r in firsts if r) / n)
            cells.append("/".join(f"{s:.3f}" for s in scores))
        print(f"| {retriever} | {cells[0]} | {cells[1]} | {same10:.1%} | {same1:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precisions", default="fp32,bf16")
    parser.add_argument("--repeats", type=int, default=3, help="builds of the bundled corpus")
    parser.add_argument("--synthetic", type=int, default=10_000, help="passages (0: skip)")
    parser.add_argument("--synthetic-repeats", type=int, default=1)
    parser.add_argument(
        "--synthetic-precisions", default="bf16", help="full builds of the synthetic corpus"
    )
    parser.add_argument("--blocks", type=int, default=4, help="paired fp32/bf16 blocks (0: skip)")
    parser.add_argument("--block-size", type=int, default=256, help="passages per block")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    args = parser.parse_args()
    precisions = args.precisions.split(",")

    from faqbot.embedding import SentenceTransformerEncoder

    start = time.perf_counter()
    inner = SentenceTransformerEncoder()
    print(f"model load {time.perf_counter() - start:.1f} s (not counted); load average "
          f"{os.getloadavg()[0]:.1f}; 2 torch threads")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="faqbot-build-bench-") as workspace:
        run_all(args, inner, precisions, Path(workspace))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


def run_all(args, inner, precisions: list[str], workspace: Path) -> None:
    keep: dict = {"workspace": workspace}
    build_table("bundled", args.corpus, inner, precisions, args.repeats, keep)
    if args.synthetic:
        folder = workspace / "synthetic-corpus"
        write_corpus(args.corpus, folder, args.synthetic)
        if args.blocks:
            paired_throughput(folder, inner, args.blocks, args.block_size)
        build_table(
            f"synthetic {args.synthetic:,}", folder, inner,
            args.synthetic_precisions.split(","), args.synthetic_repeats, keep,
        )  # fmt: skip
    if {"fp32", "bf16"} <= set(precisions):
        quality(args.corpus, keep[("bundled", "fp32")], keep[("bundled", "bf16")], args.devset)


if __name__ == "__main__":
    main()
