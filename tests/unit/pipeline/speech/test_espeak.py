"""The espeak-ng narrator: real synthesis through the bundled library, read back from the WAV."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.models import SpokenLine
from shotgraph.pipeline.audio_files import read_wav, wav_format
from shotgraph.pipeline.speech.casting import Casting, Part
from shotgraph.pipeline.speech.espeak import EspeakNarrator, list_voices, part_pitch, word_timings
from shotgraph.pipeline.speech.espeak_voices import UnknownVoice
from shotgraph.pipeline.speech.joining import LINE_PAUSE_S

TEXT = (
    "Mara ran up the green hill at dawn with her red kite. "
    "The wind was strong and cold, and the village slept below."
)


@pytest.fixture
def narrator(settings: Settings) -> EspeakNarrator:
    return EspeakNarrator(settings)


async def test_speaks_audible_speech_with_a_timing_for_every_word(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    out = tmp_path / "line.wav"
    speech = await narrator.speak([SpokenLine(text=TEXT)], "en", None, out)

    samples, rate = read_wav(out)
    assert (rate, samples.shape[1]) == (speech.sample_rate, 1)
    assert speech.duration_s == pytest.approx(samples.shape[0] / rate)
    assert float(np.sqrt(np.mean(samples**2))) > 0.03
    # 22 words at 165 words a minute is 8 s; espeak-ng's pauses and pace vary around that.
    assert 5.0 < speech.duration_s < 12.0
    assert (speech.backend, speech.voice, speech.note) == ("espeak", "en-us", None)

    words = speech.words
    assert [word.text for word in words] == TEXT.split()
    assert words[0].start_s < 0.2
    assert all(0 <= w.start_s <= w.end_s <= speech.duration_s for w in words)
    assert all(a.end_s <= b.start_s for a, b in pairwise(words))


async def test_word_timings_follow_the_sound(narrator: EspeakNarrator, tmp_path: Path) -> None:
    out = tmp_path / "line.wav"
    speech = await narrator.speak([SpokenLine(text=TEXT)], "en", None, out)
    samples, rate = read_wav(out)

    def rms(start_s: float, end_s: float) -> float:
        window = samples[round(start_s * rate) : round(end_s * rate), 0]
        return float(np.sqrt(np.mean(window**2)))

    kite = next(w for w in speech.words if w.text == "kite.")
    after = speech.words[speech.words.index(kite) + 1]
    assert after.start_s - kite.end_s > 0.15  # the full stop is heard as a pause...
    assert rms(kite.end_s + 0.02, after.start_s - 0.02) < 0.1 * rms(0, speech.duration_s)
    for word in speech.words:  # ...and every word holds sound
        assert rms(word.start_s, word.end_s) > 0.02


async def test_lines_are_joined_by_a_pause_and_characters_have_their_own_pitch(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    line = "Hold the string tight, the wind is strong."
    out = tmp_path / "two.wav"
    casting = Casting(parts={"Tom": Part(gender="male")})
    speech = await narrator.speak(
        [SpokenLine(text=line), SpokenLine(text=line, speaker="Tom")], "en", None, out, casting
    )
    count = len(line.split())
    narrator_words, tom_words = speech.words[:count], speech.words[count:]
    assert [w.text for w in tom_words] == line.split()
    assert tom_words[0].start_s - narrator_words[-1].end_s >= LINE_PAUSE_S

    samples, rate = read_wav(out)
    split = round(tom_words[0].start_s * rate)
    narrator_pitch = _median_pitch_hz(samples[:split, 0], rate)
    tom_pitch = _median_pitch_hz(samples[split:, 0], rate)
    assert 70 < narrator_pitch < 160
    assert abs(np.log(tom_pitch / narrator_pitch)) > np.log(1.05)


async def test_without_a_part_a_character_is_read_by_the_narrator(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    line = "Hold the string tight."
    alone = await narrator.speak([SpokenLine(text=line)], "en", None, tmp_path / "a.wav")
    tom = await narrator.speak(
        [SpokenLine(text=line, speaker="Tom")], "en", None, tmp_path / "b.wav"
    )
    assert alone.words == tom.words
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_parts_get_distinct_pitches_women_above_and_men_below_the_narrator() -> None:
    narrator = part_pitch(None)
    women = [part_pitch(Part(gender="female", rank=rank)) for rank in range(5)]
    men = [part_pitch(Part(gender="male", rank=rank)) for rank in range(5)]
    assert all(pitch > narrator for pitch in women)
    assert all(pitch < narrator for pitch in men)
    assert len(set(women)) == len(set(men)) == 5


def _median_pitch_hz(samples: np.ndarray, rate: int) -> float:
    """Median fundamental of the voiced 40 ms frames, from each frame's autocorrelation."""
    frame = round(0.04 * rate)
    shortest, longest = round(rate / 350), round(rate / 60)
    pitches = []
    for start in range(0, samples.size - frame, frame):
        window = samples[start : start + frame].astype(np.float64)
        window -= window.mean()
        if np.sqrt(np.mean(window**2)) < 0.05:
            continue
        correlation = np.correlate(window, window, "full")[frame - 1 :]
        lag = shortest + int(np.argmax(correlation[shortest:longest]))
        if correlation[lag] > 0.3 * correlation[0]:
            pitches.append(rate / lag)
    return float(np.median(pitches))


