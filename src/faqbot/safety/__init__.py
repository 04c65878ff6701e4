"""Crisis and self-harm detection (rules, normalisation, a learned head) and the crisis policy."""

from .crisis import DEFAULT_CRISIS_PATH, LEVELS, CrisisText, Level, load_crisis_text, safety_text
from .detector import SafetyAssessment, SafetyDetector, SafetySettings
from .normalise import normalise
from .policy import describes_dose_or_method, passage_mentions_suicide, retired_number_note

__all__ = [
    "DEFAULT_CRISIS_PATH", "LEVELS", "CrisisText", "Level", "SafetyAssessment", "SafetyDetector",
    "SafetySettings", "assess", "describes_dose_or_method", "load_crisis_text", "normalise",
    "passage_mentions_suicide", "retired_number_note", "safety_text",
]  # fmt: skip


def assess(text: str, encoder=None) -> SafetyAssessment:
    """The crisis level of a message: the phrase rules, plus the learned head given an encoder."""
    return SafetyDetector(encoder).assess(text)
