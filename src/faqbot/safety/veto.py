"""The second reader for English messages: MiniLM fine-tuned end to end to tell "none" from
risk, asked only when the heads or a phrase rule flag a message, or the main head leans toward
risk without flagging it.

The heads read a message's embedding, character n-grams and nearest labelled messages; they
read "Goodbye and take care!" after "Today was my final infusion!" as a farewell note, since the
embedding of the goodbye and of a real one are alike (docs/SAFETY.md, thirtieth to thirty-fourth
sessions). A model whose every layer was fitted to the labels reads the reason beside the risky
sentence. It lowers what the heads said:
- P(none) at or above `none_bar` (no risk message of the calibration authors scored that high):
  the heads' verdict is dropped;
- P(none) at or above `mention_bar` and the heads said acute: the resources line, not the
  banner (the cheap side: a message the heads read acute keeps some safety text).
- P(none) at or above `rule_bar` and an English phrase rule said acute: the resources line
  (thirty-sixth session, candidate V1b; a rule's verdict is never dropped).
And it may raise: a message nothing gave safety text that the main head leaned toward and the
reader scores as risk gets the resources line (SafetySettings.raise_bar, candidate R36b).
A message longer than `max_tokens` is not read by it (the risk may lie past what it reads).

Fitted by `benchmarks/safety_veto.py` (MiniLM from the bundled model, one epoch, the English
rows of every split outside `dataset.JUDGING`, a tenth of their authors held back to choose the
bars), exported to ONNX with int8 weights: data/safety/veto.onnx and veto.json.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .crisis import Level
from .normalise import DATA

VETO_PATH = DATA / "veto.json"
VETO_MODEL = VETO_PATH.with_suffix(".onnx").name  # a reader's model sits beside its json
# the reader of messages in es/pt/fr/de/it (thirty-eighth session, candidate V4): its model is
# veto_other.onnx beside it
VETO_OTHER_PATH = DATA / "veto_other.json"
VETO_RULE = ":veto"  # appended to the heads' rule when the veto lowered their verdict
SEED = 0
CALIBRATION_SHARE = 10  # one author in this many holds back for the bars


@dataclass(frozen=True)
class VetoConfig:
    """What veto.json records: the bars, the longest message read, and what it was fitted to."""

    none_bar: float
    mention_bar: float
    max_tokens: int
    data_hash: str
    calibration_authors: tuple[str, ...]
    model_sha256: str
    # the splits left out of fitting (dataset.JUDGING when it was fitted): blind sets added later
    # may repeat a training text word for word, and must not change what it was fitted to
    judging: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # every author whose rows it was fitted to or held back
    # above the highest P(none) of a held-back risk message the phrase rules read acute: a
    # rule's acute at or above it is softened to the resources line (softened); None: never
    rule_bar: float | None = None


class Veto:
    """The fine-tuned reader on onnxruntime (no torch at run time)."""

    def __init__(
        self, config: VetoConfig, model_path: Path, tokenizer_path: Path, threads: int = 1
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.config = config
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_truncation()
        self._tokenizer.enable_padding()

    def p_none(self, texts: list[str]) -> list[float | None]:
        """P(none) of each text; None for a text longer than max_tokens (not read)."""
        out: list[float | None] = [None] * len(texts)
        encoded = self._tokenizer.encode_batch(list(texts))  # padded to the longest
        lengths = [sum(e.attention_mask) for e in encoded]
        fits = [i for i, n in enumerate(lengths) if n <= self.config.max_tokens]
        if not fits:
            return out
        width = max(lengths[i] for i in fits)  # the padding a longer text left is cut off
        fields = {"input_ids": "ids", "attention_mask": "attention_mask",
                  "token_type_ids": "type_ids"}  # fmt: skip
        feeds = {
            name: np.array([getattr(encoded[i], field)[:width] for i in fits], dtype=np.int64)
            for name, field in fields.items()
        }
        logits = self._session.run(None, feeds)[0]
        for i, z in zip(fits, logits, strict=True):
            out[i] = float(1.0 / (1.0 + np.exp(-float(z))))
        return out


def lowered(level: Level, p_none: float | None, config: VetoConfig) -> Level:
    """The heads' level after the veto: none at none_bar, acute to mention at mention_bar."""
    if p_none is None or level == "none":
        return level
    if p_none >= config.none_bar:
        return "none"
    if level == "acute" and p_none >= config.mention_bar:
        return "mention"
    return level


def softened(p_none: float | None, config: VetoConfig) -> bool:
    """Whether a phrase rule's acute verdict becomes the resources line: the reader scores the
    message at or above rule_bar (never below mention; a message too long to read keeps it)."""
    return p_none is not None and config.rule_bar is not None and p_none >= config.rule_bar


def load_veto(path: Path = VETO_PATH, tokenizer_path: Path | None = None) -> Veto | None:
    """The shipped veto, or None when there is no veto.json (the heads' verdicts stand).

    Raises:
        ValueError: veto.json or its model cannot be read, or the model is not the one recorded
            (re-fit: python benchmarks/safety_veto.py).
    """
    if not path.exists():
        return None
    try:
        config = read_config(path)
        model = path.with_suffix(".onnx")  # veto.json: veto.onnx
        digest = hashlib.sha256(model.read_bytes()).hexdigest()
        if digest != config.model_sha256:
            raise ValueError(f"{model} is not the model veto.json records")
        if tokenizer_path is None:
            from ..encoders.model import bundled_model_path

            tokenizer_path = Path(bundled_model_path()) / "tokenizer.json"
        return Veto(config, model, tokenizer_path)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"The crisis veto {path} cannot be read ({exc}). Restore it, or re-fit it: "
            "python benchmarks/safety_veto.py"
        ) from None


def read_config(path: Path = VETO_PATH) -> VetoConfig:
    d = json.loads(path.read_text(encoding="utf-8"))
    return VetoConfig(
        float(d["none_bar"]), float(d["mention_bar"]), int(d["max_tokens"]), str(d["data_hash"]),
        tuple(d["calibration_authors"]), str(d["model_sha256"]), tuple(d.get("judging", ())),
        tuple(d.get("authors", ())), float(d["rule_bar"]) if "rule_bar" in d else None,
    )  # fmt: skip


def training_rows(
    rows: list, judging: tuple[str, ...] | None = None, authors: tuple[str, ...] = (),
    other_languages: bool = False,
) -> tuple[list, list]:  # fmt: skip
    """(fit, calibration): the distinct English rows (with `other_languages`, those in
    es/pt/fr/de/it) of every split outside `judging` (default dataset.JUDGING; with `authors`,
    only theirs: what a saved reader was fitted to, whatever sets came later), one author in
    CALIBRATION_SHARE (seeded) held back for the bars."""
    from .dataset import JUDGING, split

    left_out = {r.text for name in (judging or JUDGING) for r in split(rows, name)}
    seen: set[str] = set()
    chosen = []
    for r in rows:
        if authors and r.author not in authors:
            continue
        if (r.lang != "en") == other_languages and r.text not in left_out and r.text not in seen:
            seen.add(r.text)
            chosen.append(r)
    authors = sorted({r.author for r in chosen})
    random.Random(SEED).shuffle(authors)
    held = set(authors[: max(3, len(authors) // CALIBRATION_SHARE)])
    return [r for r in chosen if r.author not in held], [r for r in chosen if r.author in held]


def data_hash(rows: list) -> str:
    """A short hash of the (author, text, level) rows fitted and held back."""
    blob = json.dumps(sorted((r.author, r.text, r.level) for r in rows), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
