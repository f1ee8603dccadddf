"""Choosing edge-tts voices by language and by part."""

from __future__ import annotations

from shotgraph.pipeline.speech.casting import Part
from shotgraph.pipeline.speech.edge_voices import (
    AGE_SHIFT_HZ,
    PITCH_STEP_HZ,
    is_voice_name,
    narrator_voice,
    voice_for_part,
    voices_for_language,
)


def test_each_language_is_narrated_in_its_own_locale() -> None:
    assert narrator_voice("es") == "es-ES-ElviraNeural"
    assert narrator_voice("es-MX") == "es-MX-DaliaNeural"
    assert narrator_voice("en-gb") == "en-GB-SoniaNeural"
    assert narrator_voice("pt") == "pt-BR-FranciscaNeural"
    assert narrator_voice("pt-PT") == "pt-PT-RaquelNeural"
    assert narrator_voice("zh") == "zh-CN-XiaoxiaoNeural"
    assert narrator_voice("eu") is None


def test_other_locales_of_a_language_follow_its_own() -> None:
    locales = [voice.locale for voice in voices_for_language("es")]
    assert locales.index("es-MX") > locales.index("es-ES")
    assert {locale.split("-")[0] for locale in locales} == {"es"}


def test_parts_get_voices_of_their_gender_never_the_narrators() -> None:
    narrator = "en-US-AriaNeural"
    women = [voice_for_part(Part(gender="female", rank=r), "en", narrator) for r in range(3)]
    men = [voice_for_part(Part(gender="male", rank=r), "en", narrator) for r in range(3)]
    assert [voice for voice, _ in women] == [
        "en-US-JennyNeural",
        "en-US-MichelleNeural",
        "en-GB-SoniaNeural",  # a child's voice is kept for children
    ]
    assert [voice for voice, _ in men] == [
        "en-US-GuyNeural",
        "en-US-ChristopherNeural",
        "en-US-EricNeural",
    ]
    assert all(shift == 0 for _, shift in women + men)


def test_children_and_elders_sound_their_age() -> None:
    narrator = "en-US-AriaNeural"
    girl = voice_for_part(Part(gender="female", age="child"), "en", narrator)
    boy = voice_for_part(Part(gender="male", age="child"), "en", narrator)
    elder = voice_for_part(Part(gender="male", rank=1, age="elder"), "en", narrator)
    assert girl == ("en-US-AnaNeural", 0)
    assert boy == ("en-US-GuyNeural", AGE_SHIFT_HZ["child"])  # no boy's voice: pitched up
    assert elder == ("en-US-ChristopherNeural", AGE_SHIFT_HZ["elder"])


def test_no_two_parts_share_a_voice_and_a_pitch() -> None:
    narrator = "ko-KR-SunHiNeural"
    parts = [
        Part(gender=gender, rank=rank, age=age)
        for gender in ("female", "male")
        for rank, age in enumerate(["adult", "child", "elder", "adult", "child", "elder"])
    ]
    for language in ("ko", "en", "fr"):
        voices = [voice_for_part(part, language, narrator) for part in parts]
        assert len(set(voices)) == len(parts)


def test_a_cast_larger_than_the_voices_comes_round_again_at_another_pitch() -> None:
    narrator = "ko-KR-SunHiNeural"  # Korean lists one voice per gender
    first = voice_for_part(Part(gender="male", rank=0), "ko", narrator)
    second = voice_for_part(Part(gender="male", rank=1), "ko", narrator)
    assert first == ("ko-KR-InJoonNeural", 0)
    assert second == ("ko-KR-InJoonNeural", -PITCH_STEP_HZ)
    # No other woman's voice is listed: she borrows one, pitched up so she sounds apart.
    assert voice_for_part(Part(gender="female", rank=0), "ko", narrator) == (
        "ko-KR-InJoonNeural",
        PITCH_STEP_HZ,
    )
    # A language with no voice listed at all: parts are the narrator's voice at other pitches.
    assert voice_for_part(Part(gender="male", rank=0), "eu", "x") == ("x", -PITCH_STEP_HZ)


def test_voice_names_are_recognised_by_their_shape() -> None:
    assert is_voice_name("en-US-AriaNeural")
    assert is_voice_name("zh-CN-liaoning-XiaobeiNeural")
    assert not is_voice_name("en-us")
    assert not is_voice_name("English (America)")
