"""Build an index: chunk, embed (each distinct text once), write beside the live build, switch."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..encoders import Encoder
from ..encoders.onnx import (
    INT8_FILE,
    MAX_TOKENS,
    ONNX_FILE,
    TOKENIZER_FILE,
    OnnxEncoder,
    quantize_onnx,
)
from ..ingest import Corpus, chunk_corpus
from ..settings import Settings
from ..types import Chunk
from .lexical import LexicalIndex
from .store import (
    FILES,
    build_lock,
    expected_manifest,
    remove_old_builds,
    sha256,
    switch_pointer,
    versions,
)
from .texts import chunk_unit_text, passage_for_embedding, passage_for_lexical
from .vectors import choose_index_type, make_faiss_index
from .vocabulary import corpus_vocabulary


def build_index(
    corpus: Corpus,
    settings: Settings,
    encoder: Encoder,
    index_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Chunk, embed and write a new build beside the live one, then switch CURRENT atomically."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        remove_old_builds(index_dir)  # e.g. the staging folder of a build that was killed
        final = _build_locked(corpus, settings, encoder, index_dir, progress)
        remove_old_builds(index_dir)
    return final


def _build_locked(corpus, settings, encoder, index_dir: Path, progress) -> Path:
    chunks = chunk_corpus(corpus.documents, settings.index.chunk_words)
    staging = (
        index_dir / f".build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}-{os.getpid()}"
    )
    staging.mkdir()
    try:
        manifest = _embed_and_write(chunks, settings, encoder, staging, progress)
        manifest = expected_manifest(corpus, settings.index, encoder.model_id) | manifest
        manifest["documents"] = [d.doc_id for d in corpus.documents]
        manifest["versions"] = versions()
        manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        manifest["checksums"] = _checksums(staging)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = index_dir / staging.name.lstrip(".")
        os.replace(staging, final)
        switch_pointer(index_dir, final.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def build_with_progress(corpus: Corpus, settings: Settings, encoder: Encoder, index_dir: Path):
    """build_index with a progress bar on stderr."""
    from tqdm import tqdm

    with tqdm(
        total=0, desc="Embedding passages and sentences", unit="text", file=sys.stderr
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return build_index(corpus, settings, encoder, index_dir, progress)


def _embed_and_write(chunks: list[Chunk], settings: Settings, encoder, staging: Path, progress):
    """Write the build's files into `staging`; returns what the manifest records about them."""
    import faiss

    exporter = getattr(encoder, "export_onnx", None)
    exported = bool(exporter and exporter(staging))
    wanted = settings.index.passage_encoder
    passage_encoder = wanted if exported else "encoder"
    if wanted == "onnx-int8" and not exported:
        raise ValueError(
            "passage_encoder='onnx-int8' needs the ONNX export of the model, which failed "
            "or is unavailable (pip install onnx). Use passage_encoder='onnx' or 'encoder'."
        )
    texts = [passage_for_embedding(c, settings.index.embed_context) for c in chunks]
    unit_texts = [chunk_unit_text(c, u) for c in chunks for u in c.units]
    embedder = _passage_embedder(passage_encoder, encoder, staging, settings.encoder.threads)
    embedded = encode_all(embedder, texts + unit_texts, settings.encoder.build_batch, progress)
    (staging / INT8_FILE).unlink(missing_ok=True)  # a build tool, not part of the index
    vectors = np.ascontiguousarray(embedded[: len(texts)])
    np.save(staging / "units.npy", embedded[len(texts) :].astype(np.float16))
    kind = choose_index_type(len(chunks), settings.index.exact_index_max)
    index = make_faiss_index(vectors, kind, settings.index)
    faiss.write_index(index, str(staging / "vectors.faiss"))
    LexicalIndex.build([passage_for_lexical(c) for c in chunks]).save(staging / "lexical")
    vocabulary = corpus_vocabulary(f"{c.section}\n{c.text}" for c in chunks)
    (staging / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    with open(staging / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(asdict(c), ensure_ascii=False) + "\n")
    return {
        "query_encoder": "onnx" if exported else "same as passages",
        "passage_encoder": passage_encoder,
        "dimension": int(vectors.shape[1]),
        "n_chunks": len(chunks),
        "index_type": kind,
    }


def _checksums(staging: Path) -> dict[str, str]:
    optional = (ONNX_FILE, TOKENIZER_FILE)
    lexical_files = sorted(str(p.relative_to(staging)) for p in (staging / "lexical").iterdir())
    checksummed = [*FILES, *lexical_files, *(n for n in optional if (staging / n).is_file())]
    return {name: sha256(staging / name) for name in checksummed}


def _passage_embedder(kind: str, encoder, folder: Path, threads: int):
    """The encoder for passages and units: the ONNX export in `folder` (fp32 or int8), or `encoder`.

    onnxruntime runs the fp32 export ~3x as fast as sentence-transformers on torch here, with the
    same vectors (the export is checked to 1e-4), see docs/BENCHMARKS.md.
    """
    if kind == "encoder":
        return encoder
    max_tokens = getattr(encoder, "max_tokens", MAX_TOKENS)
    file = quantize_onnx(folder).name if kind == "onnx-int8" else ONNX_FILE
    return OnnxEncoder(folder, encoder.model_id, max_tokens, threads=threads, file=file)


def encode_all(encoder: Encoder, texts: list[str], batch: int, progress=None) -> np.ndarray:
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
