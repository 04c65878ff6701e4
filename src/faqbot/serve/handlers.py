"""The functions behind every serving surface (chat, staff desk, Gradio's API, the JSON API):
plain Python over one FAQBot, callable without a browser, Gradio or HTTP."""

from __future__ import annotations

from dataclasses import replace

from ..question import clean_text, visible
from ..render import citation, reply_dict, search_dict
from ..render.chat import chat_markdown, user_markdown
from ..render.html import article_html
from ..render.staff import hits_table, why_markdown, why_table
from ..types import Abstention, Passage, Reply, SearchResult
from .feedback import FeedbackLog

# the questions the articles seem not to answer; not "too long" (no question to teach) or
# those staff already marked "not in the articles"
KEPT_WHEN_ABSTAINED = (Abstention.LOW_RELEVANCE, Abstention.RARE_WORDS)


class UserError(ValueError):
    """A problem with the visitor's input, worded for the visitor."""


class Handlers:
    """Chat, look-up and API functions over one FAQBot; Gradio only wires them to components.

    Chat history is a list of {"role", "content"} dicts; `turns` maps the index of each bot
    message to the passage ids it quoted (and the question, kept in memory for opt-in logging).
    """

    def __init__(self, bot, feedback: FeedbackLog):
        self.bot = bot
        self.feedback = feedback
        self.documents = {d.doc_id: d for d in bot.corpus.documents}
        self.limit = bot.settings.limits.max_question_chars
        self.settings = bot.settings.serve

    # -- visitors -----------------------------------------------------------------------------
    def chat(self, question: str, history: list, turns: dict) -> tuple[list, dict, Reply | None]:
        """Ask and append the exchange; an empty question leaves the chat as it was."""
        question = clean_text(question) if isinstance(question, str) else ""
        if not visible(question):  # white space, zero-width and bidi marks only
            return history, turns, None
        # the visitor's earlier messages in this chat, oldest first: the safety layer reads the
        # last few with this one, and a follow-up is read with the last (server-side session
        # state, never logged)
        earlier = _said(turns)
        reply = self.bot.ask(question, earlier)  # over-long ones come back as a friendly note
        if reply.crisis_level != "acute":  # for the staff's review queue, on opt-in only
            if reply.abstention in KEPT_WHEN_ABSTAINED:
                self.feedback.unanswered(question)
            elif reply.uncovered and not reply.abstained:  # "the articles don't say ... X"
                self.feedback.unanswered(question, "caveat")
        options = reply.suggestions if reply.abstained else reply.followups
        serial = _next_serial(turns)  # the reply's ids, e.g. "reply3-1", are unique in the chat
        bot_message = {
            "role": "assistant",
            "content": chat_markdown(reply, self.documents, f"reply{serial}"),
            "options": [{"value": t, "label": t} for t in options],
        }
        history = [*history, {"role": "user", "content": user_markdown(question)}, bot_message]
        dropped = max(0, len(history) - 2 * self.settings.max_exchanges)  # oldest leave the top
        history = history[dropped:]
        turns = {int(i) - dropped: t for i, t in turns.items() if int(i) >= dropped}
        turns[len(history) - 1] = {
            "passages": [q.passage.chunk_id for q in reply.quotes],
            "question": question if self.feedback.log_questions else "",
            "said": _bounded(question, self.limit),  # for the next messages' safety check only
            "reply": serial,
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
    def api_ask(self, question: str, earlier: list[str] | None = None) -> dict:
        """The structured reply: passages, citations, abstention and crisis fields, Markdown.
        `earlier`: the visitor's previous messages in the same chat, oldest first (optional;
        the safety layer reads the last few with this one, and a follow-up is read with the
        last, as in the web chat)."""
        question = _text(question)
        said = _earlier(earlier, self.limit)
        try:
            # an over-long question comes back as a reply with a note, keeping its safety text
            reply = self.bot.ask(question, said)
        except ValueError as why:
            raise UserError(str(why)) from None
        return reply_dict(reply) | {"notes": list(reply.notes)}

    def api_search(
        self, question: str, k: int = 5, retriever: str = "hybrid", article: str = ""
    ) -> dict:
        """Ranked passages with hybrid, dense and lexical ranks and scores, and the query's
        safety assessment (crisis_level, safety_text) as /api/ask carries it."""
        return search_dict(self.search(question, k, retriever, article))

    # -- staff --------------------------------------------------------------------------------
    def search(self, question, k=5, retriever: str = "hybrid", article: str = "") -> SearchResult:
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
            wide = self.bot.search(
                question, k=self.bot.settings.limits.max_k, retriever=retriever or None
            )
        except ValueError as why:
            raise UserError(str(why)) from None
        return replace(wide, passages=tuple(h for h in wide if h.doc_id == article)[:k])

    def lookup(self, question, k, article) -> tuple[str, list[list], list[Passage]]:
        """The safety text for the query (shown above the results), the table, the passages."""
        hits = self.search(question, k, "hybrid", article or "")
        warning = "\n\n".join([hits.safety_text, *(f"_{n}_" for n in hits.notes)]).strip()
        return warning, hits_table(hits), list(hits)

    def show(self, hits: list[Passage], row: int) -> tuple[str, str]:
        """The selected passage's full article, highlighted, and its citation to copy."""
        if not hits or not 0 <= row < len(hits):
            return "", ""
        hit = hits[row]
        doc = self.documents[hit.doc_id]
        return article_html(doc.title, doc.text, hit.start, hit.end), citation.plain(hit.chunk)

    def why(self, question) -> tuple[str, list[list]]:
        """Why the bot answered (or abstained) as it did: ranks, scores, abstention, safety rule."""
        question = _text(question)
        try:
            hits = self.bot.search(question, k=self.settings.why_k)
        except ValueError as why:
            raise UserError(str(why)) from None
        reply = self.bot.ask(question)
        quoted = {q.passage.chunk_id for q in reply.quotes}
        return why_markdown(reply), why_table(hits, quoted)


def _text(question) -> str:
    if not isinstance(question, str):
        raise UserError(f"The question must be text, got {_kind(question)}.")
    return clean_text(question)


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def _bounded(text: str, limit: int) -> str:
    """A message kept for the next messages' safety check: whole up to `limit` characters, else
    its start and end (it was read whole on its own turn; the session state stays small)."""
    return text if len(text) <= limit else f"{text[: limit // 2]}\n{text[-(limit // 2) :]}"


def _earlier(earlier, limit: int) -> list[str]:
    """The earlier messages an API caller sent: a list of strings, each bounded like the chat's."""
    if earlier is None:
        return []
    if not isinstance(earlier, list | tuple) or not all(isinstance(e, str) for e in earlier):
        raise UserError(
            "earlier must be a list of the visitor's earlier messages (strings), oldest first."
        )
    return [_bounded(clean_text(e), limit) for e in earlier]


def _next_serial(turns) -> int:
    """One more than the highest reply number in the chat's turns (1 for a new chat). Not the
    message's index: once old exchanges leave the top, a new reply gets an index that a reply
    still shown was numbered with."""
    kept = [t.get("reply") for t in turns.values() if isinstance(t, dict)]
    return 1 + max((n for n in kept if type(n) is int), default=0)


def _said(turns) -> list[str]:
    """The visitor's earlier messages kept in the chat's turns, oldest first (odd ones skipped)."""
    if not isinstance(turns, dict):
        return []
    kept = []
    for key, turn in turns.items():
        said = turn.get("said") if isinstance(turn, dict) else None
        if isinstance(said, str) and str(key).isdigit():
            kept.append((int(key), said))
    return [said for _, said in sorted(kept)]
