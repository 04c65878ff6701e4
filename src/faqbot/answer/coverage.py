"""What the question asks that the quotes do not cover: `Reply.uncovered`.

A learned model says when the articles likely do not answer. It is a logistic regression over the
ranker's best score; how many of the question's terms the best passages hold, also as other
forms ("pregnant", "Pregnancy"; answer/wordforms.py); its words no article uses and how rare
they are in English (sertraline, TMS; a misspelt common word such as "agian" is not one); and
how close it lies to answered and to unanswered training questions, whole and word by word
(the highest share of unanswered ones among the training questions using one of its words,
and the share of its words no training question uses; answer/memory.py). Trained
by `faqbot answer-train`, its threshold chosen by leave-one-author-out cross-validation so at
most 8 % of answerable questions are flagged. When it flags, the question's uncommon unknown
words and the terms no quoted passage holds are named, rarest first ("Canada", "children",
"lithium"). The model alone decides: an unknown word that is not a topic ("forklift" in a
question about driving after a session) no longer names itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..index.lexical import tokenize
from ..retrieval import Candidate, Candidates
from ..retrieval.spelling import english_frequency, english_spelling, misspelt_english
from . import wordforms
from .evidence import passage_terms
from .memory import COVERAGE_NAMES, QuestionMemory

COVERAGE_PATH = Path(__file__).resolve().parent.parent / "data" / "coverage.json"
NAMES = ("best_score", "score_gap", "relevance", "terms_in_best", "terms_in_top3", "terms",
         "unknown_words", "rarest_unknown_zipf", "terms_missing_top3", "forms_in_best",
         "forms_in_top3", *COVERAGE_NAMES)  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class CoverageModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # P(not answered) at or above: name what the quotes do not cover

    @classmethod
    def never(cls) -> CoverageModel:
        """A model that never flags (before the first `faqbot answer-train`)."""
        n = len(NAMES)
        return cls(np.zeros(n), np.ones(n), np.zeros(n), 0.0, 2.0)

    def probability(self, x: np.ndarray) -> float:
        return float(
            1 / (1 + np.exp(-(((x - self.mean) / self.scale) @ self.coef + self.intercept)))
        )

    def save(self, path: Path = COVERAGE_PATH, report: dict | None = None) -> None:
        data = {"names": list(NAMES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept,
                "threshold": self.threshold, "cross_validated": report or {}}  # fmt: skip
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=2)
def load_coverage(path: str = str(COVERAGE_PATH)) -> CoverageModel:
    """The saved model. Raises ValueError (re-train: faqbot answer-train) when unusable."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(d["names"]) != NAMES:
            raise ValueError("fitted on other features")
        return CoverageModel(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]),
                             float(d["intercept"]), float(d["threshold"]))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"The coverage model {path} cannot be used ({exc}). "
                         "Run: faqbot answer-train") from None  # fmt: skip


def coverage_features(
    candidates: Candidates,
    ranked: list[Candidate],
    memory: QuestionMemory | None = None,
    leave_out: str = "",
) -> np.ndarray:
    """The model's inputs (NAMES); `memory`: how close the question lies to answered and to
    unanswered training questions (None: 0); `leave_out`: an author it ignores (training)."""
    best = sorted((float(c.sentence_scores.max()) for c in ranked), reverse=True) + [0.0, 0.0]
    terms = set(tokenize(candidates.searched))
    top3 = set().union(*(passage_terms(c.passage.chunk) for c in ranked[:3])) if ranked else set()
    best_terms = passage_terms(ranked[0].passage.chunk) if ranked else frozenset()
    in_best = len(terms & best_terms)
    # also counting a word's other forms: "pregnant" in a question, "Pregnancy" in the passage
    forms_best = sum(wordforms.held(t, best_terms) for t in terms)
    forms_top3 = sum(wordforms.held(t, top3) for t in terms)
    rare = [english_frequency(w) for w in candidates.rare_unknown]
    relevance = max((c.relevance for c in candidates.items), default=0.0)
    close = (memory.closeness(candidates.query, leave_out, terms) if memory is not None
             else np.zeros(len(COVERAGE_NAMES)))  # fmt: skip
    return np.array([best[0], best[0] - best[1], relevance, in_best / max(1, len(terms)),
                     len(terms & top3) / max(1, len(terms)), len(terms), len(rare),
                     min(rare, default=8.0), len(terms - top3), forms_best / max(1, len(terms)),
                     forms_top3 / max(1, len(terms)), *close])  # fmt: skip


