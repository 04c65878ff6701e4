"""faqbot: answers visitors' questions only with cited, verbatim quotes from a clinic's articles."""

from .bot import FAQBot
from .config import Settings
from .retrieval import Hit

__all__ = ["FAQBot", "Hit", "Settings"]
__version__ = "0.1.0"
