"""The staff's taught answers (corpus/curated.yaml) as their own evaluation set: each taught
question asked as taught, with the taught answers served and by the bot alone."""

from __future__ import annotations

from dataclasses import replace

from ..ingest.curated import CuratedSet
from .data import KINDS, Dataset, Question
from .metrics import answer_failures, answer_metrics


def taught_dataset(curated: CuratedSet) -> Dataset | None:
    """In-scope rows answered by their taught sentence; "not in the articles" rows near-domain.
    None when nothing is taught (entries that are not served are left out)."""
    questions = tuple(
        Question(f"taught-line-{r.line}", r.question, "out_of_scope", subkind="near_domain")
        if r.not_in_articles
        else Question(f"taught-line-{r.line}", r.question, "in_scope", answers=(r.sentence,))
        for r in curated.rows
    )
    return Dataset("taught", questions, by_quote=True) if questions else None


def taught_report(bot, ask_all) -> dict | None:
    """The taught set asked twice with `ask_all` (eval.run.ask_all): as served, and by the bot
    with no taught answers (what teaching adds; they are set back afterwards)."""
    dataset = taught_dataset(bot.taught.curated)
    if dataset is None:
        return None
    questions = list(dataset.questions)
    served = ask_all(bot, questions, lambda: None)
    taught = bot.taught
    nothing = CuratedSet(taught.curated.path)
    bot.taught = replace(taught, curated=nothing, vectors=taught.vectors[:0], chunks=())
    try:
        alone = ask_all(bot, questions, lambda: None)
    finally:
        bot.taught = taught
    return {
        "questions": {kind: len(dataset.of_kind(kind)) for kind in KINDS},
        "served": answer_metrics(served),
        "alone": answer_metrics(alone),
        "failures": answer_failures(served),
        "problems": [{"id": "curated.yaml", "problem": p} for p in taught.curated.problems],
    }
