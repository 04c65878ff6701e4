"""Whether the passages answer the question: calibrated thresholds on the evidence, or abstain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..types import Abstention
from .evidence import Evidence


@dataclass(frozen=True)
class Calibration:
    """Abstention thresholds, chosen on the dev set by benchmarks/calibrate_abstention.py."""

    min_relevance: float  # below this the best passage does not answer: abstain
    rare_term_relevance: float  # stricter bar when the question has uncommon words no article uses
    # lower bar when the best passage holds every content word of the question ("cost?", "can I
    # do this at home?"): terse questions embed weakly, but the words say what is asked
    covered_relevance: float | None = None  # None: no lower bar
    # answered anyway, below min_relevance, when the learned ranker's best sentence reaches this
    # P(it answers) and the coverage model finds nothing asked missing: "allied phone number"
    # embeds far from every passage, but the ranker knows the office line answers it
    # (benchmarks/calibrate_rescue.py, docs/eval/ranker_rescue_before.md; None: no rescue)
    rescue_probability: float | None = None


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> Calibration:
    """Load abstention.json (the packaged one by default).

    Raises:
        ValueError: the file lacks the thresholds; re-run benchmarks/calibrate_abstention.py.
    """
    where = path or "faqbot/data/abstention.json"
    text = (
        Path(path).read_text()
        if path
        else (resources.files("faqbot").joinpath("data/abstention.json").read_text())
    )
    try:
        data = json.loads(text)
        covered = data.get("covered_relevance")
        rescue = data.get("rescue_probability")
        return Calibration(
            float(data["min_relevance"]),
            float(data["rare_term_relevance"]),
            None if covered is None else float(covered),
            None if rescue is None else float(rescue),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{where} is not a usable calibration ({exc}). "
            "Run: python benchmarks/calibrate_abstention.py --write"
        ) from None


def abstention(evidence: Evidence, calibration: Calibration) -> tuple[Abstention, str] | None:
    """None when the question is answered; else why not, and the figures for the staff view."""
    rescued = (
        evidence.covered
        and calibration.covered_relevance is not None
        and evidence.relevance >= calibration.covered_relevance
    )
    if evidence.relevance < calibration.min_relevance and not rescued:
        return Abstention.LOW_RELEVANCE, (
            f"best passage relevance {evidence.relevance:.3f} is below "
            f"{calibration.min_relevance:.3f}"
        )
    if evidence.rare_unknown and evidence.relevance < calibration.rare_term_relevance:
        return Abstention.RARE_WORDS, (
            f"words no article uses ({', '.join(evidence.rare_unknown)}) and relevance "
            f"{evidence.relevance:.3f} is below {calibration.rare_term_relevance:.3f}"
        )
    return None


def rescued(why: tuple[Abstention, str] | None, best: float, calibration: Calibration) -> bool:
    """Whether an abstention for low relevance alone is overruled: the learned ranker gives the
    best sentence P(it answers) `best` at or above calibration.rescue_probability. Words no
    article uses are never overruled ("Does lithium help?")."""
    bar = calibration.rescue_probability
    return (
        why is not None and why[0] is Abstention.LOW_RELEVANCE and bar is not None and best >= bar
    )


def may_rescue(why: tuple[Abstention, str] | None, calibration: Calibration) -> bool:
    """Whether the ranker should read candidates the relevance bar abstains on."""
    return rescued(why, 1.0, calibration)
