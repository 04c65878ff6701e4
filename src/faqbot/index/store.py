"""The index on disk: one folder per build, CURRENT switched atomically, a checked manifest."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from ..encoders.onnx import ONNX_FILE, TOKENIZER_FILE
from ..ingest import Corpus
from ..settings import IndexSettings
from ..types import Chunk, Span
from .lexical import LexicalIndex

FORMAT_VERSION = 5  # 5: passages embedded with the ONNX export, `passage_encoder` recorded
POINTER = "CURRENT"
LOCK = ".lock"  # held by the one build at a time in an index folder
FILES = ("chunks.jsonl", "vectors.faiss", "units.npy", "vocabulary.json")


class StaleIndexError(ValueError):
    """The index on disk is missing, broken or built from something else; the message says why."""


@dataclass(frozen=True)
class LoadedIndex:
    """A build read back from disk, checked against its manifest."""

    chunks: tuple[Chunk, ...]
    vectors: object  # faiss.Index
    lexical: LexicalIndex
    units: np.ndarray  # one float16 row per sentence or list item, in chunk order (mmap)
    vocabulary: list[str]  # every word of the corpus, lower-cased, for typo correction
    manifest: dict
    path: Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict:
    out = {}
    for pkg in ("faqbot", "faiss-cpu", "bm25s", "sentence-transformers", "torch", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def expected_manifest(corpus: Corpus, settings: IndexSettings, model_id: str) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "chunking": settings.manifest(),
        "corpus_fingerprint": corpus.fingerprint,
    }


def switch_pointer(index_dir: Path, name: str) -> None:
    tmp = index_dir / f".{POINTER}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
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


def remove_old_builds(index_dir: Path) -> None:
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
        if not path.is_file() or sha256(path) != digest:
            raise StaleIndexError(f"{name} in {build} is missing or damaged (checksum mismatch)")


def load_index(
    index_dir: Path, corpus: Corpus, settings: IndexSettings, model_id: str
) -> LoadedIndex:
    """The live build, checked against what `corpus`, `settings` and the model would make.

    Raises:
        StaleIndexError: missing, damaged or built from something else; the message says why.
    """
    import faiss

    build = current_build(index_dir)
    manifest = check_manifest(build, expected_manifest(corpus, settings, model_id))
    try:
        vectors = faiss.read_index(str(build / "vectors.faiss"))
        lexical = LexicalIndex.load(build / "lexical")
        units = np.load(build / "units.npy", mmap_mode="r")
        vocabulary = json.loads((build / "vocabulary.json").read_text(encoding="utf-8"))
        with open(build / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = tuple(chunk_from_json(json.loads(line)) for line in fh)
    except Exception as exc:  # any damage the checksums could not see
        raise StaleIndexError(f"the index in {build} could not be read ({exc})") from None
    n_units = sum(len(c.units) for c in chunks)
    if vectors.ntotal != len(chunks) or len(units) != n_units:
        raise StaleIndexError(f"{build} holds {vectors.ntotal} vectors for {len(chunks)} passages")
    return LoadedIndex(chunks, vectors, lexical, units, vocabulary, manifest, build)


def chunk_from_json(row: dict) -> Chunk:
    row["units"] = tuple(Span(**u) for u in row["units"])
    return Chunk(**row)
