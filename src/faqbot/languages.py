"""Which language a text is written in: py3langid's naive Bayes over byte n-grams (shipped with
its model), one identifier for the whole bot (its model takes ~80 MB), among widely used
LANGUAGES. The English-only note (intent/language.py) and the crisis head for other languages
(safety/language.py) both ask it."""

from __future__ import annotations

from functools import lru_cache

# widely used languages: among fewer choices a short English text is less often taken for a
# rare one ("Is Spravato covered?" read as Italian among all 97)
LANGUAGES = tuple(
    "en es pt fr de it nl pl ru uk zh ja ko ar hi tr vi id sv da no fi cs ro hu el he th fa".split()
)


@lru_cache(maxsize=1)
def identifier():
    """The shared identifier: probabilities over LANGUAGES (`.rank(text)`, best first)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    found = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    found.set_languages(list(LANGUAGES))
    return found