# Zipf frequency from which a word is everyday English ("take", "get", "year", "much", "would"):
# such a word of the question is rarely what the articles lack (below: "children" 5.5 is named)
EVERYDAY_ZIPF = 5.5
# ... and from this one a word of the question's frame ("much" 6.0, "take" 5.9, "get", "would"),
# never named even when it is all that is left ("How much does it cost?" named "much")
FRAME_ZIPF = 5.9
_SHORTHAND = frozenset(
    "isnt doesnt dont didnt cant wont wasnt werent arent couldnt wouldnt shouldnt havent hasnt "
    "hadnt whats thats theres hows whos wheres im ive youre theyre lol lmao omg pls plz thx idk "
    "tbh btw ok okay".split()
)


def uncovered(
    candidates: Candidates,
    ranked: list[Candidate],
    quoted: list[Candidate],
    model: CoverageModel,
    max_zipf: float,
    limit: int = 3,
    memory: QuestionMemory | None = None,
) -> tuple[str, ...]:
    """The question's words (as typed) that the quotes do not cover, rarest first."""
    question = candidates.question
    if model.probability(coverage_features(candidates, ranked, memory)) < model.threshold:
        return ()  # the model decides; an unknown word is one of its inputs, not a verdict
    unknown = set(candidates.rare_unknown)  # no article has the word nor its stem
    named = [w for w in dict.fromkeys(candidates.rare_unknown) if english_frequency(w) < max_zipf]
    named = [w for w in named if w not in _SHORTHAND and not misspelt_english(w)]
    quoted_terms = set().union(*(passage_terms(c.passage.chunk) for c in quoted))
    for word in dict.fromkeys(w.casefold() for w in _WORD.findall(candidates.searched)):
        if word in named or word in _SHORTHAND:
            continue
        # a typo is judged by the word it misspells ("mutch": "much", "efects": "effects",
        # held) and named as typed ("adictive"; "migranes" is one edit from "migrants" too)
        meant = english_spelling(word) or word
        stems = tokenize(meant)
        if not stems or (meant != word and everyday(meant)):
            continue
        # a word no article has is not held by a quote's look-alike ("Medicare", "medical")
        if (meant == word and word in unknown) or not wordforms.held(stems[0], quoted_terms):
            named.append(word)
    named.sort(key=english_frequency)
    # the thing asked about before the words around it: "does medicare cover it" names
    # "Medicare" first; an everyday word only when nothing else is left (the model still says
    # something is missing: "do they play music during the infusion" names "music")
    things = [w for w in named if not everyday(w)]
    if not things:  # never a word of the question's frame ("much", "take", "get", "would")
        things = [w for w in named[:1] if english_frequency(w) < FRAME_ZIPF]
    return tuple(_as_typed(question, w) for w in things[:limit])


def everyday(word: str) -> bool:
    """An everyday English word ("take", "get", "much", "year"): rarely what the articles lack."""
    return english_frequency(word.casefold()) >= EVERYDAY_ZIPF


def _as_typed(question: str, word: str) -> str:
    """`word` (case-folded) as the question spells it: "TMS", not "tms"."""
    spelt = "[-\u2010\u2011]?".join(map(re.escape, word))  # "longterm" as "long-term"
    found = re.search(rf"(?<!\w){spelt}(?!\w)", question, re.IGNORECASE)
    return found.group() if found else word
