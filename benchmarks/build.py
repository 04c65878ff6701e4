"""Index build speed: the torch paths used before (fp32, bf16) against the ONNX paths (fp32, int8).

Each build is `faqbot.index.build_index` into a temporary folder with the bundled model loaded
once beforehand (model load is printed, not counted). A build exports the ONNX query encoder,
embeds every passage and every sentence / list item (for quote selection), and writes FAISS +
BM25; the table splits embedding and export time from the total. The paths:

- `torch fp32 (before)`: sentence-transformers on torch, texts in corpus order, 64 a batch (the
  encode loop of commit 0da5f4d, copied below); `torch bf16 (before)` is the same under
  `torch.autocast("cpu", torch.bfloat16)`.
- `onnx fp32` (the default now, `passage_encoder="onnx"`): the build's own ONNX export
  on onnxruntime, each distinct text once, shortest first, 16 a batch (`index.build.encode_all`).
- `onnx int8` (`passage_encoder="onnx-int8"`): the same with the export quantized to int8.

On the bundled corpus the paths alternate, --repeats times (median printed). On the synthetic
corpus (benchmarks/synthetic_corpus.py, every sentence made distinct so no text is skipped as a
duplicate) the four paths first take turns embedding the same blocks of passages (paired
passages/s), then one full build runs per --synthetic-paths. Quality: each path's bundled passage
vectors against torch fp32's (cosine), and dev-set retrieval with the same fp32 query encoder.

    python benchmarks/build.py                                  # ~15 min
    python benchmarks/build.py --synthetic 2000 --repeats 1 --blocks 1
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
PATHS = {  # name: (Settings.passage_encoder, torch precision, encode loop)
    "torch fp32 (before)": ("encoder", "fp32", "before"),
    "torch bf16 (before)": ("encoder", "bf16", "before"),
    "onnx fp32 (default)": ("onnx", "fp32", "now"),
    "onnx int8": ("onnx-int8", "fp32", "now"),
}


def encode_in_order(encoder, texts, _batch=None, progress=None, batch=64) -> np.ndarray:
    """The build's encode loop before: corpus order, 64 texts a batch, duplicates encoded again."""
    parts = [encoder.encode(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    vectors = np.vstack(parts) if parts else np.zeros((0, encoder.dimension), np.float32)
    return np.ascontiguousarray(vectors, dtype=np.float32)


class TimedEncoder:
    """Wraps the real encoder: optional bf16 autocast, and seconds spent exporting ONNX."""

    def __init__(self, inner, precision: str):
        self.inner, self.precision = inner, precision
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.max_tokens = inner.max_tokens
        self.export_s = 0.0

    def encode(self, texts):
        import torch

        bf16 = torch.autocast("cpu", dtype=torch.bfloat16)
        with bf16 if self.precision == "bf16" else contextlib.nullcontext():
            return self.inner.encode(texts)

    def export_onnx(self, folder: Path) -> bool:
        start = time.perf_counter()
        done = self.inner.export_onnx(folder)
        self.export_s += time.perf_counter() - start
        return done


@contextlib.contextmanager
def encode_loop(kind: str, timing: dict):
    """Swap in the encode loop of `kind` for build_index, adding its seconds to timing['embed']."""
    from faqbot.index import build as index_build

    original = index_build.encode_all
    loop = encode_in_order if kind == "before" else original

    def timed(*args, **kw):
        start = time.perf_counter()
        out = loop(*args, **kw)
        timing["embed"] = timing.get("embed", 0.0) + time.perf_counter() - start
        timing["texts"] = len(args[1])
        return out

    index_build.encode_all = timed
    try:
        yield
    finally:
        index_build.encode_all = original


def one_build(corpus_dir: Path, inner, path: str, index_dir: Path) -> dict:
    from faqbot import Settings
    from faqbot.index import build_index
    from faqbot.ingest import load_corpus

    passage_encoder, precision, loop = PATHS[path]
    corpus = load_corpus(corpus_dir)
    encoder, timing = TimedEncoder(inner, precision), {}
    start = time.perf_counter()
    with encode_loop(loop, timing):
        build = build_index(
            corpus, Settings().replace(passage_encoder=passage_encoder), encoder, index_dir
        )
    total = time.perf_counter() - start
    manifest = json.loads((build / "manifest.json").read_text())
    assert manifest["passage_encoder"] == passage_encoder, manifest["passage_encoder"]
    return {
        "passages": manifest["n_chunks"],
        "texts": timing["texts"],
        "total_s": total,
        "encode_s": timing["embed"],
        "export_s": encoder.export_s,
        "build": build,
    }


def build_table(name: str, corpus_dir: Path, inner, paths, repeats: int, keep: dict) -> None:
    print("\n| corpus | path | passages | texts | build s | embed s | ONNX export s "
          "| passages/s (build) | passages/s (embed) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    runs: dict[str, list[dict]] = {p: [] for p in paths}
    for _ in range(repeats):
        for p in paths:
            folder = Path(tempfile.mkdtemp(prefix="build-", dir=keep["workspace"]))
            runs[p].append(one_build(corpus_dir, inner, p, folder))
            keep.setdefault((name, p), runs[p][-1]["build"])
    for p in paths:
        rs = runs[p]
        med = {k: statistics.median(x[k] for x in rs) for k in ("total_s", "encode_s", "export_s")}
        n = rs[0]["passages"]
        print(
            f"| {name} | {p} | {n:,} | {rs[0]['texts']:,} | {med['total_s']:.1f} "
            f"| {med['encode_s']:.1f} | {med['export_s']:.1f} | {n / med['total_s']:.1f} "
            f"| {n / med['encode_s']:.1f} |"
        )


def paired_throughput(corpus_dir: Path, inner, blocks: int, size: int, workspace: Path) -> None:
    """The four paths take turns embedding the same blocks of passages and their sentences."""
    from faqbot import Settings
    from faqbot.encoders.onnx import OnnxEncoder, export_onnx, quantize_onnx
    from faqbot.index import build as index_build
    from faqbot.index.texts import chunk_unit_text, passage_for_embedding
    from faqbot.ingest import chunk_corpus, load_corpus

    settings = Settings()
    threads, batch = settings.encoder.threads, settings.encoder.build_batch
    chunks = chunk_corpus(load_corpus(corpus_dir).documents, settings.index.chunk_words)
    folder = workspace / "onnx"
    folder.mkdir(exist_ok=True)
    assert export_onnx(inner, folder), "the ONNX export failed"
    encoders = {
        "torch fp32 (before)": TimedEncoder(inner, "fp32"),
        "torch bf16 (before)": TimedEncoder(inner, "bf16"),
        "onnx fp32 (default)": index_build._passage_embedder("onnx", inner, folder, threads),
        "onnx int8": OnnxEncoder(
            folder, inner.model_id, inner.max_tokens, threads=threads,
            file=quantize_onnx(folder).name,
        ),
    }  # fmt: skip
    rates: dict[str, list[float]] = {p: [] for p in encoders}
    tokens = 0
    for b in range(min(blocks, len(chunks) // size)):
        part = chunks[b * size : (b + 1) * size]
        texts = [passage_for_embedding(c, settings.index.embed_context) for c in part]
        texts += [chunk_unit_text(c, u) for c in part for u in c.units]
        tokens += sum(len(ids) for ids in inner._model.tokenizer(texts)["input_ids"])
        names = list(encoders) if b % 2 == 0 else list(reversed(encoders))
        for p in names:
            loop = encode_in_order if PATHS[p][2] == "before" else index_build.encode_all
            start = time.perf_counter()
            loop(encoders[p], texts, batch)
            rates[p].append(len(part) / (time.perf_counter() - start))
    n = len(rates[names[0]])
    layers = inner._model[0].auto_model.encoder
    gflop = 2 * sum(p.numel() for p in layers.parameters()) * tokens / (n * size) / 1e9
    base = rates["torch fp32 (before)"]
    per = tokens / (n * size)
    print(f"\nPaired embedding, {n} blocks of {size} synthetic passages with their sentences "
          f"({per:.0f} tokens, ~{gflop:.1f} GFLOP per passage; medians of blocks)")  # fmt: skip
    print("\n| path | passages/s (embed) | GFLOP/s | x torch fp32 |")
    print("|---|---|---|---|")
    for p, r in rates.items():
        ratio = statistics.median(x / y for x, y in zip(r, base, strict=True))
        rate = statistics.median(r)
        print(f"| {p} | {rate:.1f} | {rate * gflop:.0f} | {ratio:.2f} |")


def quality(corpus_dir: Path, builds: dict[str, Path], devset: Path) -> None:
    """Each path's bundled index against torch fp32's: vector cosines, dev-set retrieval."""
    import faiss

    from faqbot import FAQBot
    from faqbot.eval.data import is_relevant, load_jsonl

    def vectors(build):
        index = faiss.read_index(str(build / "vectors.faiss"))
        return index.reconstruct_n(0, index.ntotal), np.load(build / "units.npy")

    questions = load_jsonl(devset).questions
    ref_name = "torch fp32 (before)"
    ref = vectors(builds[ref_name])
    ranked_ref = None
    print("\n| path | passage cosine min/mean | unit cosine min | hybrid R@1/R@5/R@10/MRR@10 "
          "| dense R@1/R@5/R@10/MRR@10 | identical hybrid top-1 / top-10 |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, build in builds.items():
        passages, units = vectors(build)
        cos = (passages * ref[0]).sum(1)
        ucos = (units.astype(np.float32) * ref[1].astype(np.float32)).sum(1)
        bot = FAQBot.load(corpus_dir, build.parent, rebuild=False)
        cells = []
        for retriever in ("hybrid", "dense"):
            ranked = [[h.chunk_id for h in bot.search(q.question, 10, retriever)]
                      for q in questions]  # fmt: skip
            if retriever == "hybrid":
                ranked_ref = ranked_ref or ranked
                same1 = np.mean([a[:1] == b[:1] for a, b in zip(ranked, ranked_ref, strict=True)])
                same10 = np.mean([a == b for a, b in zip(ranked, ranked_ref, strict=True)])
            firsts = []
            for q in questions:
                if q.kind == "in_scope":
                    hits = bot.search(q.question, 10, retriever)
                    ranks = [h.rank for h in hits if is_relevant(h.text, q.answers)]
                    firsts.append(ranks[0] if ranks else None)
            scores = [sum(1 for r in firsts if r and r <= k) / len(firsts) for k in (1, 5, 10)]
            scores.append(sum(1 / r for r in firsts if r) / len(firsts))
            cells.append("/".join(f"{s:.3f}" for s in scores))
        print(f"| {name} | {cos.min():.5f}/{cos.mean():.6f} | {ucos.min():.4f} | {cells[0]} "
              f"| {cells[1]} | {same1:.1%} / {same10:.1%} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(PATHS), help="bundled-corpus builds")
    parser.add_argument("--repeats", type=int, default=3, help="builds of the bundled corpus")
    parser.add_argument("--synthetic", type=int, default=10_000, help="passages (0: skip)")
    parser.add_argument(
        "--synthetic-paths", default="onnx fp32 (default),onnx int8", help="full synthetic builds"
    )
    parser.add_argument("--blocks", type=int, default=2, help="paired blocks (0: skip)")
    parser.add_argument("--block-size", type=int, default=256, help="passages per block")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    args = parser.parse_args()

    from faqbot.encoders.transformer import SentenceTransformerEncoder

    start = time.perf_counter()
    inner = SentenceTransformerEncoder(threads=2)
    print(f"model load {time.perf_counter() - start:.1f} s (not counted); load average "
          f"{os.getloadavg()[0]:.1f}; 2 threads")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="faqbot-build-bench-") as workspace:
        run_all(args, inner, Path(workspace))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


def run_all(args, inner, workspace: Path) -> None:
    keep: dict = {"workspace": workspace}
    paths = args.paths.split(",")
    for p in paths:  # warm-up (first calls of torch, onnxruntime and the exporter), not counted
        one_build(args.corpus, inner, p, Path(tempfile.mkdtemp(dir=workspace)))
    build_table("bundled", args.corpus, inner, paths, args.repeats, keep)
    if args.synthetic:
        folder = workspace / "synthetic-corpus"
        write_corpus(args.corpus, folder, args.synthetic, unique=True)
        if args.blocks:
            paired_throughput(folder, inner, args.blocks, args.block_size, workspace)
        build_table(
            f"synthetic {args.synthetic:,}", folder, inner,
            args.synthetic_paths.split(","), 1, keep,
        )  # fmt: skip
    if "torch fp32 (before)" in paths:
        quality(args.corpus, {p: keep[("bundled", p)] for p in paths}, args.devset)


if __name__ == "__main__":
    main()
