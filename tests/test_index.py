import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

import faqbot.index
import faqbot.index.build
from faqbot import FAQBot, Settings
from faqbot.index import build_index, current_build, encode_all
from faqbot.ingest import load_corpus
from tests.conftest import ROOT, FakeEncoder


def load(corpus, index, encoder=None, **kw):
    messages = []
    bot = FAQBot.load(
        corpus,
        index,
        Settings().replace(chunk_words=20),
        encoder or FakeEncoder(),
        log=messages.append,
        **kw,
    )
    return bot, messages


def test_first_load_builds_and_records_a_manifest(tiny_corpus, tmp_path):
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert messages == [
        f"Building the index in {tmp_path / 'ix'} because no index has been built "
        f"in {tmp_path / 'ix'}."
    ]
    manifest = bot.index.manifest
    assert manifest["model_id"] == "fake-encoder@1"
    assert manifest["dimension"] == 9
    assert manifest["chunking"] == {"chunk_words": 20, "embed_context": True}
    assert manifest["index_type"] == "flat"
    assert manifest["n_chunks"] == 5
    # the fake encoder has no ONNX export: it embeds the passages and answers the queries itself
    assert manifest["passage_encoder"] == "encoder"
    assert manifest["query_encoder"] == "same as passages"
    assert set(manifest["versions"]) >= {"faiss-cpu", "bm25s", "sentence-transformers", "numpy"}


