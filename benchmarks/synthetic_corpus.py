"""Synthetic corpora from the bundled articles' own sentences, shuffled into new paragraphs.

The text keeps the real vocabulary, sentence lengths and topics (so encode cost and embedding
distribution look like the real corpus) while reaching any size.
"""

from __future__ import annotations

import random
from pathlib import Path

from faqbot.ingest import load_corpus
from faqbot.ingest.chunking import split_sentences

SECTIONS_PER_DOC = 50
# A paragraph stops growing past this many words: one section then chunks into one passage of
# about the bundled corpus's median length (71 words at chunk_words=120).
PARAGRAPH_WORDS = 70


def corpus_sentences(corpus_dir: Path) -> tuple[list[str], list[str]]:
    """Prose sentences (4+ words) and section headings of the articles in `corpus_dir`."""
    sentences, headings = [], []
    for doc in load_corpus(corpus_dir).documents:
        for block in doc.text.split("\n\n"):
            block = block.strip()
            if block.startswith("#"):
                headings.append(block.lstrip("#").strip())
            elif block and not block.lstrip().startswith(("-", "*", "|", ">")):
                for span in split_sentences(block):
                    text = block[span.start : span.end].strip()
                    if len(text.split()) >= 4 and "\n" not in text:
                        sentences.append(text)
    return sentences, headings or ["Section"]


def paragraph(rng: random.Random, sentences: list[str], vocabulary: list[str] | None) -> str:
    """Sentences drawn at random; with a vocabulary, one word of each swapped for a random one."""
    out, words = [], 0
    while words < PARAGRAPH_WORDS:
        s = rng.choice(sentences)
        if vocabulary:
            tokens = s.split()
            tokens[rng.randrange(len(tokens))] = rng.choice(vocabulary)
            s = " ".join(tokens)
        out.append(s)
        words += len(s.split())
    return " ".join(out)


def write_corpus(
    source: Path, target: Path, passages: int, seed: int = 0, unique: bool = False
) -> int:
    """Write about `passages` one-paragraph sections as .md articles; returns the files written.

    The bundled articles hold ~1,400 distinct sentences, so 10k passages repeat each ~30 times;
    `unique` makes (almost) every sentence distinct, for timing builds that encode a text once.
    """
    rng = random.Random(seed)
    sentences, headings = corpus_sentences(source)
    vocabulary = sorted({w for s in sentences for w in s.split()}) if unique else None
    target.mkdir(parents=True, exist_ok=True)
    n_docs = max(1, round(passages / SECTIONS_PER_DOC))
    for d in range(n_docs):
        sections = min(SECTIONS_PER_DOC, passages - d * SECTIONS_PER_DOC)
        body = [
            f"## {rng.choice(headings)} ({d}.{s})\n\n{paragraph(rng, sentences, vocabulary)}"
            for s in range(sections)
        ]
        front = f'---\ntitle: "Synthetic article {d}"\npublisher: Benchmark\n---\n\n'
        (target / f"synthetic-{d:05d}.md").write_text(front + "\n\n".join(body) + "\n")
    return n_docs


def generated_sentences(source: Path, n: int, seed: int = 0) -> list[str]:
    """`n` short texts: real sentences, and pairs of them joined, for embedding at scale."""
    rng = random.Random(seed)
    sentences, _ = corpus_sentences(source)
    out = list(sentences)
    while len(out) < n:
        out.append(f"{rng.choice(sentences)} {rng.choice(sentences)}")
    rng.shuffle(out)
    return out[:n]
