"""Follow-ups: a message that leans on the visitor's last question ("is that covered by
insurance?" after asking about the nasal spray, "and for PTSD?") is answered as the two read
together; a self-contained question ("Can I drive home after?") is answered alone.

Which of the two, a logistic regression decides (`ContextGate`, data/context_gate.json) over
what both readings found and a few closed-class cues of the message itself (FEATURES). It is
fitted to labelled two-turn chats written blind by category (tests/data/questions/followups_z.jsonl)
by `faqbot context-train`, its bar chosen by cross-validation; blind set
followups_y.jsonl is never trained on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..encoders.model import trained_for
from ..index.lexical import tokenize
from ..retrieval import Candidates
from ..retrieval.spelling import english_frequency
from ..types import Reply
from .evidence import passage_terms
from .notes import uncovered_note

GATE_PATH = Path(__file__).resolve().parent.parent / "data" / "context_gate.json"

# Closed-class cues, weighed by the gate (not rules on their own): a word that points back, and
# a message that opens or ends as the continuation of another.
POINTERS = frozenset(
    "it its it's that that's this they them their theirs those these there he she him her "
    "his one ones same such".split()
)
_CONTINUES = re.compile(
    r"^\s*(and|or|but|also|so|plus|then|what about|how about|same|ok(ay)?|wait)\b"
    r"|\b(too|also|as well|either|instead)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z0-9']+")
_TYPED = re.compile(r"[A-Za-z][A-Za-z'-]+")  # a word as typed, for the caveat

FEATURES = (
    "words",  # log(1 + words in the message)
    "pointer",  # a word that points back (it, that, those...)
    "continues",  # opens with "and", "what about"...; ends with "too", "as well"...
    "similarity",  # cosine of the message with the last question
    "alone_abstains",
    "alone_uncovered",  # some word of the message no quote covers
    "alone_relevance",  # the best candidate's relevance
    "joined_abstains",
    "joined_uncovered",
    "joined_relevance",
    "gain",  # joined_relevance - alone_relevance
)


@dataclass(frozen=True)
class Reading:
    """What the answer stage made of one reading of the message."""

    candidates: Candidates
    reply: Reply

    @property
    def relevance(self) -> float:
        return max((c.relevance for c in self.candidates.items), default=0.0)


def previous_question(earlier: Sequence[str]) -> str | None:
    """The visitor's last earlier message with words in it, or None."""
    for message in reversed(earlier):
        if _WORDS.search(message.casefold()):
            return " ".join(message.split())
    return None


def joined_question(previous: str, question: str) -> str:
    """The text a follow-up is answered as: the last question, then this one."""
    return f"{previous} {question}"


def as_follow_up(alone: Reading, joined: Reading, max_zipf: float, limit: int = 3) -> Reading:
    """The joined reading, still naming the rare words of the message itself (rarer than
    `max_zipf` in English, or found uncovered read alone) that the joined quotes do not hold:
    "ADHD" in "what about ADHD?" after a question about OCD. Read beside the last question, the
    coverage model sees a longer, better-matched question and names nothing."""
    held = set().union(*(passage_terms(q.passage.chunk) for q in joined.reply.quotes))
    rare = [w for w in _TYPED.findall(alone.candidates.question) if english_frequency(w) < max_zipf]
    carried = [
        w
        for w in dict.fromkeys((*alone.reply.uncovered, *rare))
        if (stems := tokenize(w)) and stems[0] not in held
    ]
    missing = tuple(dict.fromkeys((*joined.reply.uncovered, *carried)))[:limit]
    if missing == joined.reply.uncovered or joined.reply.abstained:
        return joined
    reply = replace(joined.reply, uncovered=missing, notes=uncovered_note(missing))
    return Reading(joined.candidates, reply)


@dataclass(frozen=True)
class Weighed:
    """A message after the last question: its two readings, and the gate's FEATURES of them."""

    x: np.ndarray
    alone: Reading
    joined: Reading  # as the answer stage read it (`as_follow_up` makes the reply from it)


def weigh(question: str, previous: str, read, encode) -> Weighed:
    """Both readings of `question` after `previous` (`read`: text -> Reading, the answer stage;
    `encode`: texts -> unit vectors) and their FEATURES: what the gate decides on, in the bot
    and in training alike."""
    alone = read(question)
    joined = read(joined_question(previous, question))
    query, before = encode([question, previous])
    return Weighed(features(question, float(query @ before), alone, joined), alone, joined)


def features(question: str, similarity: float, alone: Reading, joined: Reading) -> np.ndarray:
    """FEATURES of one message, in order."""
    words = _WORDS.findall(question.casefold())
    return np.array(
        [
            math.log1p(len(words)),
            float(any(w in POINTERS for w in words)),
            float(bool(_CONTINUES.search(question))),
            similarity,
            float(alone.reply.abstained),
            float(bool(alone.reply.uncovered)),
            alone.relevance,
            float(joined.reply.abstained),
            float(bool(joined.reply.uncovered)),
            joined.relevance,
            joined.relevance - alone.relevance,
        ]
    )


@dataclass(frozen=True)
class ContextGate:
    """P(the message leans on the last question) = sigmoid(x . coef + intercept) on the
    standardised FEATURES; the message is read with it at P >= threshold."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    data_hash: str
    model_id: str  # the encoder whose vectors gave "similarity" and the relevances

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-z))

    def leans(self, x: np.ndarray) -> bool:
        return self.probability(x) >= self.threshold

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "data_hash": self.data_hash,
            "model_id": self.model_id,
        }

    def save(self, path: Path = GATE_PATH) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def load_gate(path: Path | str = GATE_PATH) -> ContextGate | None:
    """The saved gate; None when there is no file (follow-ups are then answered alone).

    Raises:
        ValueError: the file is not a gate for these FEATURES (refit it: faqbot context-train).
    """
    path = Path(path)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != list(FEATURES):
        raise ValueError(f"{path} was fitted to other features; refit it: faqbot context-train")
    return ContextGate(
        np.array(data["mean"]),
        np.array(data["scale"]),
        np.array(data["coef"]),
        float(data["intercept"]),
        float(data["threshold"]),
        data["data_hash"],
        data["model_id"],
    )


def gate_for(encoder, path: Path | str = GATE_PATH) -> ContextGate | None:
    """The gate when it was fitted with this encoder's model; otherwise None (every message is
    answered alone) and a warning says how to refit."""
    gate = load_gate(path)
    without = "follow-ups are answered alone. Run: faqbot context-train"
    if gate is None or not trained_for(encoder, gate.model_id, "Follow-up gate", without):
        return None
    return gate


def context_note(previous: str, limit: int = 120) -> str:
    """The note on a reply read with the last question, so the visitor sees what was answered."""
    shown = previous if len(previous) <= limit else previous[: limit - 1].rstrip() + "…"
    return f"I read this together with your last question: “{shown}”"