def test_second_load_reuses_the_index_without_encoding(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix")
    encoder = FakeEncoder()
    _, messages = load(tiny_corpus, tmp_path / "ix", encoder)
    assert messages == [] and encoder.calls == 0


def test_ids_are_stable_across_rebuilds(tiny_corpus, tmp_path):
    a, _ = load(tiny_corpus, tmp_path / "a")
    b, _ = load(tiny_corpus, tmp_path / "b")
    assert [c.chunk_id for c in a.index.chunks] == [c.chunk_id for c in b.index.chunks]


def test_edited_corpus_is_detected_and_rebuilt(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix")
    path = tiny_corpus / "beta.md"
    path.write_text(path.read_text().replace("within hours", "within minutes"))
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert messages == [
        f"Building the index in {tmp_path / 'ix'} because the corpus changed since the build."
    ]
    assert any("within minutes" in c.text for c in bot.index.chunks)


def test_stale_index_is_refused_with_the_fix_when_rebuild_is_off(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix")
    (tiny_corpus / "gamma.md").write_text("## New\n\nA new article.\n")
    with pytest.raises(ValueError, match="corpus changed since the build. Run: faqbot build"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)


def test_other_model_or_chunking_is_stale(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix")
    other = FakeEncoder()
    other.model_id = "another-model@2"
    with pytest.raises(ValueError, match="model_id differs"):
        load(tiny_corpus, tmp_path / "ix", other, rebuild=False)
    with pytest.raises(ValueError, match="chunking differs"):
        FAQBot.load(
            tiny_corpus,
            tmp_path / "ix",
            Settings().replace(chunk_words=40),
            FakeEncoder(),
            rebuild=False,
        )


def test_damaged_file_is_detected_by_checksum(tiny_corpus, tmp_path):
    bot, _ = load(tiny_corpus, tmp_path / "ix")
    chunks = bot.index.path / "chunks.jsonl"
    chunks.write_text(chunks.read_text().replace("50 dollars", "5 dollars"))
    with pytest.raises(ValueError, match="chunks.jsonl .* damaged .*Run: faqbot build"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert "damaged" in messages[0] and "50 dollars" in bot.index.chunks[1].text


def test_interrupted_build_leaves_the_previous_index_loadable(tiny_corpus, tmp_path):
    first, _ = load(tiny_corpus, tmp_path / "ix")

    class Exploding(FakeEncoder):
        def encode(self, texts):
            raise KeyboardInterrupt  # e.g. Ctrl-C mid-build

    (tiny_corpus / "beta.md").write_text("## Changed\n\nSomething else entirely.\n")
    with pytest.raises(KeyboardInterrupt):
        load(tiny_corpus, tmp_path / "ix", Exploding())
    assert current_build(tmp_path / "ix") == first.index.path
    assert not [p for p in (tmp_path / "ix").iterdir() if p.name.startswith(".build")]


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from tests.conftest import FakeEncoder
from faqbot import FAQBot, Settings
class Slow(FakeEncoder):
    def encode(self, texts):
        print("encoding", flush=True); time.sleep(60)
FAQBot.load({corpus!r}, {index!r}, Settings().replace(chunk_words=20), Slow())
"""


def test_sigkill_mid_build_leaves_the_previous_index_loadable(tiny_corpus, tmp_path):
    first, _ = load(tiny_corpus, tmp_path / "ix")
    (tiny_corpus / "beta.md").write_text("## Changed\n\nSomething else entirely.\n")
    script = KILL_SCRIPT.format(root=str(ROOT), corpus=str(tiny_corpus), index=str(tmp_path / "ix"))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "encoding"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert current_build(tmp_path / "ix") == first.index.path
    manifest = json.loads((first.index.path / "manifest.json").read_text())
    assert manifest["n_chunks"] == 5
    # the old build still serves (reverting the corpus), and the next load rebuilds the new one
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert "corpus changed" in messages[0] and "Something else" in bot.index.chunks[-1].text


def _halve(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


BROKEN = {
    "vectors.faiss truncated": (
        lambda ix, b: _halve(b / "vectors.faiss"),
        "vectors.faiss in .* is missing or damaged",
    ),
    "units.npy truncated": (
        lambda ix, b: _halve(b / "units.npy"),
        "units.npy in .* is missing or damaged",
    ),
    "vocabulary.json deleted": (
        lambda ix, b: (b / "vocabulary.json").unlink(),
        "vocabulary.json in .* is missing or damaged",
    ),
    "lexical index deleted": (
        lambda ix, b: shutil.rmtree(b / "lexical"),
        "lexical.* is missing or damaged",
    ),
    "manifest is not JSON": (
        lambda ix, b: (b / "manifest.json").write_text('{"format_version": 3, "mod'),
        "the manifest in .* is missing or unreadable",
    ),
    "CURRENT names a missing build": (
        lambda ix, b: (ix / "CURRENT").write_text("build-20200101-000000-gone\n"),
        "/.*CURRENT names build-20200101-000000-gone, which is missing",
    ),
    "CURRENT deleted": (
        lambda ix, b: (ix / "CURRENT").unlink(),
        "no index has been built in",
    ),
}


@pytest.mark.parametrize("damage, why", BROKEN.values(), ids=BROKEN.keys())
def test_broken_index_is_refused_with_the_fix_and_rebuilt_by_default(
    tiny_corpus, tmp_path, damage, why
):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    expected = [h.chunk_id for h in good.search("price of a session")]
    damage(tmp_path / "ix", good.index.path)
    with pytest.raises(ValueError, match=f"is not usable: {why}.*Run: faqbot build"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert len(messages) == 1 and re.match(f"Building the index in .* because {why}", messages[0])
    assert bot.index.chunks == good.index.chunks
    assert [h.chunk_id for h in bot.search("price of a session")] == expected


# Found while testing (issues 8 and 15): each is refused with "Run: faqbot build" and rebuilt.
@pytest.mark.parametrize("text", ["[1, 2]", "null"])
def test_manifest_that_is_json_but_not_an_object_is_rebuilt(tiny_corpus, tmp_path, text):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    (good.index.path / "manifest.json").write_text(text)
    _, messages = load(tiny_corpus, tmp_path / "ix")
    assert "manifest" in messages[0]


def test_current_pointer_with_garbage_bytes_is_rebuilt(tiny_corpus, tmp_path):
    load(tiny_corpus, tmp_path / "ix")
    (tmp_path / "ix" / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    _, messages = load(tiny_corpus, tmp_path / "ix")
    assert messages[0].startswith("Building the index")


def test_lexical_index_from_another_build_is_detected(tiny_corpus, tmp_path):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    other = tmp_path / "other"
    (other / "alpha.md").parent.mkdir()
    (other / "alpha.md").write_text((tiny_corpus / "alpha.md").read_text())
    small, _ = load(other, tmp_path / "ix-other")
    shutil.rmtree(good.index.path / "lexical")
    shutil.copytree(small.index.path / "lexical", good.index.path / "lexical")
    with pytest.raises(ValueError, match="Run: faqbot build"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)


def _edit_manifest(build, edit) -> None:
    path = build / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def _flip_a_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


MANIFEST_DAMAGE = {
    # without checksums a flipped byte in the vectors would be served
    "no checksums": (
        lambda m: m.pop("checksums"),
        "the manifest in .* has no checksums object",
    ),
    "checksums a list": (
        lambda m: m.update(checksums=list(m["checksums"])),
        "the manifest in .* has no checksums object",
    ),
    "a digest that is a number": (
        lambda m: m["checksums"].update({"vectors.faiss": 7}),
        "the manifest in .* has no checksums object",
    ),
    "a required file not listed": (
        lambda m: m["checksums"].pop("vectors.faiss"),
        "the manifest in .* has no checksum for vectors.faiss",
    ),
    "the lexical files not listed": (
        lambda m: m.update(
            checksums={k: v for k, v in m["checksums"].items() if not k.startswith("lexical")}
        ),
        "the manifest in .* has no checksum for lexical/",
    ),
    "a name outside the build": (
        lambda m: m["checksums"].update({"../CURRENT": "0" * 64}),
        "the manifest in .* lists a file outside it: ../CURRENT",
    ),
}


@pytest.mark.parametrize("edit, why", MANIFEST_DAMAGE.values(), ids=MANIFEST_DAMAGE.keys())
def test_checksums_are_required_typed_and_cover_the_files(tiny_corpus, tmp_path, edit, why):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    _flip_a_byte(good.index.path / "vectors.faiss")
    _edit_manifest(good.index.path, edit)
    with pytest.raises(ValueError, match=f"is not usable: {why}.*Run: faqbot build"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)
    bot, messages = load(tiny_corpus, tmp_path / "ix")
    assert re.match(f"Building the index in .* because {why}", messages[0])
    assert bot.index.chunks == good.index.chunks


def test_an_edited_file_with_its_checksum_dropped_is_not_served(tiny_corpus, tmp_path):
    # "You should not drive" -> "You may drive", and the edited file's checksum deleted
    good, _ = load(tiny_corpus, tmp_path / "ix")
    chunks = good.index.path / "chunks.jsonl"
    chunks.write_text(chunks.read_text().replace("should not drive", "may drive"))
    _edit_manifest(good.index.path, lambda m: m["checksums"].pop("chunks.jsonl"))
    with pytest.raises(ValueError, match="has no checksum for chunks.jsonl"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)


def test_a_file_added_to_a_build_is_refused(tiny_corpus, tmp_path):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    (good.index.path / "lexical" / "extra.json").write_text("{}")
    with pytest.raises(ValueError, match="has no checksum for lexical/extra.json"):
        load(tiny_corpus, tmp_path / "ix", rebuild=False)


def test_every_file_of_a_build_has_a_checksum_in_its_manifest(tiny_corpus, tmp_path):
    good, _ = load(tiny_corpus, tmp_path / "ix")
    build = good.index.path
    files = sorted(p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())
    checksums = good.index.manifest["checksums"]
    assert sorted(checksums) == [f for f in files if f != "manifest.json"]
    for name, digest in checksums.items():
        assert hashlib.sha256((build / name).read_bytes()).hexdigest() == digest


def test_a_killed_builds_staging_folder_is_removed_by_the_next_build_even_if_it_fails(
    tiny_corpus, tmp_path
):
    first, _ = load(tiny_corpus, tmp_path / "ix")
    # what SIGKILL after the model export leaves (~90 MB with the real model); its pid is gone
    left = tmp_path / "ix" / ".build-20260101-000000-abcdef-4194999"
    (left / "encoder.onnx").parent.mkdir()
    (left / "encoder.onnx").write_bytes(b"x" * 1000)

    class Exploding(FakeEncoder):
        def encode(self, texts):
            raise RuntimeError("the encoder failed")

    with pytest.raises(RuntimeError):
        build_index(
            load_corpus(tiny_corpus),
            Settings().replace(chunk_words=20),
            Exploding(),
            tmp_path / "ix",
        )
    assert not left.exists()
    assert current_build(tmp_path / "ix") == first.index.path  # the live build is kept


def test_two_builds_at_once_leave_current_naming_a_build_that_exists(
    tiny_corpus, tmp_path, monkeypatch
):
    # Build A switches CURRENT to itself; before A removes the older folders, build B runs. With
    # no lock, B switched CURRENT to B and A then deleted B's folder.
    index = tmp_path / "ix"
    corpus, settings = load_corpus(tiny_corpus), Settings().replace(chunk_words=20)
    switch, flock = faqbot.index.build.switch_pointer, fcntl.flock
    b_waits = threading.Event()
    other = threading.Thread(target=build_index, args=(corpus, settings, FakeEncoder(), index))

    def waiting_flock(fh, operation):
        if threading.current_thread() is other and operation == fcntl.LOCK_EX:
            b_waits.set()  # B is about to wait for A's lock
        return flock(fh, operation)

    def switch_then_start_another_build(index_dir, name):
        switch(index_dir, name)
        if not other.is_alive() and not b_waits.is_set():  # A, between switch and clean-up
            other.start()
            while other.is_alive() and not b_waits.wait(0.05):
                pass  # B either finished (no lock) or waits for A (lock)

    monkeypatch.setattr(fcntl, "flock", waiting_flock)
    monkeypatch.setattr(faqbot.index.build, "switch_pointer", switch_then_start_another_build)
    a = build_index(corpus, settings, FakeEncoder(), index)
    other.join(timeout=60)
    live = current_build(index)  # raises if CURRENT names a deleted folder
    assert live != a and [p.name for p in index.iterdir() if "build-" in p.name] == [live.name]
    bot, messages = load(tiny_corpus, index)
    assert messages == [] and bot.index.path == live


class RecordingEncoder(FakeEncoder):
    def __init__(self):
        super().__init__()
        self.batches = []

    def encode(self, texts):
        self.batches.append(list(texts))
        return super().encode(texts)


def test_build_encodes_each_distinct_text_once_shortest_first():
    encoder = RecordingEncoder()
    texts = ["car price", "sleep", "car price", "the cost to drive fast", "sleep"]
    vectors = encode_all(encoder, texts, batch=2)
    # 3 distinct texts by length: "sleep" (5), "car price" (9), then the 22-character one
    assert encoder.batches == [["sleep", "car price"], ["the cost to drive fast"]]
    assert vectors.shape == (5, 9) and vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors, FakeEncoder().encode(texts))


def test_build_progress_counts_distinct_texts():
    seen = []
    encode_all(
        FakeEncoder(),
        ["a", "bb", "a", "ccc"],
        batch=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2, 3), (3, 3)]


def test_no_texts_give_an_empty_matrix():
    assert encode_all(FakeEncoder(), [], batch=16).shape == (0, 9)


def test_unknown_passage_encoder_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="passage_encoder must be one of onnx, onnx-int8, encoder"):
        Settings().replace(passage_encoder="gpu")


def test_int8_build_without_an_onnx_export_says_what_to_use(tiny_corpus, tmp_path):
    with pytest.raises(ValueError, match="needs the ONNX export.*Use passage_encoder='onnx'"):
        FAQBot.load(
            tiny_corpus,
            tmp_path / "ix",
            Settings().replace(passage_encoder="onnx-int8"),
            FakeEncoder(),
        )
    assert not list((tmp_path / "ix").glob("*build-*"))  # the staging folder is cleaned up


QUESTIONS = [
    "Can I drive after a session?",
    "How much does ketamine therapy cost?",
    "how fast does it work",
    "What are the side effects?",
    "Is ketamine addictive?",
]


@pytest.mark.e2e
@pytest.mark.slow
def test_onnx_build_matches_the_torch_build_and_int8_stays_close(real_bot, tmp_path):
    """The default index's passages are embedded by the ONNX export: the same vectors as the
    model on torch (checked on every 6th passage and on questions; a full torch build cost ~25 s
    of CI for the same check). An int8 build, on one article, stays close to them."""
    from faqbot.encoders.transformer import SentenceTransformerEncoder
    from faqbot.index.texts import passage_for_embedding

    torch_encoder = SentenceTransformerEncoder()
    settings = Settings()
    assert real_bot.index.manifest["passage_encoder"] == "onnx"
    rows = list(range(0, len(real_bot.index.chunks), 6))
    texts = [
        passage_for_embedding(real_bot.index.chunks[r], settings.index.embed_context) for r in rows
    ]
    default = real_bot.index.vectors.reconstruct_n(0, real_bot.index.vectors.ntotal)
    assert abs(default[rows] - torch_encoder.encode(texts)).max() < 1e-4
    queries = getattr(real_bot.encoder, "encoder", real_bot.encoder).encode(QUESTIONS)
    assert abs(queries - torch_encoder.encode(QUESTIONS)).max() < 1e-4

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "mindbloom-5-benefits.md", corpus)
    int8 = FAQBot.load(
        corpus, tmp_path / "int8", settings.replace(passage_encoder="onnx-int8"), torch_encoder
    )
    assert int8.index.manifest["passage_encoder"] == "onnx-int8"
    assert not (int8.index.path / "encoder-int8.onnx").exists()  # a build tool, not kept
    int8_texts = [passage_for_embedding(c, settings.index.embed_context) for c in int8.index.chunks]
    int8_vectors = int8.index.vectors.reconstruct_n(0, int8.index.vectors.ntotal)
    cosines = (int8_vectors * torch_encoder.encode(int8_texts)).sum(1)
    assert cosines.min() > 0.98  # measured 0.991 (mean 0.995) on the whole corpus
