"""The server functions behind the web UI and its API, callable without a browser or Gradio."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import asdict
from pathlib import Path

from .reply import Reply
from .retrieval import Hit
from .ui_render import (
    article_html,
    citation_text,
    hits_table,
    reply_markdown,
    user_markdown,
    why_markdown,
    why_table,
)

WHY_K = 10  # passages shown in the "why this answer" table
# The chat page sends the whole conversation with each question, and every request is capped at
# http_guard.MAX_BODY_BYTES (128 KiB): 12 exchanges of at most ~7.3 KB (dev set) stay well under
# it. Older ones leave the top of the chat.
MAX_EXCHANGES = 12
# Lone UTF-16 surrogates arrive from JSON ("\ud800") or a browser that cut an emoji in half; the
# tokenizer rejects them (TypeError), so they become U+FFFD before the bot sees the question.
_SURROGATE = re.compile("[\ud800-\udfff]")


class UserError(ValueError):
    """A problem with the visitor's input, worded for the visitor."""


class FeedbackLog:
    """Appends thumbs up/down to a JSONL file: rating and passage ids; the question on opt-in."""

    def __init__(self, path: str | Path | None, log_questions: bool = False):
        self.path = Path(path) if path else None
        self.log_questions = log_questions
        self._lock = threading.Lock()

    def record(self, liked: bool, passages: list[str], question: str = "") -> dict | None:
        if self.path is None:
            return None
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rating": "up" if liked else "down",
            "passages": list(passages),
        }
        if self.log_questions:
            entry["question"] = question
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry


class Handlers:
    """Chat, look-up and API functions over one FAQBot; Gradio only wires them to components.

    Chat history is a list of {"role", "content"} dicts; `turns` maps the index of each bot
    message to the passage ids it quoted (and the question, kept in memory for opt-in logging).
    """

    def __init__(self, bot, feedback: FeedbackLog):
        self.bot = bot
        self.feedback = feedback
        self.documents = {d.doc_id: d for d in bot.corpus.documents}
        self.limit = bot.settings.max_question_chars

    # -- visitors -----------------------------------------------------------------------------
    def chat(self, question: str, history: list, turns: dict) -> tuple[list, dict, Reply | None]:
        """Ask and append the exchange; an empty question leaves the chat as it was."""
        question = _clean(question) if isinstance(question, str) else ""
        if not question.strip():
            return history, turns, None
        reply = self.bot.ask(question)  # over-long questions come back as a friendly note
        options = reply.suggestions if reply.abstained else reply.followups
        bot_message = {
            "role": "assistant",
            "content": reply_markdown(reply, self.documents),
            "options": [{"value": t, "label": t} for t in options],
        }
        history = [*history, {"role": "user", "content": user_markdown(question)}, bot_message]
        dropped = max(0, len(history) - 2 * MAX_EXCHANGES)
        history = history[dropped:]
        turns = {int(i) - dropped: t for i, t in turns.items() if int(i) >= dropped}
        turns[len(history) - 1] = {
            "passages": [q.hit.chunk_id for q in reply.quotes],
            "question": question if self.feedback.log_questions else "",
        }
        return history, turns, reply

    def rate(self, turns: dict, index, liked) -> dict | None:
        """Record a thumbs up/down on bot message `index`; other feedback values are ignored."""
        index = index[0] if isinstance(index, list | tuple) else index
        turn = turns.get(index) or turns.get(str(index))
        if turn is None or not isinstance(liked, bool):
            return None
        return self.feedback.record(liked, turn["passages"], turn["question"])

    # -- API ----------------------------------------------------------------------------------
    def api_ask(self, question: str) -> dict:
        """The structured reply: passages, citations, abstention and crisis fields, Markdown."""
        question = _text(question)
        try:
            # an over-long question comes back as a reply with a note, keeping its safety text
            reply = self.bot.ask(question)
        except ValueError as why:
            raise UserError(str(why)) from None
        return reply.to_dict() | {"notes": list(reply.notes)}

    def api_search(
        self, question: str, k: int = 5, retriever: str = "hybrid", article: str = ""
    ) -> list[dict]:
        """Ranked passages with hybrid, dense and lexical ranks and scores."""
        return [asdict(h) for h in self.search(question, k, retriever, article)]

    # -- staff --------------------------------------------------------------------------------
    def search(self, question, k=5, retriever: str = "hybrid", article: str = "") -> list[Hit]:
        """Top k passages, optionally from one article only (ranks stay corpus-wide)."""
        question = _text(question)
        if isinstance(k, float) and k.is_integer():  # Gradio's Number sends 5.0
            k = int(k)
        if not isinstance(article, str):
            raise UserError(f"The article must be an article id (text), got {_kind(article)}.")
        if article and article not in self.documents:
            raise UserError(f"No article {article!r}. Choose one of: {', '.join(self.documents)}")
        try:
            if not article:
                return self.bot.search(question, k=k, retriever=retriever or None)
            self.bot.search(question, k=k, retriever=retriever or None)  # validates k as given
            wide = self.bot.search(question, k=self.bot.settings.max_k, retriever=retriever or None)
        except ValueError as why:
            raise UserError(str(why)) from None
        return [h for h in wide if h.doc_id == article][:k]

    def lookup(self, question, k, article) -> tuple[list[list], list[Hit]]:
        hits = self.search(question, k, "hybrid", article or "")
        return hits_table(hits), hits

    def show(self, hits: list[Hit], row: int) -> tuple[str, str]:
        """The selected passage's full article, highlighted, and its citation to copy."""
        if not hits or not 0 <= row < len(hits):
            return "", ""
        hit = hits[row]
        doc = self.documents[hit.doc_id]
        return article_html(doc.title, doc.text, hit.start, hit.end), citation_text(hit)

    def why(self, question) -> tuple[str, list[list]]:
        """Why the bot answered (or abstained) as it did: ranks, scores, abstention, safety rule."""
        question = _text(question)
        try:
            hits = self.bot.search(question, k=WHY_K)
        except ValueError as why:
            raise UserError(str(why)) from None
        reply = self.bot.ask(question)
        quoted = {q.hit.chunk_id for q in reply.quotes}
        return why_markdown(reply), why_table(hits, quoted)


def _text(question) -> str:
    if not isinstance(question, str):
        raise UserError(f"The question must be text, got {_kind(question)}.")
    return _clean(question)


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)
