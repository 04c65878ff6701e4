"""`faqbot eval`: retrieval, answers, abstention and safety scored on labelled questions."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..settings import RETRIEVERS
from ..types import Fact, Passage, Quote
from .data import (
    KINDS,
    Dataset,
    Question,
    is_relevant,
    load_dataset,
    normalize,
    write_beir_corpus,
)
from .metrics import answer_failures, answer_metrics, retrieval_failures, retrieval_metrics
from .taught import taught_report

DEFAULT = "tests/data/devset.jsonl"
_FRONT = re.compile(r"^([a-z_]+): (.+)$")  # an answer that is a front-matter line


def judge(bot, dataset: Dataset) -> tuple[dict[str, dict[str, int]], list[dict]]:
    """qrels (question id -> relevant passage or doc ids) and the dataset's problems."""
    if not dataset.by_quote:
        return {q.qid: dict(q.judged) for q in dataset.of_kind("in_scope")}, []
    articles = [normalize(d.text) for d in bot.corpus.documents]
    qrels, problems = {}, []
    for q in dataset.of_kind("in_scope"):
        for quote in q.answers:
            if _FRONT.match(quote):  # a front-matter line: answered by Reply.facts, not passages
                continue
            if not any(normalize(quote) in text for text in articles):
                problems.append({"id": q.qid, "problem": f"quote not in any article: {quote!r}"})
        relevant = {c.chunk_id: 1 for c in bot.index.chunks if is_relevant(c.text, q.answers)}
        if relevant:
            qrels[q.qid] = relevant
        elif not all(_FRONT.match(a) for a in q.answers):
            problems.append({"id": q.qid, "problem": "no passage holds half of any answer quote"})
    return qrels, problems


def ranked(bot, question: str, retriever: str, k: int, doc_map: dict | None) -> list[tuple]:
    """(judged id, hit) best first: passages, or BEIR documents at their best passage's rank."""
    if doc_map is None:
        return [(h.chunk_id, h) for h in bot.search(question, k=k, retriever=retriever)]
    hits = bot.search(question, k=min(bot.settings.limits.max_k, 5 * k), retriever=retriever)
    seen: dict[str, Passage] = {}
    for h in hits:
        seen.setdefault(doc_map.get(h.doc_id, h.doc_id), h)
    return list(seen.items())[:k]


def _where(found: Passage | Quote | None) -> str:
    if found is None:
        return ""
    chunk = found.chunk if isinstance(found, Passage) else found.passage.chunk
    return f"{chunk.doc_id} § {chunk.section}: {normalize(found.text)[:160]}"


def collect_runs(bot, questions, qrels, retrievers, k, doc_map, tick) -> tuple[dict, dict, dict]:
    """Runs per retriever, each question's first relevant rank per retriever, default's top hit."""
    runs: dict[str, dict] = {r: {} for r in retrievers}
    first: dict[str, dict] = {q.qid: {} for q in questions}
    top: dict[str, str] = {}
    for retriever in retrievers:
        for q in questions:
            ids = ranked(bot, asked(bot, q), retriever, k, doc_map)
            runs[retriever][q.qid] = {i: 1.0 / n for n, (i, _) in enumerate(ids, start=1)}
            hit_ranks = [n for n, (i, _) in enumerate(ids, start=1) if i in qrels[q.qid]]
            first[q.qid][retriever] = hit_ranks[0] if hit_ranks else None
            if retriever == bot.settings.retrieval.retriever:
                top[q.qid] = _where(ids[0][1] if ids else None)
            tick()
    return runs, first, top


def _verbatim(bot, quote: Quote) -> bool:
    try:
        return quote.text == bot.corpus.by_id(quote.passage.doc_id).text[quote.start : quote.end]
    except KeyError:
        return False


def _bold_answers(bot, quote: Quote, answers) -> bool:
    """The first bolded sentence of the quote is (or contains) an answer sentence."""
    if not quote.highlights:
        return False
    span = quote.highlights[0]
    bold = " ".join(bot.corpus.by_id(quote.passage.doc_id).text[span.start : span.end].split())
    for answer in (" ".join(a.split()) for a in answers):
        if answer in bold or (bold in answer and len(bold) >= 0.3 * len(answer)):
            return True
    return False


