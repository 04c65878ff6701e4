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
        return Calibration(
            float(data["min_relevance"]),
            float(data["rare_term_relevance"]),
            None if covered is None else float(covered),
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
