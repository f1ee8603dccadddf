"""The story's language, when the request does not name one.

py3langid ships its model inside the wheel (no download at first use) and scores 97 languages
from byte n-grams in a few milliseconds. The model takes about a second to load, so it is
loaded once, on the first story that needs it.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

DEFAULT_LANGUAGE = "en"
# Below this probability the guess is noise (a story of three words): keep the default.
_MIN_CONFIDENCE = 0.3
# The first characters are enough to tell a language, and keep a long story quick.
_SAMPLE_CHARS = 5000


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, or `en` when unsure."""
    sample = text[:_SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return DEFAULT_LANGUAGE
    language, confidence = _identifier().classify(sample)
    return language if confidence >= _MIN_CONFIDENCE else DEFAULT_LANGUAGE
