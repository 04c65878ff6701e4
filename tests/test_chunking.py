from faqbot.ingest.chunking import chunk_corpus, chunk_document, split_sentences
from faqbot.ingest.corpus import load_corpus, parse_document
from tests.conftest import ROOT


def test_offsets_round_trip_for_every_chunk_of_the_bundled_corpus():
    corpus = load_corpus(ROOT / "corpus")
    for words in (20, 60, 200):
        for chunk in chunk_corpus(corpus.documents, words):
            text = corpus.by_id(chunk.doc_id).text
            assert text[chunk.start : chunk.end] == chunk.text
            assert all(text[u.start : u.end].strip() for u in chunk.units)


def test_a_chunk_never_cuts_a_sentence():
    corpus = load_corpus(ROOT / "corpus")
    for chunk in chunk_corpus(corpus.documents, 20):
        doc = corpus.by_id(chunk.doc_id).text
        before = doc[: chunk.start].rstrip(" ")
        assert before == "" or before.endswith(("\n", ".", "?", "!", ":", ")")), chunk.text[:40]


def test_sentences_respect_abbreviations(tmp_path):
    spans = split_sentences("Dr. Estakhri starts with a consultation. It takes an hour! Then?")
    text = "Dr. Estakhri starts with a consultation. It takes an hour! Then?"
    assert [text[s.start : s.end] for s in spans] == [
        "Dr. Estakhri starts with a consultation.",
        "It takes an hour!",
        "Then?",
    ]


def test_a_list_stays_with_the_sentence_that_introduces_it(tiny_corpus):
    doc = load_corpus(tiny_corpus).by_id("alpha")
    chunks = chunk_document(doc, max_words=5)  # smaller than the list: it still stays whole
    costs = [c for c in chunks if "Plan A" in c.text]
    assert len(costs) == 1
    assert costs[0].text == "Insurance may cover the cost:\n\n- Plan A covers it\n- Plan B does not"
    assert costs[0].section == "Costs"


def test_chunks_know_their_section_and_stay_inside_it(tiny_corpus):
    chunks = chunk_corpus(load_corpus(tiny_corpus).documents, max_words=100)
    assert [(c.doc_id, c.section) for c in chunks] == [
        ("alpha", "Driving"),
        ("alpha", "Costs"),
        ("beta", "Speed"),
        ("beta", "Rest"),
    ]


def test_ids_are_content_hashes_stable_across_runs(tiny_corpus):
    docs = load_corpus(tiny_corpus).documents
    first = [c.chunk_id for c in chunk_corpus(docs, 12)]
    assert first == [c.chunk_id for c in chunk_corpus(docs, 12)]
    assert len(set(first)) == len(first)
    assert all(len(i) == 16 for i in first)


def test_plain_text_documents_chunk_by_line(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("Title line\nFirst line. Second one.\nThird\n")
    doc = parse_document(path, path.read_text())
    chunks = chunk_document(doc, 2)  # each line its own paragraph; 2 words keeps them apart
    assert [c.text for c in chunks] == ["Title line", "First line.", "Second one.", "Third"]
