"""The index on disk: one folder per build, CURRENT switched atomically, a checked manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from ..ingest import Corpus
from ..settings import IndexSettings
from ..types import Chunk, Span
from .lexical import LexicalIndex

FORMAT_VERSION = 5  # 5: passages embedded with the ONNX export, `passage_encoder` recorded
POINTER = "CURRENT"
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


def remove_old_builds(index_dir: Path, keep: str) -> None:
    for path in index_dir.glob("build-*"):
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(".build-*"):  # left by a build that was killed
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
    for name, digest in manifest.get("checksums", {}).items():
        path = build / name
        if not path.is_file() or sha256(path) != digest:
            raise StaleIndexError(f"{name} in {build} is missing or damaged (checksum mismatch)")
    return manifest


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
