"""`faqbot intent-train`: fit the small-talk classifier, report cross-validated and held-out
figures, save data/intent.npz."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def training_rows(data: Path) -> list[tuple[str, str]]:
    """The labelled small talk and questions, plus question set E and the dev set as "question"."""
    from .train import load_rows, questions

    return load_rows(data / "intent" / "train.jsonl") + questions(
        data / "questions" / "author_e.jsonl", data / "devset.jsonl"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="faqbot intent-train")
    parser.add_argument("command", choices=("intent-train",))
    parser.add_argument("--data", type=Path, help="folder of labelled sets (default tests/data)")
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    args = parser.parse_args(argv)
    from ..safety.commands import data_folder, training_encoder
    from .model import MODEL_PATH
    from .train import evaluate, load_rows, questions, train

    data = data_folder(args.data)
    encoder, model_id = training_encoder()
    model, report = train(training_rows(data), encoder, model_id)
    model.save(MODEL_PATH)
    # scored once, after the choice: never used to choose C or the threshold
    report["held_out"] = evaluate(model, load_rows(data / "intent" / "held_out.jsonl"), encoder)
    report["question_set_f"] = evaluate(
        model, questions(data / "questions" / "author_f.jsonl"), encoder
    )
    for key in ("cross_validated", "held_out", "question_set_f"):
        print(f"{key:16s} {report[key]}")
    print(f"Saved {MODEL_PATH} (C {report['C']}, threshold {report['threshold']}, data "
          f"{model.data_hash})")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0
