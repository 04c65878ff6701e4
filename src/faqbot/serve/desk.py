"""The staff desk's functions: look-up with the question's words marked, why the bot answered,
teaching it (corpus/curated.yaml) and the review queue. Plain Python over one FAQBot."""

from __future__ import annotations

import time

from ..index.lexical import stem, tokenize
from ..ingest.curated import CuratedRow, append_curated
from ..render.staff import WORD, hits_table
from ..retrieval.spelling import english_frequency
from ..types import Passage
from .handlers import Handlers, UserError, _text
from .review import ReviewQueue

TAUGHT_HEADERS = ("line", "question", "answer", "article", "author", "date")
REVIEW_HEADERS = ("time", "why", "question")


class Desk:
    """What the staff desk's components call; Gradio only wires them (serve/staff_app.py)."""

    def __init__(self, handlers: Handlers, review: ReviewQueue):
        self.h, self.bot, self.review = handlers, handlers.bot, review

    # -- look up ------------------------------------------------------------------------------
    def lookup(self, question, k, article) -> tuple[str, list[list], list[Passage]]:
        """Crisis text for the query (above the results), rows with whole passages and the
        question's words marked (as BM25 stems them; no stop word or very common word), and
        the passages."""
        warning, _, hits = self.h.lookup(question, k, article)
        words = WORD.findall(self.bot.retriever.speller.correct(_text(question)))
        terms = {term for w in words if not self.common(w) for term in tokenize(w)}
        return warning, hits_table(hits, terms, stem, self.common), hits

    def common(self, word: str) -> bool:
        """A word never marked: a BM25 stop word, or at least `mark_max_zipf` common in English
        ("get", "like", "people"); in a passage too ("get" for a question's "getting")."""
        word = word.casefold()
        return (
            not tokenize(word) or english_frequency(word) >= self.bot.settings.serve.mark_max_zipf
        )

    def lookup_panel(self, question, k, article) -> tuple[str, str, list[list], list[Passage]]:
        """Everything one Look-up shows, all replaced on every query: a problem with the input
        in words (k out of range, no question; else ""), then what `lookup` gives, or nothing
        of the last query's, so its crisis text never stays above another question."""
        try:
            return ("", *self.lookup(question, k, article))
        except UserError as why:
            return str(why), "", [], []

    def sentences(self, hits: list[Passage], row: int) -> list[str]:
        """The sentences (and list items) of the selected passage, to pick the answering one."""
        if not hits or not 0 <= row < len(hits):
            return []
        chunk = hits[row].chunk
        text = self.h.documents[chunk.doc_id].text
        return [text[u.start : u.end] for u in chunk.units]

    # -- teach --------------------------------------------------------------------------------
    def teach(self, question, hits: list[Passage], row, sentence, author) -> str:
        """Save `sentence` of passage `row` as the answer to `question`; what visitors now get."""
        question, author = self._who(question, author)
        if not hits or row is None or not 0 <= int(row) < len(hits):
            raise UserError("Select the passage that answers it in the results table first.")
        passage = hits[int(row)]
        if not isinstance(sentence, str) or sentence not in self.sentences(hits, int(row)):
            raise UserError("Pick the sentence that answers it from the selected passage.")
        return self._save(CuratedRow(question, passage.doc_id, sentence, author, _today()))

    def not_in_articles(self, question, author) -> str:
        """Save that the articles do not answer `question`: visitors asking it get an abstention."""
        question, author = self._who(question, author)
        return self._save(CuratedRow(question, author=author, date=_today()))

    def _who(self, question, author) -> tuple[str, str]:
        question = _text(question).strip()
        if not question:
            raise UserError("Type the question to teach first.")
        # a message that reads as a crisis is answered by the crisis text, never by a taught
        # answer or "not in the articles" (the second outside audit saved "I want to kill myself")
        if self.bot.safety.assess(question).level == "acute":
            raise UserError(
                "This reads as a crisis message: visitors who send it get the crisis text first, "
                "and it cannot be taught. Teach a question about the treatment instead."
            )
        author = _text(author).strip() if isinstance(author, str) else ""
        if not author:
            raise UserError("Type your name or initials: each taught answer records its author.")
        return question, author

    def _save(self, row: CuratedRow) -> str:
        append_curated(self.bot.taught.curated.path, row)
        try:
            self.bot.reload_taught()
        except ValueError as why:  # someone broke the file by hand: say where
            raise UserError(str(why)) from None
        reply = self.bot.ask(row.question)
        if row.not_in_articles:
            now = (
                "the bot now says the articles do not cover it"
                if reply.abstained
                else ("the bot still answers it (another taught question is closer)")
            )
        else:
            first = reply.quotes[0] if reply.quotes else None
            served = first is not None and row.sentence in first.text
            now = "its first quote is now this sentence" if served else "check it: not served"
        return f"Saved to {self.bot.taught.curated.path.name}: {now}."

    def taught(self) -> tuple[list[list], str]:
        """The taught answers as table rows, and the entries that are not served, with why."""
        curated = self.bot.taught.curated
        rows = [
            [
                r.line,
                r.question,
                "(not in the articles)" if r.not_in_articles else r.sentence,
                r.doc_id,
                r.author,
                r.date,
            ]
            for r in curated.rows
        ]
        problems = "\n".join(f"- **Not served**: {p}" for p in curated.problems)
        return rows, problems

    # -- review queue -------------------------------------------------------------------------
    def queue(self) -> list[list]:
        """Kept questions (opt-in only) that nobody has taught yet, newest first."""
        taught = {" ".join(r.question.casefold().split()) for r in self.bot.taught.curated.rows}
        return [
            [e.time, e.why, e.question]
            for e in self.review.entries()
            if " ".join(e.question.casefold().split()) not in taught
        ]


def _today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())
