"""The safety policy step: what a message's crisis assessment does to the reply. No setting
turns it off. Every use of the safety package's policy names is here (and `assess` in bot.py)."""

from __future__ import annotations

from dataclasses import replace

from .safety import (
    SafetyAssessment,
    describes_dose_or_method,
    passage_mentions_suicide,
    safety_text,
)
from .types import Reply

WITHHELD_NOTE = "Some passages were left out of this reply."


def apply_policy(reply: Reply, assessment: SafetyAssessment) -> Reply:
    """The reply with safety text for the level; an acute one without dose or method quotes.

    A reply to a message with no crisis language still gets the resources line when one of its
    quotes discusses suicide or self-harm.
    """
    quotes, notes = reply.quotes, reply.notes
    if assessment.level == "acute":
        kept = tuple(q for q in quotes if not describes_dose_or_method(q.text))
        if len(kept) < len(quotes):
            notes += (WITHHELD_NOTE,)
        quotes = tuple(replace(q, number=n) for n, q in enumerate(kept, start=1))
    level = assessment.level
    if level == "none" and any(passage_mentions_suicide(q.text) for q in quotes):
        text = safety_text("mention")
    else:
        text = safety_text(level)
    return replace(
        reply,
        quotes=quotes,
        notes=notes,
        crisis=assessment.crisis,
        crisis_level=level,
        crisis_rule=assessment.rule,
        safety_text=text,
    )
