import pytest

from faqbot.corpus import load_corpus
from tests.conftest import ROOT, write_corpus


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
