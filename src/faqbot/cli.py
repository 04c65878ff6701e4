"""The `faqbot` command: build, search, ask, eval and the training commands. Errors go to stderr
with exit code 1; a reader that stops early (`| head`) ends it quietly."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from pathlib import Path

# Before anything imports gradio or onnxruntime: no telemetry (ONNX Runtime looked up
# mobile.events.data.microsoft.com during `faqbot build`), no model download at run time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot", description="Answers questions with cited quotes from the clinic's articles."
    )
    parser.add_argument("--corpus", type=Path, help="folder of articles (default: ./corpus)")
    parser.add_argument("--index", type=Path, help="index folder (default: ./index)")
    parser.add_argument("--model", help="path of another sentence-transformers model")
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")
    sub.add_parser("build", help="(re)build the index from the corpus")
    search = sub.add_parser("search", help="list the passages that match a question")
    search.add_argument("question")
    search.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    search.add_argument("--retriever", choices=("hybrid", "dense", "lexical"), default=None)
    search.add_argument("--json", action="store_true", help="machine-readable output")
    ask = sub.add_parser("ask", help="answer a question with cited quotes")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="machine-readable output")
    for name, (summary, _) in OWN_PARSER.items():  # listed here; their own parser reads the rest
        sub.add_parser(name, help=summary, add_help=False)
    sub.add_parser("answer-train", help="refit the answer ranker and the coverage model")
    sub.add_parser("metadata-train", help="refit the front-matter field head (reviewer, date)")
    return parser


def _settings(args):
    from .settings import Settings

    return Settings().replace(model=args.model) if args.model else Settings()


def _load(args, rebuild=True):
    from .bot import FAQBot

    return FAQBot.load(args.corpus, args.index, _settings(args), rebuild=rebuild)


def cmd_build(args) -> int:
    from .bot import project_root
    from .encoders.transformer import SentenceTransformerEncoder
    from .index import build_with_progress
    from .ingest import load_corpus

    root = project_root()
    settings = _settings(args)
    corpus = load_corpus(args.corpus or root / "corpus", settings.limits)
    for problem in corpus.problems:
        print(f"Corpus: {problem}", file=sys.stderr)
    encoder = SentenceTransformerEncoder(settings.encoder.model, settings.encoder.threads)
    path = build_with_progress(corpus, settings, encoder, args.index or root / "index")
    manifest = json.loads((path / "manifest.json").read_text())
    print(
        f"Built {manifest['n_chunks']} passages from {len(corpus.documents)} documents "
        f"({manifest['index_type']} index, {manifest['model_id']}) in {path}"
    )
    return 0


_LIST_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}[.)])\s+")


def _wrap(text: str, indent: str = "   ") -> str:
    """Each line filled to 88 columns under its own indent; a list item's lines hang under its
    text, not its marker."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            lines.append("")
            continue
        first = indent + line[: len(line) - len(line.lstrip())]
        marker = _LIST_ITEM.match(line.lstrip())
        rest = first + " " * (marker.end() if marker else 0)
        lines.append(
            textwrap.fill(line.strip(), width=88, initial_indent=first, subsequent_indent=rest)
        )
    return "\n".join(lines)


def cmd_search(args) -> int:
    from .question import require_text
    from .render import citation, plain_markdown, search_dict

    require_text(args.question)  # a blank question is said before the model loads (seconds)
    bot = _load(args)
    hits = bot.search(args.question, k=args.k, retriever=args.retriever)
    if args.json:
        print(json.dumps(search_dict(hits), ensure_ascii=False, indent=2))
        return 0
    for text in (hits.safety_text, *hits.notes):  # a query in crisis: the crisis text first
        if text:
            print(_wrap(plain_markdown(text), indent="") + "\n")
    if not hits:
        print("No passage matches.")
    for h in hits:
        print(f"{h.rank}. {citation.label(h.chunk)}   [score {h.score:.4f}, id {h.chunk_id}]")
        print(_wrap(h.text) + "\n")
    return 0


def cmd_ask(args) -> int:
    from .question import require_text
    from .render import reply_dict, reply_text

    require_text(args.question)  # a blank question is said before the model loads (seconds)
    bot = _load(args)
    reply = bot.ask(args.question)
    if args.json:
        print(json.dumps(reply_dict(reply), ensure_ascii=False, indent=2))
    else:
        # the answering sentence in bold on a terminal that shows it, never in a pipe or a file
        bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        print(_wrap(reply_text(reply, bold), indent=""))
    return 0