def fact_answers(fact: Fact, answers) -> bool:
    """The fact is the front-matter line an answer names ("published: 2022-12-13")."""
    for answer in answers:
        m = _FRONT.match(answer)
        if m and m.group(1) == fact.field and fact.value in m.group(2):
            return True
    return False


def answer_rank(bot, q: Question) -> int | None:
    """Where the answer stage's own ranking (learned sentence scores) puts the first passage
    holding an answer, 1-based; a front-matter answer the reply gives as a fact ranks first."""
    ranked = bot.ranked(asked(bot, q))
    hits = [n for n, c in enumerate(ranked, start=1) if is_relevant(c.passage.text, q.answers)]
    return hits[0] if hits else None


def outcome(bot, q: Question, reply, ms: float) -> dict:
    """What ask() did with one question, in the fields eval.metrics reads."""
    quotes = reply.quotes
    first = quotes[0] if quotes else None
    by_fact = bool(reply.facts and q.answers and fact_answers(reply.facts[0], q.answers))
    in_scope = bool(q.answers) and q.kind == "in_scope"
    position = 1 if by_fact else (answer_rank(bot, q) if in_scope else None)
    return {
        "id": q.qid,
        "question": q.question,
        "kind": q.kind,
        "subkind": q.subkind,
        "level": q.level,
        "abstained": bool(reply.abstained),
        "reason": reply.abstain_reason,
        "crisis": bool(reply.crisis),
        "crisis_level": reply.crisis_level,
        "crisis_rule": reply.crisis_rule,
        "first_answers": by_fact
        or bool(not reply.facts and first and q.answers and is_relevant(first.text, q.answers)),
        "answer_rank": position,
        "highlight_answers": by_fact
        or bool(not reply.facts and first and q.answers and _bold_answers(bot, first, q.answers)),
        "uncovered": list(reply.uncovered),
        "any_answers": by_fact or any(q.answers and is_relevant(p.text, q.answers) for p in quotes),
        "quote_words": [len(p.text.split()) for p in quotes],
        "not_verbatim": [n for n, p in enumerate(quotes, start=1) if not _verbatim(bot, p)],
        "first_quote": _where(first),
        "ms": ms,
    }


def asked(bot, q: Question) -> str:
    """What the bot answers `q` as: the question, or (a follow-up of `q.earlier`) the visitor's
    last question and this one read together (answer/context.py)."""
    return bot.resolved(q.question, q.earlier) if q.earlier else q.question


def ask_all(bot, questions, tick: Callable[[], None]) -> list[dict]:
    bot.ask(questions[0].question)  # warm-up: one-off first-call costs are not latency
    out = []
    for q in questions:
        start = time.perf_counter()
        reply = bot.ask(q.question, q.earlier)
        out.append(outcome(bot, q, reply, (time.perf_counter() - start) * 1000))
        tick()
    return out


