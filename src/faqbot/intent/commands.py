"""`faqbot intent-train`: fit the small-talk classifier, report cross-validated and held-out
figures, save data/intent.npz."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# the held-out files: the first written with train.jsonl, the second (thirty-sixth session)
# by a helper who saw nothing, apart from the one who wrote train_ia.jsonl
HELD_OUT = ("held_out.jsonl", "held_out_ib.jsonl")


def training_rows(data: Path) -> list[tuple[str, str]]:
    """The labelled small talk and questions (train.jsonl, and train_ia.jsonl: thirty-sixth
    session, written blind by category, long thanks and goodbyes among them), plus question set
    E and the dev set as "question"."""
    from .train import load_rows, questions

    labelled = [load_rows(data / "intent" / name) for name in ("train.jsonl", "train_ia.jsonl")]
    return [row for rows in labelled for row in rows] + questions(
        data / "questions" / "author_e.jsonl", data / "devset.jsonl"
    )


def held_out(
    data: Path, name: str, training: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """The rows of a held-out file whose text (any case) no training row has (`training`, read
    from `data` when not given): a blind writer may write "hi" or "thx!" too, and a repeated
    text is no held-out figure."""
    from .train import load_rows

    trained = {t.lower() for t, _ in (training or training_rows(data))}
    return [(t, i) for t, i in load_rows(data / "intent" / name) if t.lower() not in trained]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="faqbot intent-train")
    parser.add_argument("command", choices=("intent-train",))
    parser.add_argument("--data", type=Path, help="folder of labelled sets (default tests/data)")
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    args = parser.parse_args(argv)
    from ..safety.commands import data_folder, training_encoder
    from .model import MODEL_PATH
    from .train import evaluate, questions, train

    data = data_folder(args.data)
    encoder, model_id = training_encoder()
    rows = training_rows(data)
    model, report = train(rows, encoder, model_id)
    model.save(MODEL_PATH)
    # scored once, after the choice: never used to choose C or the threshold
    for name in HELD_OUT:
        report[name.removesuffix(".jsonl")] = evaluate(model, held_out(data, name, rows), encoder)
    report["question_set_f"] = evaluate(
        model, questions(data / "questions" / "author_f.jsonl"), encoder
    )
    for key in ("cross_validated", *(n.removesuffix(".jsonl") for n in HELD_OUT), "question_set_f"):
        print(f"{key:16s} {report[key]}")
    print(f"Saved {MODEL_PATH} (C {report['C']}, threshold {report['threshold']}, data "
          f"{model.data_hash})")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0
