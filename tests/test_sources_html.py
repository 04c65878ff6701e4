"""The sources panel ("Show each quote in its article") on the real corpus: every heading and
paragraph is a block of its own, never run into the text around it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from faqbot.render.html import context_html, sources_html

BLOCKS = {"p", "div", "blockquote", "h3", "h4", "h5", "li", "br", "details", "summary"}


class _Lines(HTMLParser):
    """The text a browser lays out, one line per block element (what inner_text gives)."""

    def __init__(self):
        super().__init__()
        self.lines = [""]

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        self.lines[-1] += data


def lines_of(html: str) -> list[str]:
    parser = _Lines()
    parser.feed(html)
    return [line.strip() for line in parser.lines if line.strip()]


def test_two_headings_in_a_row_are_two_lines():
    text = "Intro text.\n\n## FAQs\n\n## Can I drive?\n\nNo. Wait a day.\n"
    start = text.index("No.")
    assert lines_of(context_html(text, start, start + 15)) == [
        "Intro text.", "FAQs", "Can I drive?", "No. Wait a day.",
    ]  # fmt: skip


@pytest.mark.e2e
def test_every_heading_near_a_quote_is_its_own_line_on_the_real_corpus(real_bot):
    checked = 0
    for chunk in real_bot.index.chunks:
        doc = next(d for d in real_bot.corpus.documents if d.doc_id == chunk.doc_id)
        lines = lines_of(context_html(doc.text, chunk.start, chunk.end))
        for heading in re.findall(r"^#{1,6}\s+(.+)$", doc.text, flags=re.M):
            shown = [line for line in lines if heading.strip() in line]
            for line in shown:
                assert line == heading.strip(), f"heading run into text: {line[:120]!r}"
                checked += 1
    assert checked > 30  # the windows do hold headings: the check ran on them


@pytest.mark.e2e
def test_the_drive_answer_shows_the_faq_heading_apart_from_the_question(real_bot):
    reply = real_bot.ask("Can I drive after a ketamine session?")
    documents = {d.doc_id: d for d in real_bot.corpus.documents}
    lines = lines_of(sources_html(reply, documents))
    assert "Frequently Asked Questions (FAQs)" in lines
    assert "Can I drive after a ketamine therapy session?" in lines
