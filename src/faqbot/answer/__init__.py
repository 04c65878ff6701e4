"""The answer stage: Candidates -> a Reply of cited verbatim quotes, or an honest abstention."""

from __future__ import annotations

from ..retrieval import Candidates
from ..settings import AnswerSettings, Limits
from ..types import Abstention, Reply
from .answerability import Calibration, abstention, load_calibration
from .evidence import Evidence, gather_evidence
from .notes import unmentioned_note
from .quotes import make_quote
from .ranking import select, topics

__all__ = ["Calibration", "Evidence", "answer", "gather_evidence", "load_calibration"]


def answer(
    candidates: Candidates,
    documents: dict[str, str],
    calibration: Calibration,
    settings: AnswerSettings,
) -> Reply:
    """The reply before safety policy. `documents` maps doc_id to the text quotes are cut from."""
    question, items = candidates.question, candidates.items
    why = abstention(gather_evidence(candidates), calibration)
    if why:
        return Reply(question, (), *why, suggestions=topics(items, (), settings.topics))
    chosen = select(items, settings)
    quotes = tuple(
        make_quote(c, n, documents[c.passage.doc_id], settings) for n, c in enumerate(chosen, 1)
    )
    return Reply(
        question,
        quotes,
        followups=topics(items, chosen, settings.topics),
        notes=unmentioned_note(question, candidates.rare_unknown, settings.unmentioned_max_zipf),
    )


def too_long(question: str, why: ValueError, limits: Limits) -> Reply:
    """The reply to a question over the length limit: the limit, no quotes."""
    return Reply(
        question[: limits.echo_chars],
        (),
        Abstention.TOO_LONG,
        Abstention.TOO_LONG.value,
        notes=(str(why),),
    )
