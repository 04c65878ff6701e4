"""Crisis and self-harm detection (rules, normalisation, a learned head) and the crisis policy."""

from ..encoders.model import trained_for
from ..settings import SafetySettings
from .crisis import (
    DEFAULT_CRISIS_PATH,
    LEVELS,
    CrisisText,
    Level,
    later_language,
    later_line,
    load_crisis_text,
    safety_text,
    shown_language,
    text_language,
)
from .detector import SafetyAssessment, SafetyDetector, told_beside
from .head import load_head, load_other_head
from .normalise import normalise
from .policy import describes_dose_or_method, passage_mentions_suicide, retired_number_note
from .two_heads import ENGLISH_PATH, load_two_heads
from .veto import VETO_OTHER_PATH, load_veto

__all__ = [
    "DEFAULT_CRISIS_PATH", "LEVELS", "CrisisText", "Level", "SafetyAssessment", "SafetyDetector",
    "SafetySettings", "assess", "detector_for", "describes_dose_or_method", "later_language",
    "later_line",
    "load_crisis_text",
    "normalise",
    "passage_mentions_suicide", "retired_number_note", "safety_text", "shown_language",
    "text_language",
    "told_beside",
]  # fmt: skip


def detector_for(encoder, settings: SafetySettings) -> SafetyDetector:
    """The detector for a bot: rules plus the learned classifier when it was trained for this
    encoder's model; with another model only the rules run, and a warning says so."""
    head = load_head()
    without = "only the phrase rules run. Run: faqbot safety-train"
    if not trained_for(encoder, head.model_id, "Crisis classifier", without):
        return SafetyDetector(None, None, settings=settings)
    other = load_other_head(head.model_id)
    two = load_two_heads() if other is not None else None
    english = load_two_heads(ENGLISH_PATH) if other is not None else None
    veto = load_veto() if settings.veto else None
    veto_other = load_veto(VETO_OTHER_PATH) if settings.veto_other and other else None
    return SafetyDetector(encoder, head, settings=settings, other_head=other, two_heads=two,
                          english=english, veto=veto, veto_other=veto_other)  # fmt: skip


def assess(text: str, encoder=None) -> SafetyAssessment:
    """The crisis level of a message: the phrase rules, plus the learned head given an encoder."""
    return SafetyDetector(encoder).assess(text)
