"""The replies to small talk: the clinic's fixed wording, kept apart from any quote."""

from __future__ import annotations

from dataclasses import replace

from ..types import Abstention, Reply
from .clinic import ClinicText

SMALL_TALK = ("greeting", "thanks")  # answered by the clinic's words alone: nothing to look up


def small_talk_reply(question: str, intent: str, clinic: ClinicText) -> Reply:
    """A greeting or a thank-you as the bot's own message: no quotes, no abstention."""
    return Reply(question, (), intent=intent, message=clinic.message(intent))


def other_language_reply(question: str, language: str, clinic: ClinicText) -> Reply:
    """A question in another language (`language`, its code): the clinic's English-only note,
    no quotes (the articles are English: quotes found for it would be unrelated)."""
    why = Abstention.OTHER_LANGUAGE
    return Reply(
        question, (), why, f"{why.value} ({language})", intent="other_language",
        message=clinic.other_language,
    )  # fmt: skip


def with_contact(reply: Reply, clinic: ClinicText) -> Reply:
    """A question about reaching the clinic or a person: the clinic's contact details first, then
    whatever the articles say about it (quoted and cited as usual). When the articles say
    nothing, the details are the answer: no "I couldn't find this", no topics."""
    if reply.abstained:
        reply = replace(
            reply, abstention=None, abstain_reason="", suggestions=(), notes=(), uncovered=()
        )
    return replace(reply, intent="contact", message=clinic.contact)
