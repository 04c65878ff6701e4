import pytest

from faqbot import FAQBot, Settings
from faqbot.ingest.chunking import INTRO_SECTION, chunk_document
from faqbot.ingest.corpus import load_corpus
from faqbot.settings import Limits
from tests.conftest import ROOT, write_corpus

MAX_FILE_BYTES = Limits().max_file_bytes


def test_markdown_front_matter_is_parsed(tiny_corpus):
    corpus = load_corpus(tiny_corpus)
    alpha = corpus.by_id("alpha")
    assert (alpha.title, alpha.publisher) == ("Alpha Guide", "Alpha Clinic")
    assert alpha.text.startswith("## Driving")
    assert corpus.problems == ()


def test_bundled_corpus_has_three_articles_with_metadata():
    corpus = load_corpus(ROOT / "corpus")
    assert {d.publisher for d in corpus.documents} == {
        "Innerwell",
        "Allied Psychiatry & Mental Health",
        "Mindbloom",
    }
    assert (
        corpus.by_id("mindbloom-5-benefits").meta["medical_reviewer"] == "Chelsea Tersavich, PA-C"
    )
    assert "Book My Breakthrough" not in "".join(d.text for d in corpus.documents)


def test_bundled_corpus_keeps_every_seed_sentence_verbatim():
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside the checkout")
    text = "\n".join(d.text for d in load_corpus(ROOT / "corpus").documents)
    chrome = ("Published on", "Book My Breakthrough", "Updated on", "Medically reviewed by")
    kept = 0
    for seed in seeds.glob("*.txt"):
        lines = [ln.strip().lstrip("• ").strip() for ln in seed.read_text().splitlines()]
        for line in lines:
            if line and not line.startswith(chrome) and line in text:
                kept += 1
    # 104 lines in all; the rest are chrome: the title lines (in front matter), dates, the
    # promo box under article 000 and the footer of article 004.
    assert kept >= 95


def test_broken_files_are_reported_by_name_and_the_rest_load(tmp_path):
    folder = write_corpus(tmp_path / "c")
    (folder / "latin1.md").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (folder / "empty.txt").write_text("")
    (folder / "binary.md").write_bytes(b"\x00\x01\x02PNG")
    (folder / "badfm.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    (folder / "copy.md").write_text((folder / "alpha.md").read_text())
    (folder / "notes.txt").write_text("Plain title\nA sentence without headings.\n")
    corpus = load_corpus(folder)
    assert sorted(d.doc_id for d in corpus.documents) == ["alpha", "beta", "notes"]
    reasons = {p.path: p.reason for p in corpus.problems}
    assert set(reasons) == {"latin1.md", "empty.txt", "binary.md", "badfm.md", "copy.md"}
    assert "not UTF-8" in reasons["latin1.md"]
    assert "binary" in reasons["binary.md"]
    assert "duplicate of alpha.md" in reasons["copy.md"]


def test_folder_without_documents_raises_with_the_fix(tmp_path):
    with pytest.raises(ValueError, match="No usable document .* Add .md files"):
        load_corpus(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        load_corpus(tmp_path / "missing")


def test_more_broken_files_are_reported_and_a_markdown_file_without_headings_loads(tmp_path):
    folder = write_corpus(tmp_path / "c")
    # Notepad's "Unicode" is UTF-16: a UTF-8 reader sees the byte-order mark 0xff 0xfe first
    (folder / "notepad.md").write_bytes("## Hi\n\nText.\n".encode("utf-16"))
    (folder / "blank.md").write_text("---\ntitle: Only front matter\n---\n\n   \n")
    (folder / "huge.md").write_bytes(b"word " * (MAX_FILE_BYTES // 5 + 1))
    (folder / "windows.md").write_bytes(b"## Fees\r\n\r\nThe fee is 20 dollars.\r\n")
    (folder / "plain.md").write_text("Aftercare advice\n\nRest for the day. Drink water.\n")
    corpus = load_corpus(folder)
    reasons = {p.path: p.reason for p in corpus.problems}
    assert reasons == {
        "notepad.md": "skipped: is not UTF-8 (invalid start byte at byte 0); re-save it as UTF-8",
        "blank.md": "skipped: has no text",
        "huge.md": f"skipped: is {MAX_FILE_BYTES + 5:,} bytes, over the {MAX_FILE_BYTES:,} limit",
    }
    assert corpus.by_id("windows").text == "## Fees\n\nThe fee is 20 dollars.\n"
    plain = corpus.by_id("plain")
    assert plain.title == "Aftercare advice"
    chunks = chunk_document(plain, 60)
    assert [(c.section, c.text) for c in chunks] == [
        (INTRO_SECTION, "Aftercare advice\n\nRest for the day. Drink water.")
    ]


def test_a_markdown_file_without_headings_is_indexed_and_answers(tmp_path, fake_encoder):
    folder = write_corpus(
        tmp_path / "c", {"plain.md": "Driving\n\nDo not drive after a session.\n"}
    )
    bot = FAQBot.load(
        folder,
        tmp_path / "ix",
        Settings().replace(chunk_words=20),
        fake_encoder,
        log=lambda m: None,
    )
    hit = bot.search("can I drive", k=1)[0]
    assert (hit.doc_id, hit.section, hit.text) == (
        "plain",
        INTRO_SECTION,
        "Driving\n\nDo not drive after a session.",
    )


def test_a_corpus_whose_every_file_is_broken_names_each_file_and_the_fix(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "empty.txt").write_text("")
    (folder / "binary.md").write_bytes(b"\x00\x01PNG")
    with pytest.raises(ValueError) as error:
        load_corpus(folder)
    message = str(error.value)
    assert message.startswith(f"No usable document in {folder} (")
    assert "binary.md: skipped: looks like a binary file (contains NUL bytes)" in message
    assert "empty.txt: skipped: has no text" in message
    assert "latin1.md: skipped: is not UTF-8 (unexpected end of data at byte 3)" in message
    assert message.endswith("Add .md files and rebuild.")
