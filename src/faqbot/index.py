"""Build, persist and load the FAISS + BM25 index under index/, atomically, with a manifest."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from .chunking import Chunk, Span, chunk_corpus
from .config import Settings
from .corpus import Corpus
from .embedding import INT8_FILE, ONNX_FILE, TOKENIZER_FILE, OnnxEncoder, quantize_onnx
from .lexical import LexicalIndex
from .spelling import corpus_vocabulary

FORMAT_VERSION = 5  # 5: passages embedded with the ONNX export, `passage_encoder` recorded
POINTER = "CURRENT"
LOCK = ".lock"  # held by the one build at a time in an index folder
FILES = ("chunks.jsonl", "vectors.faiss", "units.npy", "vocabulary.json")


class StaleIndexError(ValueError):
    """The index on disk is missing, broken or built from something else; the message says why."""


@dataclass(frozen=True)
class LoadedIndex:
    chunks: tuple[Chunk, ...]
    vectors: object  # faiss.Index
    lexical: LexicalIndex
    units: np.ndarray  # one float16 row per sentence or list item, in chunk order (mmap)
    vocabulary: list[str]  # every word of the corpus, lower-cased, for typo correction
    manifest: dict
    path: Path


def passage_for_embedding(chunk: Chunk, with_context: bool) -> str:
    return f"{chunk.section}. {chunk.text}" if with_context else chunk.text


def passage_for_lexical(chunk: Chunk) -> str:
    return f"{chunk.section}\n{chunk.text}"


# Measured by benchmarks/scale.py (docs/BENCHMARKS.md) on 1M real-model-like vectors: with 32
# links per node, a search beam of 512 finds 97% of real questions' exact top 10 in ~1.6 ms on one
# thread (384: 96%, 128: 89%); the index, vectors kept exact, is 1.7 GiB. A wider build beam (80)
# gave no better recall than 40 and built 35% slower.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 512


def choose_index_type(n_passages: int, exact_max: int) -> str:
    """Exact search while a flat scan is cheap; HNSW beyond (see docs/BENCHMARKS.md)."""
    return "flat" if n_passages <= exact_max else "hnsw"


def make_faiss_index(vectors: np.ndarray, kind: str, ef_search: int = HNSW_EF_SEARCH):
    """An inner-product index holding `vectors`: exact ("flat") or approximate ("hnsw")."""
    import faiss

    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        # Flat storage, not SQ8: FAQBot reconstructs passage vectors for its relevance score
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        set_search_breadth(index, ef_search)
    else:
        raise ValueError(f"index type must be 'flat' or 'hnsw', got {kind!r}")
    index.add(vectors)
    return index


def set_search_breadth(index, breadth: int) -> None:
    """Set an HNSW index's efSearch (saved with it): higher finds more true neighbours, slower.

    An exact index has nothing to set and is left as it is.
    """
    if breadth < 1:
        raise ValueError(f"the search breadth (efSearch) must be at least 1, got {breadth}")
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = breadth


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict:
    out = {}
    for pkg in ("faqbot", "faiss-cpu", "bm25s", "sentence-transformers", "torch", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def expected_manifest(corpus: Corpus, settings: Settings, model_id: str) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "chunking": settings.chunking(),
        "corpus_fingerprint": corpus.fingerprint,
    }


def build_index(
    corpus: Corpus, settings: Settings, encoder, index_dir: Path, progress=None
) -> Path:
    """Chunk, embed and write a new build beside the live one, then switch CURRENT atomically."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir):
        _remove_old_builds(index_dir)  # e.g. the staging folder of a build that was killed
        final = _build_locked(corpus, settings, encoder, index_dir, progress)
        _remove_old_builds(index_dir)
    return final


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder, across processes; the OS frees it if we die.

    Without it a build could switch CURRENT to its folder while another build, finishing, deleted
    every folder but its own: CURRENT then named a deleted folder.
    """
    with open(index_dir / LOCK, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build_locked(corpus: Corpus, settings: Settings, encoder, index_dir: Path, progress) -> Path:
    import faiss

    chunks = chunk_corpus(corpus.documents, settings.chunk_words)
    staging = (
        index_dir / f".build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}-{os.getpid()}"
    )
    staging.mkdir()
    try:
        exporter = getattr(encoder, "export_onnx", None)
        exported = bool(exporter and exporter(staging))
        passage_encoder = settings.passage_encoder if exported else "encoder"
        if settings.passage_encoder == "onnx-int8" and not exported:
            raise ValueError(
                "passage_encoder='onnx-int8' needs the ONNX export of the model, which failed "
                "or is unavailable (pip install onnx). Use passage_encoder='onnx' or 'encoder'."
            )
        texts = [passage_for_embedding(c, settings.embed_context) for c in chunks]
        unit_texts = [chunk_unit_text(c, u) for c in chunks for u in c.units]
        embedder = _passage_embedder(passage_encoder, encoder, staging, settings.threads)
        embedded = _encode_all(embedder, texts + unit_texts, progress)
        (staging / INT8_FILE).unlink(missing_ok=True)  # a build tool, not part of the index
        vectors = np.ascontiguousarray(embedded[: len(texts)])
        units = embedded[len(texts) :]
        np.save(staging / "units.npy", units.astype(np.float16))
        kind = choose_index_type(len(chunks), settings.exact_index_max)
        faiss.write_index(make_faiss_index(vectors, kind), str(staging / "vectors.faiss"))
        LexicalIndex.build([passage_for_lexical(c) for c in chunks]).save(staging / "lexical")
        vocabulary = corpus_vocabulary(f"{c.section}\n{c.text}" for c in chunks)
        (staging / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
        with open(staging / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(asdict(c), ensure_ascii=False) + "\n")
        query_encoder = "onnx" if exported else "same as passages"
        optional = (ONNX_FILE, TOKENIZER_FILE)
        lexical_files = sorted(str(p.relative_to(staging)) for p in (staging / "lexical").iterdir())
        checksummed = [*FILES, *lexical_files, *(n for n in optional if (staging / n).is_file())]
        manifest = expected_manifest(corpus, settings, encoder.model_id) | {
            "query_encoder": query_encoder,
            "passage_encoder": passage_encoder,
            "dimension": int(vectors.shape[1]),
            "n_chunks": len(chunks),
            "index_type": kind,
            "documents": [d.doc_id for d in corpus.documents],
            "versions": _versions(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "checksums": {name: _sha256(staging / name) for name in checksummed},
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = index_dir / staging.name.lstrip(".")
        os.replace(staging, final)
        _switch_pointer(index_dir, final.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def chunk_unit_text(chunk: Chunk, unit: Span) -> str:
    return chunk.text[unit.start - chunk.start : unit.end - chunk.start]


def _passage_embedder(kind: str, encoder, folder: Path, threads: int):
    """The encoder for passages and units: the ONNX export in `folder` (fp32 or int8), or `encoder`.

    onnxruntime runs the fp32 export ~3x as fast as sentence-transformers on torch here, with the
    same vectors (the export is checked to 1e-4), see docs/BENCHMARKS.md.
    """
    if kind == "encoder":
        return encoder
    max_tokens = getattr(encoder, "max_tokens", 256)
    if kind == "onnx-int8":
        file = quantize_onnx(folder).name
        return OnnxEncoder(folder, encoder.model_id, max_tokens, threads, file=file)
    return OnnxEncoder(folder, encoder.model_id, max_tokens, threads)


# Measured with onnxruntime on 2 cores: 16 texts a batch edged out 32 and 64 (benchmarks/build.py)
BUILD_BATCH = 16


def _encode_all(encoder, texts: list[str], progress=None, batch: int = BUILD_BATCH) -> np.ndarray:
    """One float32 row per text; each distinct text is encoded once, shortest first.

    Encoding in length order means a batch pads its texts to about their own length: in corpus
    order a 200-word passage beside 20-word ones made 1.7x the tokens a batch needs.
    """
    distinct = list(dict.fromkeys(texts))
    order = sorted(range(len(distinct)), key=lambda i: len(distinct[i]))
    vectors = np.zeros((len(distinct), encoder.dimension), np.float32)
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        vectors[rows] = encoder.encode([distinct[i] for i in rows])
        if progress:
            progress(min(start + batch, len(order)), len(order))
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def _switch_pointer(index_dir: Path, name: str) -> None:
    tmp = index_dir / f".{POINTER}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)


def _remove_old_builds(index_dir: Path) -> None:
    """Every build folder but the one CURRENT names; called only under the build lock, so any
    staging folder (.build-*) left is one whose build died (a killed build leaves ~90 MB)."""
    pointer = index_dir / POINTER
    try:
        keep = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None
    except (OSError, UnicodeDecodeError):
        keep = None
    for path in [*index_dir.glob("build-*"), *index_dir.glob(".build-*")]:
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / POINTER
    if not pointer.is_file():
        raise StaleIndexError(f"no index has been built in {index_dir}")
    try:
        build = index_dir / pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise StaleIndexError(f"{pointer} is unreadable") from None
    if not build.is_dir():
        raise StaleIndexError(f"{pointer} names {build.name}, which is missing")
    return build


def check_manifest(build: Path, expected: dict) -> dict:
    """Return the manifest, or raise StaleIndexError saying what differs or is damaged."""
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StaleIndexError(f"the manifest in {build} is missing or unreadable") from None
    if not isinstance(manifest, dict):
        raise StaleIndexError(f"the manifest in {build} is not a JSON object")
    for key, want in expected.items():
        if manifest.get(key) != want:
            what = {"corpus_fingerprint": "the corpus changed since the build"}.get(
                key, f"{key} differs (index has {manifest.get(key)!r}, settings want {want!r})"
            )
            raise StaleIndexError(what)
    check_files(build, manifest)
    return manifest


def check_files(build: Path, manifest: dict) -> None:
    """Every file of the build has its SHA-256 in the manifest, and matches it.

    Raises:
        StaleIndexError: no or malformed `checksums`, a file listed but missing or changed, a
            required file not listed, or a file in the build that the manifest does not list.
    """
    checksums = manifest.get("checksums")
    if not isinstance(checksums, dict) or not all(
        isinstance(name, str) and isinstance(digest, str) for name, digest in checksums.items()
    ):
        raise StaleIndexError(
            f"the manifest in {build} has no checksums object (file name -> SHA-256)"
        )
    outside = [n for n in checksums if not (build / n).resolve().is_relative_to(build.resolve())]
    if outside:
        raise StaleIndexError(f"the manifest in {build} lists a file outside it: {outside[0]}")
    onnx = manifest.get("query_encoder") == "onnx"  # queries then need the export's files
    required = [*FILES, *((ONNX_FILE, TOKENIZER_FILE) if onnx else ())]
    unlisted = [n for n in required if n not in checksums]
    if not any(n.startswith("lexical/") for n in checksums):
        unlisted.append("lexical/")
    present = {p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()}
    unlisted += sorted(present - set(checksums) - {"manifest.json"})
    if unlisted:
        raise StaleIndexError(f"the manifest in {build} has no checksum for {unlisted[0]}")
    for name, digest in checksums.items():
        path = build / name
        if not path.is_file() or _sha256(path) != digest:
            raise StaleIndexError(f"{name} in {build} is missing or damaged (checksum mismatch)")


def load_index(index_dir: Path, corpus: Corpus, settings: Settings, model_id: str) -> LoadedIndex:
    import faiss

    build = current_build(index_dir)
    manifest = check_manifest(build, expected_manifest(corpus, settings, model_id))
    try:
        vectors = faiss.read_index(str(build / "vectors.faiss"))
        lexical = LexicalIndex.load(build / "lexical")
        units = np.load(build / "units.npy", mmap_mode="r")
        vocabulary = json.loads((build / "vocabulary.json").read_text(encoding="utf-8"))
        with open(build / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = tuple(_chunk_from_json(json.loads(line)) for line in fh)
    except Exception as exc:  # any damage the checksums could not see
        raise StaleIndexError(f"the index in {build} could not be read ({exc})") from None
    n_units = sum(len(c.units) for c in chunks)
    if vectors.ntotal != len(chunks) or len(units) != n_units:
        raise StaleIndexError(f"{build} holds {vectors.ntotal} vectors for {len(chunks)} passages")
    return LoadedIndex(chunks, vectors, lexical, units, vocabulary, manifest, build)


def _chunk_from_json(row: dict) -> Chunk:
    row["units"] = tuple(Span(**u) for u in row["units"])
    return Chunk(**row)
