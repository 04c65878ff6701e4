"""The reply to small talk: the clinic's fixed wording, no quotes, no abstention."""

from __future__ import annotations

from ..types import Reply
from .clinic import ClinicText


def small_talk_reply(question: str, intent: str, clinic: ClinicText) -> Reply:
    """A greeting, a thank-you or the clinic's contact details, as the bot's own message."""
    return Reply(question, (), intent=intent, message=clinic.message(intent))
