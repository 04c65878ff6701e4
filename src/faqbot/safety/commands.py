"""`faqbot safety-train` and `safety-eval`: fit the crisis classifier, report the detector."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def training_encoder():
    """The bundled model as the learned heads are trained on it, and its fingerprint."""
    from ..encoders.model import model_fingerprint
    from ..encoders.transformer import SentenceTransformerEncoder
    from ..settings import Settings

    settings = Settings()
    model = settings.encoder.model
    return SentenceTransformerEncoder(model, 1), model_fingerprint(model)


def data_folder(path: Path | None) -> Path:
    """`path`, or the project's tests/data (the labelled sets)."""
    from ..bot import project_root

    return path or project_root() / "tests" / "data"


def two_heads_sets(names: list[str] | None) -> tuple[str, ...] | None:
    """The blind splits `--sets` names (None: every one), checked before anything loads.

    Raises:
        SystemExit: a name that is not a blind split.
    """
    if names is None:
        return None
    from .two_heads import blind_sets

    known = blind_sets()
    wrong = [n for n in names if n not in known]
    if wrong:
        raise SystemExit(
            f"--sets: {', '.join(wrong)} is not a blind split. Use names from dataset.SPLITS "
            f"such as {', '.join(known[:3])} ({len(known)} in all)"
        )
    return tuple(dict.fromkeys(names))


def main(argv: list[str]) -> int:
    commands = ("safety-train", "safety-remember", "safety-eval")
    name = argv[0] if argv and argv[0] in commands else "|".join(commands)
    parser = argparse.ArgumentParser(prog=f"faqbot {name}")  # one parser, three commands
    parser.add_argument("command", choices=commands)
    parser.add_argument("--data", type=Path, help="folder of labelled sets (default tests/data)")
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    parser.add_argument(
        "--other-languages", action="store_true",
        help="safety-train, safety-remember: the head for messages in es/pt/fr/de/it "
        "(head_other.npz)",
    )  # fmt: skip
    parser.add_argument(
        "--two-heads", action="store_true",
        help="safety-train: the decision over both heads (two_heads.json), fitted on the blind "
        "sets' messages in es/pt/fr/de/it",
    )  # fmt: skip
    parser.add_argument(
        "--english", action="store_true",
        help="safety-train: the decision for messages read as English (two_heads_en.json, "
        "candidate E; not shipped), fitted on the blind sets' messages read as English",
    )  # fmt: skip
    parser.add_argument(
        "--sets", nargs="+", metavar="SPLIT",
        help="safety-train --two-heads or --english: fit on these blind splits only (e.g. "
        "blind_s blind_t; default every blind split). Keep the sets that will judge it out",
    )  # fmt: skip
    parser.add_argument(
        "--vector", action="store_true",
        help="safety-train --two-heads: the decisions also read the language and the message's "
        "vector (candidates K, L, M in docs/safety_languages_before.md; not shipped)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    decision = args.two_heads or args.english
    for flag, given in (("--sets", args.sets is not None), ("--vector", args.vector)):
        if given and (args.command, decision) != ("safety-train", True):
            raise SystemExit(f"{flag} is a choice for the decision over both heads: use it with "
                             "safety-train --two-heads or --english")  # fmt: skip
    sets = two_heads_sets(args.sets)
    from .dataset import load_rows, load_sentence_labels
    from .detector import SafetyDetector
    from .head import HEAD_PATH, OTHER_HEAD_PATH, load_head, load_other_head
    from .train import evaluate, remember, train

    rows = load_rows(data_folder(args.data))
    encoder, model_id = training_encoder()
    report: dict = {}
    if args.command == "safety-train" and decision:
        from .two_heads import (
            ENGLISH_PATH,
            TWO_HEADS_PATH,
            blind_sets,
            fit_english,
            fit_on_blind_sets,
        )

        head = load_head(HEAD_PATH)
        detector = SafetyDetector(encoder, head, other_head=load_other_head(head.model_id))
        if detector.other_head is None:
            raise SystemExit(f"{OTHER_HEAD_PATH} is missing. Run: faqbot safety-train "
                             "--other-languages")  # fmt: skip
        from .dataset import remembered_splits

        # the messages a decision is fitted on would each find themselves in a head's memory
        chosen = sets or blind_sets()
        seen = sorted(set(chosen) & set(remembered_splits()))
        reader = head if args.english else detector.other_head
        words = "English" if args.english else "es/pt/fr/de/it"
        if reader.remembered and seen:
            flag = "--english" if args.english else "--two-heads"
            raise SystemExit(
                f"{flag}: a head remembers the {words} messages of {seen[0]} and {len(seen) - 1} "
                "more of these sets. Fit it with --sets naming splits in dataset.JUDGING, or on "
                "heads saved before faqbot safety-remember"
            )
        if args.english:
            two, path = fit_english(rows, detector, chosen), ENGLISH_PATH
        else:
            two, path = fit_on_blind_sets(rows, detector, sets, vector=args.vector), TWO_HEADS_PATH
        two.save(path)
        print(f"Saved {path} (data {two.data_hash}, bars acute {two.bar:.4f}, any tier "
              f"{two.any_bar:.4f})")  # fmt: skip
        return 0
    if args.command == "safety-remember":  # a shipped head, not refitted
        path = OTHER_HEAD_PATH if args.other_languages else HEAD_PATH
        head = remember(load_head(path), rows, encoder, other_languages=args.other_languages)
        head.save(path)
        print(f"Saved {path}: {head.remembered} labelled messages remembered beside "
              f"{len(head.neighbours) - head.remembered} training ones (data "
              f"{head.remembered_hash})")  # fmt: skip
        return 0
    if args.command == "safety-train":
        labels = load_sentence_labels(data_folder(args.data))
        path = OTHER_HEAD_PATH if args.other_languages else HEAD_PATH
        head, report = train(rows, encoder, model_id, sentence_labels=labels,
                             other_languages=args.other_languages)  # fmt: skip
        # each head also remembers the older labelled sets' messages in its languages
        head = remember(head, rows, encoder, other_languages=args.other_languages)
        head.save(path)
        for key, rates in report["cross_validated_model_only"].items():
            if key.startswith("level:"):
                print(f"  cross-validated, model alone, {key}: {rates}")
        print(f"Saved {path} (data {head.data_hash}, thresholds acute "
              f"{head.acute_threshold:.4f}, any {head.any_threshold:.4f})")  # fmt: skip
    from ..settings import SafetySettings
    from . import detector_for
    from .dataset import scored_splits

    # the detector the bot runs: both heads, the decisions, and the second readers (veto.py)
    detector = detector_for(encoder, SafetySettings())
    # training never looks at the held-out or blind parts; only safety-eval scores them, and not
    # the blind sets kept unopened for a later decision (dataset.UNOPENED)
    scored = scored_splits()
    splits = ("train",) if args.command == "safety-train" else scored
    report["detector"] = evaluate(rows, detector, splits)
    for split, table in report["detector"].items():
        print(f"\n== {split} ==")
        for key, rates in table.items():
            if key.startswith("level:") or key.startswith("category:"):
                shown = ", ".join(
                    f"{k} {v:.3f}" if k != "n" else f"n {v}" for k, v in rates.items()
                )
                print(f"  {key:45s} {shown}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0
