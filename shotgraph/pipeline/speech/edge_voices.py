"""Choosing edge-tts voices: for a language, and for each part of the cast.

The service's own voice list is one more network call that fails in the same waves as speech,
and a list that changes under us would change cache keys; the voices here are a fixed choice of
long-standing neural voices, a few per language and gender. Any other voice the service offers
can still be named in EDGE_TTS_VOICE or in a request.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from shotgraph.errors import ShotGraphError
from shotgraph.pipeline.speech.casting import Age, Part, VoiceGender

# The library's own default: a multilingual voice that reads most languages passably.
MULTILINGUAL_VOICE = "en-US-EmmaMultilingualNeural"
# A voice name as edge-tts accepts it: language, region, then the name.
_VOICE_NAME = re.compile(r"^[a-z]{2,3}-[A-Z]{2}(-[A-Za-z]+)?-[A-Za-z]+Neural$")
# Where a part needs more voices than a language has, the voices come round again this much
# higher (women) or lower (men) each time, so no two characters sound the same.
PITCH_STEP_HZ = 8
# A child with no child's voice listed speaks an adult voice pitched up; an elder a little
# lower. Neither is a multiple of the step, so no two parts land on the same voice and pitch.
AGE_SHIFT_HZ: dict[Age, int] = {"child": 20, "adult": 0, "elder": -6}


class EdgeVoice(BaseModel):
    model_config = {"frozen": True}

    name: str
    gender: VoiceGender
    child: bool = False

    @property
    def locale(self) -> str:
        return self.name.rsplit("-", 1)[0]


def _voices(locale: str, female: str, male: str, girls: str = "") -> list[EdgeVoice]:
    def listed(names: str, gender: VoiceGender, child: bool = False) -> list[EdgeVoice]:
        return [
            EdgeVoice(name=f"{locale}-{name}Neural", gender=gender, child=child)
            for name in names.split()
        ]

    return listed(female, "female") + listed(male, "male") + listed(girls, "female", child=True)


# Locale -> voices; the first voice of a language's default locale narrates.
VOICES: dict[str, list[EdgeVoice]] = {
    "en-US": _voices("en-US", "Aria Jenny Michelle", "Guy Christopher Eric Roger Steffan", "Ana"),
    "en-GB": _voices("en-GB", "Sonia Libby", "Ryan Thomas", "Maisie"),
    "es-ES": _voices("es-ES", "Elvira Ximena", "Alvaro"),
    "es-MX": _voices("es-MX", "Dalia", "Jorge"),
    "fr-FR": _voices("fr-FR", "Denise VivienneMultilingual", "Henri", "Eloise"),
    "fr-CA": _voices("fr-CA", "Sylvie", "Antoine Jean"),
    "de-DE": _voices("de-DE", "Katja Amala", "Conrad Killian"),
    "it-IT": _voices("it-IT", "Elsa Isabella", "Diego"),
    "pt-BR": _voices("pt-BR", "Francisca", "Antonio"),
    "pt-PT": _voices("pt-PT", "Raquel", "Duarte"),
    "ru-RU": _voices("ru-RU", "Svetlana Dariya", "Dmitry"),
    "ja-JP": _voices("ja-JP", "Nanami", "Keita"),
    "zh-CN": _voices("zh-CN", "Xiaoxiao Xiaoyi", "Yunxi Yunjian Yunyang"),
    "ko-KR": _voices("ko-KR", "SunHi", "InJoon"),
    "nl-NL": _voices("nl-NL", "Colette Fenna", "Maarten"),
    "pl-PL": _voices("pl-PL", "Zofia", "Marek"),
    "sv-SE": _voices("sv-SE", "Sofie", "Mattias"),
    "tr-TR": _voices("tr-TR", "Emel", "Ahmet"),
    "uk-UA": _voices("uk-UA", "Polina", "Ostap"),
    "ar-SA": _voices("ar-SA", "Zariyah", "Hamed"),
    "hi-IN": _voices("hi-IN", "Swara", "Madhur"),
}
_DEFAULT_LOCALE = {
    "en": "en-US",
    "es": "es-ES",
    "fr": "fr-FR",
    "de": "de-DE",
    "it": "it-IT",
    "pt": "pt-BR",
    "ru": "ru-RU",
    "ja": "ja-JP",
    "zh": "zh-CN",
    "ko": "ko-KR",
    "nl": "nl-NL",
    "pl": "pl-PL",
    "sv": "sv-SE",
    "tr": "tr-TR",
    "uk": "uk-UA",
    "ar": "ar-SA",
    "hi": "hi-IN",
}


class UnknownEdgeVoice(ShotGraphError):
    """EDGE_TTS_VOICE is not written like an edge-tts voice name."""

    def __init__(self, wanted: str) -> None:
        super().__init__(
            f"EDGE_TTS_VOICE={wanted!r} is not an edge-tts voice name. Leave it unset to pick a "
            "voice from the story's language, or name one such as en-US-AriaNeural or "
            "es-ES-ElviraNeural"
        )


def is_voice_name(name: str) -> bool:
    return _VOICE_NAME.match(name) is not None


def voices_for_language(language: str) -> list[EdgeVoice]:
    """The listed voices of a language tag (`es`, `es-MX`, `en-gb`), best locale first; empty
    when none is listed."""
    primary, _, region = language.partition("-")
    primary = primary.lower()
    asked = f"{primary}-{region.upper()}" if region else None
    default = _DEFAULT_LOCALE.get(primary)
    locales = [asked] if asked in VOICES else []
    locales += [default] if default and default not in locales else []
    locales += [loc for loc in VOICES if loc.split("-")[0] == primary and loc not in locales]
    return [voice for locale in locales for voice in VOICES[locale]]


def narrator_voice(language: str) -> str | None:
    """The voice that narrates a story in `language`, or None when none is listed for it."""
    voices = voices_for_language(language)
    return voices[0].name if voices else None


def voice_for_part(part: Part, language: str, narrator: str) -> tuple[str, int]:
    """A character's voice and pitch shift in hertz, never the narrator's own voice.

    The part's gender picks among the language's voices of that gender (a child's voice for a
    child, where one is listed); rank walks through them, then round again at a shifted pitch.
    A part with no voice of its gender listed borrows another one at a shifted pitch, so it
    still sounds apart.
    """
    listed = [voice for voice in voices_for_language(language) if voice.name != narrator]
    adults = [voice for voice in listed if not voice.child]
    children = [voice for voice in listed if voice.child and voice.gender == part.gender]
    matching = [voice for voice in adults if voice.gender == part.gender]
    if part.age == "child" and children:
        pool, borrowed, age_hz = children, 0, 0
    elif matching:
        pool, borrowed, age_hz = matching, 0, AGE_SHIFT_HZ[part.age]
    else:
        pool, borrowed, age_hz = adults or listed, 1, AGE_SHIFT_HZ[part.age]
    if not pool:
        return narrator, _shift(part, part.rank + 1) + age_hz
    lap, index = divmod(part.rank, len(pool))
    return pool[index].name, _shift(part, lap + borrowed) + age_hz


def _shift(part: Part, laps: int) -> int:
    return -PITCH_STEP_HZ * laps if part.gender == "male" else PITCH_STEP_HZ * laps
