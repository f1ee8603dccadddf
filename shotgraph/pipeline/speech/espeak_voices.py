"""Choosing an espeak-ng voice: by the name a person typed, or by the story's language.

espeak-ng names a voice three ways (a name such as "English (America)", a file identifier such
as "gmw/en-US", and the language tags it speaks, such as "en-us"); people type any of them.
"""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.errors import ShotGraphError

FALLBACK_LANGUAGE = "en-us"

# Where a bare language code has several voices and espeak-ng's own preference is not the one
# most listeners expect (it prefers British English, European Portuguese, Pinyin-read Chinese).
_PREFERRED_DIALECT = {"en": "en-us", "pt": "pt-br", "zh": "cmn", "fr": "fr-fr", "no": "nb"}


class EspeakVoice(BaseModel):
    """One voice of the installed espeak-ng data."""

    name: str
    identifier: str
    languages: dict[str, int]
    """Language tag (lower case) -> priority; a lower number is a better match."""

    @property
    def short_name(self) -> str:
        """The file name of the voice, which the espeak-ng command line accepts (`en-us`)."""
        return self.identifier.rsplit("/", 1)[-1].lower()

    @property
    def tag(self) -> str:
        """The language tag the voice speaks best, naming it plainly: `en-gb`, `es`, `cmn`."""
        return min(self.languages, key=self.languages.__getitem__, default=self.short_name)


class UnknownVoice(ShotGraphError):
    """ESPEAK_VOICE names no installed espeak-ng voice."""

    def __init__(self, wanted: str, voices: list[EspeakVoice]) -> None:
        names = ", ".join(sorted({voice.tag for voice in voices}))
        super().__init__(
            f"ESPEAK_VOICE={wanted!r} is not an espeak-ng voice. Leave it unset to pick a voice "
            f"from the story's language, or use one of: {names}"
        )


def find_voice(voices: list[EspeakVoice], wanted: str) -> EspeakVoice | None:
    """The voice a person meant by `wanted`: a name, an identifier or a language tag."""
    key = wanted.strip().lower()
    for voice in voices:
        if key in (voice.name.strip().lower(), voice.identifier.lower(), voice.short_name):
            return voice
    return _best_for_tag(voices, key)


def voice_for_language(voices: list[EspeakVoice], language: str) -> EspeakVoice | None:
    """The best voice for a language tag such as `es`, `pt-BR` or `zh-Hans`, if any speaks it."""
    tag = language.strip().lower()
    primary = tag.split("-")[0]
    # A full tag (pt-pt) is taken as asked; a bare code (pt) goes to its preferred dialect first.
    candidates = [tag] if tag != primary else []
    candidates += [_PREFERRED_DIALECT.get(primary, primary), primary]
    for candidate in candidates:
        if voice := _best_for_tag(voices, candidate):
            return voice
    return None


def _best_for_tag(voices: list[EspeakVoice], tag: str) -> EspeakVoice | None:
    speaking = [voice for voice in voices if tag in voice.languages]
    return min(speaking, key=lambda voice: voice.languages[tag], default=None)
