"""The replies to small talk: the clinic's fixed wording, kept apart from any quote."""

from __future__ import annotations

from dataclasses import replace

from ..types import Reply
from .clinic import ClinicText

SMALL_TALK = ("greeting", "thanks")  # answered by the clinic's words alone: nothing to look up


def small_talk_reply(question: str, intent: str, clinic: ClinicText) -> Reply:
    """A greeting or a thank-you as the bot's own message: no quotes, no abstention."""
    return Reply(question, (), intent=intent, message=clinic.message(intent))


def with_contact(reply: Reply, clinic: ClinicText) -> Reply:
    """A question about reaching the clinic or a person: the clinic's contact details first, then
    whatever the articles say about it (quoted and cited as usual). When the articles say
    nothing, the details are the answer: no "I couldn't find this", no topics."""
    if reply.abstained:
        reply = replace(
            reply, abstention=None, abstain_reason="", suggestions=(), notes=(), uncovered=()
        )
    return replace(reply, intent="contact", message=clinic.contact)