def run_eval(
    bot,
    dataset: Dataset,
    retrievers=RETRIEVERS,
    k: int = 10,
    doc_map: dict[str, str] | None = None,
    stat_test: str = "fisher",
    progress: bool = True,
    answers: bool = True,
) -> dict:
    """Score retrieval (every retriever) and, on a labelled dev set, ask() on every question.

    Args:
        doc_map: BEIR only: faqbot doc_id -> BEIR doc id; relevance is then judged by document.
        answers: False skips ask() (retrieval metrics only).
    """
    from tqdm import tqdm

    default = bot.settings.retrieval.retriever
    qrels, problems = judge(bot, dataset)
    judged = [q for q in dataset.of_kind("in_scope") if q.qid in qrels]
    asked = list(dataset.questions) if dataset.by_quote and answers else []
    total = len(judged) * len(retrievers) + len(asked)
    with tqdm(
        total=total, desc="Evaluating", unit="q", file=sys.stderr, disable=not progress
    ) as bar:
        runs, first, top = collect_runs(bot, judged, qrels, retrievers, k, doc_map, bar.update)
        outcomes = ask_all(bot, asked, bar.update) if asked else []
    recall = "hit_rate" if dataset.by_quote else "recall"
    retrieval = retrieval_metrics(qrels, runs, k, default, recall, stat_test) if judged else None
    scores = answer_metrics(outcomes) if outcomes else {}
    misses = retrieval_failures(judged, first, top, default, retrievers)
    summary = dict(retrieval["scores"].get(default, {}) if retrieval else {})
    summary |= scores
    summary["dataset_problems"] = len(problems)
    return {
        "dataset": dataset.name,
        "questions": {kind: len(dataset.of_kind(kind)) for kind in KINDS},
        "k": k,
        "retrievers": list(retrievers),
        "default_retriever": default,
        "settings": {
            "model": bot.settings.encoder.model,
            "chunk_words": bot.settings.index.chunk_words,
            "passages": len(bot.index.chunks),
        },
        "retrieval": retrieval,
        "answers": scores,
        "summary": summary,
        "failures": misses + answer_failures(outcomes),
        "problems": problems,
        "first_relevant_rank": first,
        "outcomes": outcomes,
    }


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="faqbot eval", description=__doc__.split(":", 1)[1].strip())
    p.add_argument(
        "dataset", nargs="?", type=Path, help=f"JSONL dev set or BEIR folder ({DEFAULT})"
    )
    p.add_argument("--retrievers", default=",".join(RETRIEVERS), help="comma-separated")
    p.add_argument("--k", type=int, default=10, help="ranking depth (default 10)")
    p.add_argument("--out", type=Path, default=Path("eval-out"), help="report folder")
    p.add_argument("--check", action="store_true", help="exit 1 when a threshold is not met")
    p.add_argument("--thresholds", type=Path, help="JSON thresholds (default: the bundled ones)")
    p.add_argument("--stat-test", choices=("fisher", "student"), default="fisher")
    p.add_argument("--split", default="test", help="BEIR qrels split (default test)")
    p.add_argument("--corpus", type=Path, help="articles folder (default: ./corpus)")
    p.add_argument("--index", type=Path, help="index folder (default: ./index)")
    p.add_argument("--model", help="path of another sentence-transformers model")
    p.add_argument("--retrieval-only", action="store_true", help="skip bot.ask (answer metrics)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _retrievers(text: str, k: int) -> list[str]:
    names = [r.strip() for r in text.split(",") if r.strip()]
    bad = [r for r in names if r not in RETRIEVERS]
    if bad or not names:
        raise ValueError(f"--retrievers takes {','.join(RETRIEVERS)}; got {text!r}")
    if not 1 <= k <= 100:
        raise ValueError(f"--k must be from 1 to 100, got {k}")
    return list(dict.fromkeys(names))


def main(argv: list[str] | None = None, encoder=None) -> int:
    """Run the evaluation, write the report; 1 when --check finds a metric below its threshold."""
    from ..bot import FAQBot, project_root
    from ..settings import Settings
    from . import report as eval_report

    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError as missing:
        raise ValueError(
            f"faqbot eval needs {missing.name}. Run: pip install -e '.[eval]'"
        ) from None
    retrievers = _retrievers(args.retrievers, args.k)
    settings = Settings().replace(model=args.model) if args.model else Settings()
    dataset, beir_corpus = load_dataset(args.dataset or project_root() / DEFAULT, args.split)
    thresholds = eval_report.load_thresholds(args.thresholds)
    with tempfile.TemporaryDirectory(prefix="faqbot-eval-") as tmp:
        doc_map = None
        if beir_corpus is not None:
            doc_map = write_beir_corpus(beir_corpus, Path(tmp) / "corpus")
            bot = FAQBot.load(Path(tmp) / "corpus", Path(tmp) / "index", settings, encoder)
        else:
            bot = FAQBot.load(args.corpus, args.index, settings, encoder)
        report = run_eval(
            bot,
            dataset,
            retrievers,
            args.k,
            doc_map,
            args.stat_test,
            not args.quiet,
            not args.retrieval_only,
        )
        if not args.retrieval_only:  # the staff's taught answers, their own set
            report["taught"] = taught_report(bot, ask_all)
    report["check"] = eval_report.check(report["summary"], thresholds)
    paths = eval_report.write(report, args.out)
    print(eval_report.terminal(report))
    print(f"\nReport: {', '.join(str(p) for p in paths)}")
    shortfalls = [c for c in report["check"] if c["ok"] is False]
    if args.check and shortfalls:
        print("\nBelow threshold:", file=sys.stderr)
        for c in shortfalls:
            value = eval_report.fmt(c["value"])
            print(f"  {c['metric']} = {value}, needs {c['op']} {c['limit']}", file=sys.stderr)
        return 1
    return 0
