"""Before answering: small talk (greetings, thanks and "can I talk to a person?", recognised by a
learned classifier on the question's embedding) and questions in another language, answered in
the clinic's own words."""

from ..encoders.model import trained_for
from .clinic import DEFAULT_CLINIC_PATH, ClinicText, load_clinic_text
from .language import other_language
from .model import INTENTS, IntentModel, load_intent_model
from .reply import SMALL_TALK, other_language_reply, small_talk_reply, with_contact

__all__ = [
    "DEFAULT_CLINIC_PATH", "INTENTS", "SMALL_TALK", "ClinicText", "IntentModel",
    "intent_model_for", "load_clinic_text", "load_intent_model", "other_language",
    "other_language_reply", "small_talk_reply", "with_contact",
]  # fmt: skip


def intent_model_for(encoder) -> IntentModel | None:
    """The classifier when it was trained for this encoder's model; otherwise None (every message
    goes to the answer stage) and a warning says how to retrain."""
    model = load_intent_model()
    without = "greetings and thanks go to the answer stage. Run: faqbot intent-train"
    return model if trained_for(encoder, model.model_id, "Small-talk classifier", without) else None