def cmd_eval(argv: list[str]) -> int:
    from .eval.run import main as eval_main

    return eval_main(argv)


def cmd_safety(command: str, argv: list[str]) -> int:
    from .safety.commands import main as safety_main

    return safety_main([command, *argv])


def cmd_context_train(argv: list[str]) -> int:
    from .answer.context_train import main as train_main
    from .bot import FAQBot, project_root

    return train_main(argv, FAQBot.load, project_root() / "tests" / "data")


def cmd_intent_train(argv: list[str]) -> int:
    from .intent.commands import main as intent_main

    return intent_main(["intent-train", *argv])


def cmd_answer_train(args) -> int:
    """Fit the answer ranker on the training questions; save it with its cross-validated figures."""
    from .answer.coverage import COVERAGE_PATH, CoverageModel, load_coverage
    from .answer.memory import MEMORY_PATH
    from .answer.ranker import RANKER_PATH, SentenceRanker
    from .answer.train import train, train_coverage
    from .bot import FAQBot, project_root

    data = project_root() / "tests" / "data"
    try:  # the bot loads one; a first training (or one over new features) starts from "never"
        load_coverage()
    except ValueError:
        CoverageModel.never().save(COVERAGE_PATH)
    try:
        bot = FAQBot.load()
    except ValueError as why:  # no usable saved ranker yet (new features): train without one
        print(f"Training from scratch: {why}")
        bot = FAQBot.load(ranker=SentenceRanker.stand_in())
    ranker, report = train(bot, data)
    ranker.save(RANKER_PATH, report)
    ranker.memory.save(MEMORY_PATH)
    print(f"Saved {RANKER_PATH} and {MEMORY_PATH}")
    # with the new ranker and its memory (not the saved files: those loaded above are cached)
    bot = FAQBot.load(ranker=ranker)
    coverage, report = train_coverage(bot, data)
    coverage.save(COVERAGE_PATH, report)
    print(f"Saved {COVERAGE_PATH}")
    return 0


def cmd_metadata_train(args) -> int:
    """Fit the front-matter field head on the training questions and save it."""
    from .answer.metadata_train import main as train_main
    from .bot import FAQBot, project_root

    return train_main(project_root() / "tests" / "data", FAQBot.load().encoder)


COMMANDS = {
    "build": cmd_build,
    "search": cmd_search,
    "ask": cmd_ask,
    "answer-train": cmd_answer_train,
    "metadata-train": cmd_metadata_train,
}
# Commands with their own argument parser (`faqbot eval --help` is eval's): (help, run(argv)).
OWN_PARSER = {
    "eval": ("score retrieval and answers on a question set, write a report", cmd_eval),
    "safety-train": (
        "refit the crisis classifier on the labelled sets",
        lambda argv: cmd_safety("safety-train", argv),
    ),
    "safety-remember": (
        "the crisis classifier also remembers the labelled sets it is not fitted to",
        lambda argv: cmd_safety("safety-remember", argv),
    ),
    "safety-eval": (
        "score the crisis detector on every labelled split",
        lambda argv: cmd_safety("safety-eval", argv),
    ),
    "intent-train": ("refit the small-talk classifier (hi, thanks, a person)", cmd_intent_train),
    "context-train": ("refit the follow-up gate (read with the last question?)", cmd_context_train),
}


def _run(argv: list[str]) -> int:
    if argv[:1] and argv[0] in OWN_PARSER:
        return OWN_PARSER[argv[0]][1](argv[1:])
    args = _parser().parse_args(argv)
    if args.command in OWN_PARSER:  # `faqbot --model m eval`: its options are its own
        raise ValueError(
            f"{args.command} takes its own options, after it: faqbot {args.command} --help"
        )
    return COMMANDS[args.command](args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit as "Exception ignored"
        return code
    except BrokenPipeError:  # the reader stopped early (`| head`): end quietly, as `cat` does
        _quiet_stdout()
        return 128 + 13  # 141: killed by SIGPIPE, what a shell reports for `cat big | head`
    except (ValueError, OSError) as exc:
        print(f"faqbot: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("faqbot: interrupted", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit finds no closed pipe to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (e.g. captured in a test): nothing to do
        pass


if __name__ == "__main__":
    sys.exit(main())
