"""The answer stage: Candidates -> a Reply of cited verbatim quotes, or an honest abstention."""

from __future__ import annotations

from collections.abc import Mapping

from ..retrieval import Candidates
from ..settings import AnswerSettings, Limits
from ..types import Abstention, Reply
from .answerability import Calibration, abstention, load_calibration, may_rescue, rescued
from .coverage import CoverageModel, load_coverage, uncovered
from .evidence import Evidence, gather_evidence
from .features import CorpusStats, corpus_stats
from .memory import QuestionMemory, load_memory, memory_for
from .metadata import load_head as load_metadata_head
from .metadata import with_facts
from .notes import uncovered_note
from .parts import part_quote, question_parts, with_part_quotes
from .quotes import make_quote
from .ranker import SentenceRanker, best_probability, load_ranker, rank
from .ranking import offered_first, select, topics

__all__ = [
    "Calibration", "CorpusStats", "Evidence", "QuestionMemory", "SentenceRanker", "answer",
    "corpus_stats", "gather_evidence", "load_calibration", "load_coverage", "load_memory",
    "load_metadata_head", "load_ranker", "memory_for", "part_quote", "question_parts", "rank",
    "with_facts", "with_part_quotes",
]  # fmt: skip


def answer(
    candidates: Candidates,
    documents: dict[str, str],
    calibration: Calibration,
    settings: AnswerSettings,
    ranker: SentenceRanker,
    stats: CorpusStats,
    coverage: CoverageModel,
    followups: Mapping[tuple[str, str], str] | None = None,
    bold_first: bool = True,
) -> Reply:
    """The reply before safety policy. `documents` maps doc_id to the text quotes are cut from;
    `followups` maps (doc_id, section) to the question offered to read it (none: nothing offered).
    `bold_first`: the first quote bolds its best sentence even under settings.bold_floor (False:
    a part of a question of several, whose quote is kept only when it bolds a likely answer).
    """
    question, items = candidates.question, candidates.items

    def offer(shown) -> tuple[str, ...]:
        return topics(items, shown, settings.topics, followups or {}, settings.topics_min_relevance)

    why = abstention(gather_evidence(candidates), calibration)
    ranked = (
        rank(candidates, ranker, stats, documents)
        if not why or may_rescue(why, calibration)
        else []
    )
    if why and not rescued(why, best_probability(ranked), calibration):
        return Reply(question, (), *why, suggestions=offer(()))
    ranked = offered_first(ranked, question, followups or {})
    chosen = select(ranked, settings)
    missing = uncovered(
        candidates, ranked, chosen, coverage, settings.unmentioned_max_zipf, memory=ranker.memory
    )
    if why and missing:  # rescued only when nothing asked is missing ("Tesla's stock price?")
        return Reply(question, (), *why, suggestions=offer(()))
    # under "they may not answer your question", only a likely answer is bold
    quotes = tuple(
        make_quote(c, n, documents[c.passage.doc_id], settings, sure=bold_first and not missing)
        for n, c in enumerate(chosen, 1)
    )
    return Reply(
        question,
        quotes,
        followups=offer(chosen),
        uncovered=missing,
        notes=uncovered_note(missing),
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
