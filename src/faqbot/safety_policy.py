"""The safety policy step: what a message's crisis assessment does to the reply. No setting
turns it off. Every use of the safety package's policy names is here (and `assess` in bot.py)."""

from __future__ import annotations

import re
from dataclasses import replace

from .answer.notes import uncovered_note
from .safety import (
    SafetyAssessment,
    describes_dose_or_method,
    later_language,
    later_line,
    passage_mentions_suicide,
    retired_number_note,
    safety_text,
    shown_language,
    text_language,
    told_beside,
)
from .types import Abstention, MarkdownText, Passage, Reply, SearchResult


def apply_policy(reply: Reply, assessment: SafetyAssessment, language: str | None = None) -> Reply:
    """The reply with safety text for the level (first in `language`, the code of a message
    not in English, when the crisis file has its text: data/crisis.toml).

    An acute reply keeps no quote that gives a dose, a route or a phone number, and nothing
    that competes with the crisis message: no topic suggestions, follow-ups or notes about what
    was left out; when no quote is left, a line says questions can wait. A reply with no crisis
    language still gets the resources line when one of its quotes discusses suicide or
    self-harm; a quote with a retired crisis number brings a note with the current one (the
    quote itself is never changed).
    """
    quotes, notes = reply.quotes, reply.notes
    language = text_language(language, assessment.rule)
    extra = {}
    if assessment.level == "acute":
        kept = [q for q in quotes if not describes_dose_or_method(q.text)]
        quotes = tuple(replace(q, number=n) for n, q in enumerate(kept, start=1))
        # nothing competes with the crisis message: no topics, caveats or "uncovered" words
        extra = {"suggestions": (), "followups": (), "uncovered": ()}
        # only "too long" stays: it says why there is no answer
        notes = notes if reply.abstention is Abstention.TOO_LONG else ()
        asked_in_english = reply.intent != "other_language"
        if (
            not quotes
            and reply.abstention is not Abstention.TOO_LONG
            and (not reply.message or not asked_in_english)
        ):
            # no article text is left to show: say that questions can wait (data/crisis.toml),
            # in the visitor's language (not "please ask in English" under the crisis message)
            extra["message"] = later_line(language=language)
            extra["message_language"] = later_language(language=language)
    elif reply.uncovered:  # the crisis sentence told beside a question is not what it asks
        extra = _asked_only(reply, told_beside(reply.question, assessment))
        notes = extra.pop("notes", notes)
    notes += _retired_notes(q.text for q in quotes)
    level = assessment.level
    if level == "none" and any(passage_mentions_suicide(q.text) for q in quotes):
        text = safety_text("mention")
    else:
        text = safety_text(level, rule=assessment.rule, language=language)
    return replace(
        reply,
        quotes=quotes,
        notes=notes,
        crisis=assessment.crisis,
        crisis_level=level,
        crisis_rule=assessment.rule,
        safety_text=text,
        safety_language=shown_language(level, language),
        **extra,
    )


def _asked_only(reply: Reply, told: tuple[str, ...]) -> dict:
    """`uncovered` without the words of the sentences the visitor `told` beside the question
    (the safety text answers those: "The articles don't say anything about “nurse” or “plan”"
    was shown under the resources line), and the notes with the caveat to match; {} when
    nothing changes."""
    said = {w.casefold() for t in told for w in re.findall(r"[\w'’-]+", t)}
    asked = tuple(w for w in reply.uncovered if w.casefold() not in said)
    if asked == reply.uncovered:
        return {}
    old = set(uncovered_note(reply.uncovered))
    notes = tuple(n for n in reply.notes if n not in old) + uncovered_note(asked)
    return {"uncovered": asked, "notes": notes}


def apply_search_policy(
    passages: list[Passage], assessment: SafetyAssessment, language: str | None = None
) -> SearchResult:
    """Search results carry the query's safety assessment, as replies do (its text first in
    `language` when the query is not in English, as `apply_policy`): an acute query gets
    the crisis message and no passage that gives a dose, a route or a phone number, and a note
    says which were left out, by rank (staff would otherwise see gaps in the ranks)."""
    notes: tuple[str, ...] = ()
    language = text_language(language, assessment.rule)
    if assessment.level == "acute":
        held = [describes_dose_or_method(p.text) for p in passages]
        if any(held):  # staff see that passages were held back, which, and why
            notes = (_left_out_note([p.rank for p, h in zip(passages, held, strict=True) if h]),)
        passages = [p for p, h in zip(passages, held, strict=True) if not h]
    level = assessment.level
    if level == "none" and any(passage_mentions_suicide(p.text) for p in passages):
        level = "mention"
    return SearchResult(
        tuple(passages),
        crisis_level=assessment.level,
        crisis_rule=assessment.rule,
        safety_text=safety_text(level, rule=assessment.rule, language=language),
        safety_language=shown_language(level, language),
        notes=notes + _retired_notes(p.text for p in passages),
    )


def _left_out_note(ranks: list[int]) -> str:
    """Which ranks an acute search held back, and why: "1 passage left out (rank 1): ... and it
    gives ...", "3 passages left out (ranks 1, 2 and 4): ... and they give ..."."""
    if len(ranks) == 1:
        what, verb = f"1 passage left out (rank {ranks[0]})", "it gives"
    else:
        named = f"{', '.join(map(str, ranks[:-1]))} and {ranks[-1]}"
        what, verb = f"{len(ranks)} passages left out (ranks {named})", "they give"
    why = f"the query reads as a crisis, and {verb} a dose, a route, a method or a phone number"
    return f"{what}: {why}."


def _retired_notes(texts) -> tuple[MarkdownText, ...]:
    """The current crisis line's note, once, for quotes with a retired number: the crisis
    file's own Markdown (its bold and links shown as such on the web)."""
    notes = dict.fromkeys(n for n in map(retired_number_note, texts) if n)
    return tuple(MarkdownText(n) for n in notes)