async def test_same_lines_give_the_same_file_whatever_was_said_before(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    lines = [SpokenLine(text=TEXT), SpokenLine(text="Yes.", speaker="Tom")]
    first = await narrator.speak(lines, "en", None, tmp_path / "1.wav")
    other = [SpokenLine(text="Something else entirely, 1984 times.", speaker="Ann")]
    await narrator.speak(other, "de", None, tmp_path / "other.wav")
    second = await narrator.speak(lines, "en", None, tmp_path / "2.wav")
    assert first == second
    assert (tmp_path / "1.wav").read_bytes() == (tmp_path / "2.wav").read_bytes()


async def test_a_spanish_story_gets_a_spanish_voice(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    text = "¿Dónde está el niño? Él tiene una cometa roja."
    speech = await narrator.speak([SpokenLine(text=text)], "es", None, tmp_path / "es.wav")
    assert speech.voice == "es"
    assert [w.text for w in speech.words] == text.split()


@pytest.mark.parametrize(
    ("language", "voice"),
    [
        ("en", "en-us"),
        ("en-GB", "en-gb"),
        ("es", "es"),
        ("fr", "fr-fr"),
        ("de", "de"),
        ("it", "it"),
        ("pt", "pt-br"),
        ("pt-PT", "pt"),
        ("ru", "ru"),
        ("zh", "cmn"),
        ("ja", "ja"),
        ("nl", "nl"),
        ("pl", "pl"),
        ("sv", "sv"),
        ("tr", "tr"),
    ],
)
def test_each_language_has_its_voice(narrator: EspeakNarrator, language: str, voice: str) -> None:
    chosen, note = narrator.choose_voice(language, None)
    assert (chosen.tag, note) == (voice, None)


def test_a_voice_can_be_asked_for_by_any_of_its_names(narrator: EspeakNarrator) -> None:
    for name in ("en-gb", "English (Great Britain)", "gmw/en"):
        assert narrator.choose_voice("es", name)[0].tag == "en-gb"


async def test_a_voice_espeak_does_not_know_falls_back_with_a_note(
    narrator: EspeakNarrator, tmp_path: Path
) -> None:
    speech = await narrator.speak(
        [SpokenLine(text="Hola.")], "es", "es-ES-ElviraNeural", tmp_path / "x.wav"
    )
    assert speech.voice == "es"
    assert speech.note is not None
    assert "es-ES-ElviraNeural" in speech.note


def test_a_language_without_a_voice_speaks_american_english(narrator: EspeakNarrator) -> None:
    chosen, note = narrator.choose_voice("xx", None)
    assert chosen.tag == "en-us"
    assert note is not None
    assert "'xx'" in note


def test_a_configured_voice_wins_over_the_language(settings: Settings) -> None:
    narrator = EspeakNarrator(settings.model_copy(update={"espeak_voice": "de"}))
    assert narrator.choose_voice("fr", None)[0].tag == "de"


def test_an_unknown_configured_voice_is_a_user_error(settings: Settings) -> None:
    with pytest.raises(UnknownVoice) as caught:
        EspeakNarrator(settings.model_copy(update={"espeak_voice": "elvish"}))
    assert isinstance(caught.value, ShotGraphError)
    assert "ESPEAK_VOICE='elvish'" in str(caught.value)
    assert "en-us" in str(caught.value)


async def test_nothing_to_say_writes_no_file(narrator: EspeakNarrator, tmp_path: Path) -> None:
    out = tmp_path / "silence.wav"
    speech = await narrator.speak([], "en", None, out)
    assert speech.duration_s == 0
    assert speech.words == []
    assert not out.exists()


async def test_speed_follows_the_words_per_minute_setting(
    settings: Settings, tmp_path: Path
) -> None:
    line = [SpokenLine(text=TEXT)]
    slow = EspeakNarrator(settings.model_copy(update={"espeak_words_per_minute": 120}))
    fast = EspeakNarrator(settings.model_copy(update={"espeak_words_per_minute": 240}))
    slow_speech = await slow.speak(line, "en", None, tmp_path / "slow.wav")
    fast_speech = await fast.speak(line, "en", None, tmp_path / "fast.wav")
    assert slow_speech.duration_s > 1.5 * fast_speech.duration_s
    assert wav_format(tmp_path / "fast.wav") is not None


def test_voices_are_listed_for_the_doctor() -> None:
    voices = list_voices()
    assert len(voices) > 100
    assert {"en-us", "es", "fr-fr", "cmn"} <= {voice.tag for voice in voices}


def test_word_marks_map_onto_the_written_words() -> None:
    text = "In 1984 — he said — it rained."
    tokens = text.split()
    # espeak-ng marks "1984" three times (nineteen, eighty, four) and never marks the dashes.
    marks = [(1, 0), (4, 200), (5, 400), (5, 600), (11, 900), (14, 1100), (21, 1300), (24, 1500)]
    samples = np.full(round(2.0 * 22050), 5000, np.int16)
    words = word_timings(text, marks, samples, 22050)
    assert [w.text for w in words] == ["In", "1984 —", "he", "said —", "it", "rained."]
    assert " ".join(w.text for w in words).split() == tokens
    assert [w.start_s for w in words] == [0.0, 0.2, 0.9, 1.1, 1.3, 1.5]
    assert words[-1].end_s == pytest.approx(2.0, abs=0.01)
