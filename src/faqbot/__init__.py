"""faqbot: answers visitors' questions only with cited, verbatim quotes from a clinic's articles."""

from .bot import FAQBot
from .settings import Settings
from .types import Passage, Quote, Reply

Hit = Passage  # the name search results had before there was one passage type

__all__ = ["FAQBot", "Hit", "Passage", "Quote", "Reply", "Settings"]
__version__ = "0.1.0"
