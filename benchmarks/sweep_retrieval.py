"""Measure chunk sizes on the dev set, in one run, to choose the default.

For each chunk size (--chunk-words) an index is built in a temporary folder with the bundled
model, and the three retrievers (default fusion settings; those are chosen by
benchmarks/sweep_fusion.py) are scored with the evaluation's relevance
rule (quote overlap). Prints one table row per setting: Recall@1/5/10 and MRR@10 per retriever,
the median passage length and the median quote length that `ask` shows.

    python benchmarks/sweep_retrieval.py --chunk-words 60,120,200,300
"""

from __future__ import annotations

import argparse
import statistics
import tempfile

from faqbot import FAQBot, Settings
from faqbot.bot import project_root
from faqbot.encoders.transformer import SentenceTransformerEncoder
from faqbot.eval.data import is_relevant, load_jsonl


def scores(bot: FAQBot, questions, retriever: str) -> dict:
    first_ranks = []
    for q in questions:
        hits = bot.search(q.question, k=10, retriever=retriever)
        ranks = [h.rank for h in hits if is_relevant(h.text, q.answers)]
        first_ranks.append(ranks[0] if ranks else None)
    n = len(first_ranks)
    out = {f"R@{k}": sum(1 for r in first_ranks if r and r <= k) / n for k in (1, 5, 10)}
    out["MRR@10"] = sum(1 / r for r in first_ranks if r) / n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk-words", default="60,120,200")
    parser.add_argument("--dataset", default=str(project_root() / "tests/data/devset.jsonl"))
    args = parser.parse_args()
    questions = load_jsonl(args.dataset).of_kind("in_scope")
    encoder = SentenceTransformerEncoder()
    print(f"{len(questions)} in-scope questions\n")
    print(
        "| chunk words | median passage words | median quote words | dense R@1/R@5/MRR "
        "| lexical R@1/R@5/MRR | hybrid R@1/R@5/R@10/MRR |"
    )
    print("|---|---|---|---|---|---|")
    for words in map(int, args.chunk_words.split(",")):
        folder = tempfile.mkdtemp(prefix="faqbot-sweep-")
        bot = FAQBot.load(
            None, folder, Settings().replace(chunk_words=words), encoder, log=lambda m: None
        )
        passage_words = statistics.median(len(c.text.split()) for c in bot.index.chunks)
        single = {r: scores(bot, questions, r) for r in ("dense", "lexical")}
        hybrid = scores(bot, questions, "hybrid")
        quotes = [len(p.text.split()) for q in questions for p in bot.ask(q.question).quotes]
        d, lx = single["dense"], single["lexical"]
        print(
            f"| {words} | {passage_words:.0f} | {statistics.median(quotes):.0f} | "
            f"{d['R@1']:.3f}/{d['R@5']:.3f}/{d['MRR@10']:.3f} | "
            f"{lx['R@1']:.3f}/{lx['R@5']:.3f}/{lx['MRR@10']:.3f} | "
            f"{hybrid['R@1']:.3f}/{hybrid['R@5']:.3f}/{hybrid['R@10']:.3f}/"
            f"{hybrid['MRR@10']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
