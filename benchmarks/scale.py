"""FAISS at 100k and 1M passages: exact IndexFlatIP against HNSW and IVF (flat or SQ8 codes).

Vectors are synthetic but shaped like real ones. A few thousand texts (the bundled articles'
sentences, and random pairs of them) are embedded with the bundled model; each synthetic
vector is their mean plus the deviations of two of them (weights 1 : 0-1) plus Gaussian noise
drawn with their covariance, then normalised. So the set keeps the model's anisotropy and
topic clusters (random unit vectors have neither and are a far harder, unrealistic case for
approximate search: --vectors random shows it) without embedding a million passages. Queries are the
dev-set questions embedded for real, topped up with fresh synthetic vectors.

Per index: build time (2 threads), memory (the serialised index: the arrays it holds in RAM),
single-query latency p50/p95 with faiss.omp_set_num_threads(1) for k=10 and for k=50 (what the
retriever asks for), and recall@10 against exact search. Vectors live in a numpy memmap in /tmp.

    python benchmarks/scale.py                                # 100k and 1M, about 10 minutes
    python benchmarks/scale.py --sizes 100000 --kinds flat,hnsw32 --ef 16,32,64
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
from synthetic_corpus import generated_sentences

from faqbot.settings import IndexSettings

EF_CONSTRUCTION = IndexSettings().hnsw_ef_construction  # as `faqbot build` uses

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
CHUNK = 100_000  # vectors generated and added per step
DIM = 384
TRAIN = 64 * 1024  # IVF k-means sample: 64 points per list at 1M (nlist 1024)


def real_embeddings(n_texts: int, devset: Path) -> tuple[np.ndarray, np.ndarray]:
    """(embedded generated texts, embedded dev-set questions), with the bundled model."""
    import json

    from faqbot.encoders.transformer import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder()
    texts = sorted(generated_sentences(ROOT / "corpus", n_texts), key=len)
    base = np.vstack([encoder.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    with open(devset, encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh if line.strip()]
    return base, encoder.encode(questions)


class Mixer:
    """Draws unit vectors: a mix of two real embeddings plus noise with their covariance.

    The mix is of deviations from the real embeddings' mean, so a synthetic vector leans on the
    common direction no more than a real one does (mixing raw vectors would crowd them together).
    """

    def __init__(self, base: np.ndarray, noise: float, seed: int):
        self.mean = base.mean(0).astype(np.float32)
        self.centred = (base - self.mean).astype(np.float32)
        _, s, vt = np.linalg.svd(self.centred, full_matrices=False)
        self.noise_basis = (s[:, None] / np.sqrt(len(base)) * vt).astype(np.float32)
        self.noise = noise
        self.rng = np.random.default_rng(seed)

    def draw(self, n: int) -> np.ndarray:
        r = self.rng
        a = self.centred[r.integers(len(self.centred), size=n)]
        b = self.centred[r.integers(len(self.centred), size=n)]
        w = r.random((n, 1), dtype=np.float32)
        z = r.standard_normal((n, len(self.noise_basis)), dtype=np.float32) @ self.noise_basis
        x = self.mean + a + w * b + self.noise * z
        return x / np.linalg.norm(x, axis=1, keepdims=True)


def random_unit(rng, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def write_vectors(path: Path, n: int, draw) -> np.memmap:
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    for i in range(0, n, CHUNK):
        out[i : i + CHUNK] = draw(min(CHUNK, n - i))
    out.flush()
    return out


def make_index(kind: str, n: int):
    """flat | hnswM | hnswM_sq8 | ivf | ivf_sq8 (nlist ~ sqrt(n), trained on a sample).

    "faqbot" (in `build`) is the index faqbot.index makes for the size, as configured."""
    ip = faiss.METRIC_INNER_PRODUCT
    if kind == "flat":
        return faiss.IndexFlatIP(DIM)
    m = re.fullmatch(r"hnsw(\d+)(_sq8)?", kind)
    if m:
        M = int(m.group(1))
        if m.group(2):
            index = faiss.IndexHNSWSQ(DIM, faiss.ScalarQuantizer.QT_8bit, M, ip)
        else:
            index = faiss.IndexHNSWFlat(DIM, M, ip)
        index.hnsw.efConstruction = EF_CONSTRUCTION
        return index
    nlist = 1 << round(np.log2(np.sqrt(n)))
    codes = "SQ8" if kind == "ivf_sq8" else "Flat"
    return faiss.index_factory(DIM, f"IVF{nlist},{codes}", ip)


def build(kind: str, vectors: np.ndarray):
    """The index, its build seconds, and its size in MB (serialised: what it holds in RAM)."""
    start = time.perf_counter()
    if kind == "faqbot":  # exactly what `faqbot build` makes for this many passages
        from faqbot.index.vectors import choose_index_type, make_faiss_index

        settings = IndexSettings()
        chosen = choose_index_type(len(vectors), settings.exact_index_max)
        index = make_faiss_index(np.ascontiguousarray(vectors), chosen, settings)
    else:
        index = make_index(kind, len(vectors))
        if not index.is_trained:
            rng = np.random.default_rng(1)
            sample = np.sort(rng.choice(len(vectors), min(len(vectors), TRAIN), replace=False))
            index.train(np.ascontiguousarray(vectors[sample]))
        for i in range(0, len(vectors), CHUNK):
            index.add(np.ascontiguousarray(vectors[i : i + CHUNK]))
    seconds = time.perf_counter() - start
    size = faiss.serialize_index(index).nbytes / 2**20
    gc.collect()
    return index, seconds, size


def set_knob(index, value: int | None) -> str:
    """Set efSearch (HNSW) or nprobe (IVF) unless value is None; name the setting in force."""
    if hasattr(index, "hnsw"):
        if value is not None:
            index.hnsw.efSearch = value
        return f"efSearch={index.hnsw.efSearch}"
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        return "exact"
    if value is not None:
        ivf.nprobe = value
    return f"nprobe={ivf.nprobe}"


def knobs(kind: str, args) -> list[int | None]:
    if kind.startswith("hnsw"):
        return args.ef
    return args.nprobe if kind.startswith("ivf") else [None]


def latency_ms(index, queries: np.ndarray, k: int, limit_s: float) -> tuple[float, float]:
    """p50 and p95 of one-query searches on one thread; stops early after `limit_s`."""
    times = []
    deadline = time.perf_counter() + limit_s
    for q in queries:
        start = time.perf_counter()
        index.search(q[None, :], k)
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > deadline and len(times) >= 20:
            break
    p50, p95 = np.percentile(times, [50, 95])
    return float(p50), float(p95)


def recall_at_10(index, queries: np.ndarray, truth: np.ndarray, n_real: int) -> tuple[float, ...]:
    """Mean recall@10 over all queries, and over the first n_real (dev-set questions) alone."""
    _, found = index.search(queries, 10)
    per = np.array([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    return float(per.mean()), float(per[:n_real].mean())


def cosines(vectors: np.ndarray, sims: np.ndarray, n_real: int) -> str:
    """Median cosines that show how clustered the set is, to compare with real embeddings."""
    sample = np.asarray(vectors[:2000])
    pairs = np.median((sample @ sample.T)[np.triu_indices(len(sample), 1)])
    real, synthetic = sims[:n_real], sims[n_real:]
    return (
        f"Median cosine: random pair {pairs:.2f}; top-1/top-10 neighbour of a real question "
        f"{np.median(real[:, 0]):.2f}/{np.median(real[:, 9]):.2f}, of a synthetic query "
        f"{np.median(synthetic[:, 0]):.2f}/{np.median(synthetic[:, 9]):.2f}."
    )


def run_size(n: int, args, draw, queries: np.ndarray, n_real: int, workdir: Path) -> None:
    vectors = write_vectors(workdir / f"vectors-{n}.npy", n, draw)
    faiss.omp_set_num_threads(2)
    flat, flat_s, flat_mb = build("flat", vectors)
    start = time.perf_counter()
    sims, truth = flat.search(queries, 10)
    truth_s = time.perf_counter() - start
    print(f"\n### {n:,} passages ({args.vectors} vectors)\n")
    print(
        f"Exact top-10 of {len(queries)} queries: {truth_s:.1f} s.", cosines(vectors, sims, n_real)
    )
    print("\n| index | build s | size MB | setting | p50 ms k=10 | p95 ms k=10 | p50 ms k=50 "
          "| recall@10 | recall@10 real questions |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        if kind == "flat":
            index, seconds, mb = flat, flat_s, flat_mb
        else:
            faiss.omp_set_num_threads(2)
            index, seconds, mb = build(kind, vectors)
        for value in knobs(kind, args):
            setting = set_knob(index, value)
            faiss.omp_set_num_threads(2)
            rec, rec_real = recall_at_10(index, queries, truth, n_real)
            faiss.omp_set_num_threads(1)
            p50, p95 = latency_ms(index, queries, 10, args.latency_seconds)
            p50_50, _ = latency_ms(index, queries, 50, args.latency_seconds)
            print(f"| {kind} | {seconds:.1f} | {mb:.0f} | {setting} | {p50:.2f} | {p95:.2f} "
                  f"| {p50_50:.2f} | {rec:.3f} | {rec_real:.3f} |", flush=True)  # fmt: skip
        if index is not flat:
            del index
        gc.collect()
    del flat, vectors
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--kinds", default="flat,hnsw32,hnsw32_sq8,ivf,ivf_sq8,faqbot")
    parser.add_argument("--ef", default="128,256,512", help="HNSW efSearch values")
    parser.add_argument("--nprobe", default="16,32", help="IVF nprobe values")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--base-texts", type=int, default=4000, help="real texts embedded")
    parser.add_argument("--noise", type=float, default=0.5, help="noise scale (x covariance)")
    parser.add_argument("--vectors", choices=("mixed", "random"), default="mixed")
    parser.add_argument("--latency-seconds", type=float, default=10.0, help="cap per setting")
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/data/devset.jsonl")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    args.ef = [int(x) for x in args.ef.split(",")]
    args.nprobe = [int(x) for x in args.nprobe.split(",")]

    start = time.perf_counter()
    base, real = real_embeddings(args.base_texts, args.devset)
    if args.vectors == "mixed":
        draw = Mixer(base, args.noise, seed=0).draw
    else:
        rng = np.random.default_rng(0)
        draw = lambda n: random_unit(rng, n, DIM)  # noqa: E731
    n_real = min(len(real), args.queries)
    queries = np.vstack([real[:n_real], draw(args.queries - n_real)]).astype(np.float32)
    print(f"{len(base)} real texts and {len(real)} dev-set questions embedded in "
          f"{time.perf_counter() - start:.1f} s; faiss {faiss.__version__}; load average "
          f"{os.getloadavg()[0]:.1f}; HNSW efConstruction {EF_CONSTRUCTION}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="faqbot-scale-", dir=args.workdir) as workdir:
        for n in map(int, args.sizes.split(",")):
            run_size(n, args, draw, queries, n_real, Path(workdir))
    print(f"\ntotal {time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
