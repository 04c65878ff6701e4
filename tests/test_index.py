import json
import os
import signal
import subprocess
import sys

import pytest

from faqbot import FAQBot, Settings
from faqbot.index import current_build
from tests.conftest import ROOT, FakeEncoder


def load(corpus, index, encoder=None, **kw):
    messages = []
    bot = FAQBot.load(
        corpus, index, Settings(chunk_words=20), encoder or FakeEncoder(), log=messages.append, **kw
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
            tiny_corpus, tmp_path / "ix", Settings(chunk_words=40), FakeEncoder(), rebuild=False
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
FAQBot.load({corpus!r}, {index!r}, Settings(chunk_words=20), Slow())
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
