"""The edge-tts narrator: the real edge-tts client against a local stand-in of the service,
which streams real MP3 speech and word-boundary metadata."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.models import SpokenLine
from shotgraph.pipeline.audio_files import read_wav
from shotgraph.pipeline.composition.subtitles import cues_for_film
from shotgraph.pipeline.composition.timeline import Segment, Timeline
from shotgraph.pipeline.speech.casting import Casting, Part
from shotgraph.pipeline.speech.edge import EdgeNarrator, align_words
from shotgraph.pipeline.speech.edge_voices import UnknownEdgeVoice
from shotgraph.pipeline.speech.joining import LINE_PAUSE_S
from shotgraph.pipeline.speech.protocol import SpeechUnavailable, WordTiming
from tests.fakes.edge_tts_server import TOKEN_SCHEME_SINCE, FakeEdgeTts

TEXT = '"Hold the string tight," said Tom. The wind was strong and cold.'


def _short(ssml_voice: str) -> str:
    """The short name of a voice as the SSML names it: `Microsoft Server Speech Text to Speech
    Voice (es-ES, ElviraNeural)` is `es-ES-ElviraNeural`."""
    locale, name = ssml_voice.split("(")[1].rstrip(")").split(", ")
    return f"{locale}-{name}"


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


async def test_speaks_the_streamed_audio_timed_by_its_word_boundaries(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    narrator = EdgeNarrator(edge_settings, edge_service.connector)
    out = tmp_path / "line.wav"
    speech = await narrator.speak([SpokenLine(text=TEXT)], "en", None, out)

    assert edge_service.refusals == []  # token, origin and cookie all as the service wants
    [request] = edge_service.requests
    assert request.word_boundaries
    assert request.output_format == "audio-24khz-48kbitrate-mono-mp3"
    assert (request.text, _short(request.voice)) == (TEXT, "en-US-AriaNeural")

    samples, rate = read_wav(out)
    assert rate == speech.sample_rate == 24_000
    assert speech.duration_s == pytest.approx(samples.shape[0] / rate)
    assert _rms(samples) > 0.03
    assert (speech.backend, speech.voice, speech.note) == ("edge", "en-US-AriaNeural", None)

    # The written words, punctuation and quotes included, at the times the service reported.
    assert [w.text for w in speech.words] == TEXT.split()
    sent = edge_service.sent_words[0]
    assert [w.start_s for w in speech.words] == pytest.approx([w.start_s for w in sent], abs=1e-6)
    assert [w.end_s for w in speech.words] == pytest.approx([w.end_s for w in sent], abs=1e-6)
    for word in speech.words:  # and the decoded sound is there when the words are
        window = samples[round(word.start_s * rate) : round(word.end_s * rate), 0]
        assert _rms(window) > 0.01


async def test_long_narration_is_cut_into_subtitles_at_sentence_ends(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    text = (
        "Mara ran up the green hill at dawn with her red kite. "
        "The wind was strong and cold, and the village slept below."
    )
    speech = await EdgeNarrator(edge_settings, edge_service.connector).speak(
        [SpokenLine(text=text)], "en", None, tmp_path / "x.wav"
    )
    shot = Segment(kind="shot", shot_id="s000-00", start_frame=0, frame_count=240)
    timeline = Timeline(fps=24, segments=[shot], narration_starts_s={"s000-00": 1.0})
    first, second = cues_for_film(timeline, {"s000-00": speech})
    assert first.text.replace("\n", " ") == text.split(" The")[0]
    assert first.start_s == pytest.approx(1.0 + speech.words[0].start_s)
    after_kite = next(w for w in speech.words if w.text == "The")
    assert second.start_s == pytest.approx(1.0 + after_kite.start_s)


async def test_rate_and_pitch_come_from_the_settings(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    tuned = edge_settings.model_copy(update={"edge_tts_rate": "+15%", "edge_tts_pitch": "-4Hz"})
    await EdgeNarrator(tuned, edge_service.connector).speak(
        [SpokenLine(text="Fast and low.")], "en", None, tmp_path / "x.wav"
    )
    assert (edge_service.requests[0].rate, edge_service.requests[0].pitch) == ("+15%", "-4Hz")


async def test_a_spanish_story_is_read_by_a_spanish_voice_and_each_character_by_their_own(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    lines = [
        SpokenLine(text="Mara subió la colina."),
        SpokenLine(text="«¡Mira la cometa!»", speaker="Mara"),
        SpokenLine(text="«Sujeta bien la cuerda»", speaker="Tomás"),
        SpokenLine(text="«¿Y yo?»", speaker="Nadie"),
    ]
    casting = Casting(
        parts={
            "Mara": Part(gender="female"),
            "Tomás": Part(gender="male"),
            "Nadie": Part(gender="female", rank=1),
        }
    )
    narrator = EdgeNarrator(edge_settings, edge_service.connector)
    speech = await narrator.speak(lines, "es", None, tmp_path / "es.wav", casting)

    voices = [_short(request.voice) for request in edge_service.requests]
    assert voices == [
        "es-ES-ElviraNeural",
        "es-ES-XimenaNeural",
        "es-ES-AlvaroNeural",
        "es-MX-DaliaNeural",
    ]
    assert speech.voice == "es-ES-ElviraNeural"
    assert [w.text for w in speech.words] == " ".join(line.text for line in lines).split()
    first_line_end = speech.words[len(lines[0].text.split()) - 1].end_s
    assert speech.words[len(lines[0].text.split())].start_s - first_line_end >= LINE_PAUSE_S


async def test_without_a_casting_every_line_is_the_narrators(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    lines = [SpokenLine(text="She ran."), SpokenLine(text='"Wait!"', speaker="Tom")]
    await EdgeNarrator(edge_settings, edge_service.connector).speak(
        lines, "en", None, tmp_path / "x.wav"
    )
    assert {_short(request.voice) for request in edge_service.requests} == {"en-US-AriaNeural"}


async def test_the_requests_voice_wins_and_a_foreign_one_is_noted(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    narrator = EdgeNarrator(edge_settings, edge_service.connector)
    line = [SpokenLine(text="Hello.")]
    asked = await narrator.speak(line, "en", "en-GB-RyanNeural", tmp_path / "a.wav")
    espeak_name = await narrator.speak(line, "en", "en-gb", tmp_path / "b.wav")
    assert asked.voice == "en-GB-RyanNeural"
    assert asked.note is None
    assert espeak_name.voice == "en-US-AriaNeural"
    assert "'en-gb' is not an edge-tts voice" in (espeak_name.note or "")


def test_a_configured_voice_must_look_like_an_edge_voice(settings: Settings) -> None:
    with pytest.raises(UnknownEdgeVoice) as caught:
        EdgeNarrator(settings.model_copy(update={"edge_tts_voice": "espeak-en"}))
    assert isinstance(caught.value, ShotGraphError)
    assert "EDGE_TTS_VOICE='espeak-en'" in str(caught.value)
    configured = EdgeNarrator(settings.model_copy(update={"edge_tts_voice": "de-DE-KatjaNeural"}))
    assert configured.choose_voice("fr", None) == ("de-DE-KatjaNeural", None)


def test_a_language_without_a_listed_voice_gets_the_multilingual_one(settings: Settings) -> None:
    voice, note = EdgeNarrator(settings).choose_voice("eu", None)
    assert voice == "en-US-EmmaMultilingualNeural"
    assert "'eu'" in (note or "")


async def test_a_line_with_no_words_sends_nothing(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    out = tmp_path / "x.wav"
    speech = await EdgeNarrator(edge_settings, edge_service.connector).speak(
        [SpokenLine(text="—")], "en", None, out
    )
    assert (speech.duration_s, edge_service.connections, out.exists()) == (0.0, 0, False)


def _heard(*words: tuple[str, float]) -> list[WordTiming]:
    return [WordTiming(text=text, start_s=start, end_s=start + 0.2) for text, start in words]


def test_reported_words_take_their_written_words_punctuation_and_all() -> None:
    text = '"Wait — please," said Ann, "wait!"'
    words = align_words(
        text, _heard(("Wait", 0.1), ("please", 0.5), ("said", 1.0), ("Ann", 1.3), ("wait", 1.8))
    )
    assert [w.text for w in words] == ['"Wait —', 'please,"', "said", "Ann,", '"wait!"']
    assert [w.start_s for w in words] == [0.1, 0.5, 1.0, 1.3, 1.8]


def test_a_word_reported_twice_or_not_at_all_keeps_the_text_whole() -> None:
    text = "In 1984 it rained."
    # A number read as three words, each reported on its own, and one word never reported.
    heard = _heard(("In", 0.0), ("1984", 0.3), ("1984", 0.6), ("rained", 1.4))
    words = align_words(text, heard)
    assert [w.text for w in words] == ["In", "1984 it", "rained."]
    assert words[1].start_s == 0.3


def test_an_answer_cut_short_is_a_failure() -> None:
    with pytest.raises(SpeechUnavailable):
        align_words("The wind was strong.", _heard(("The", 0.0), ("wind", 0.3)))
    with pytest.raises(SpeechUnavailable):
        align_words("The wind was strong.", [])


def test_the_edge_tts_floor_is_a_release_whose_tokens_the_service_takes() -> None:
    """pyproject.toml must not admit an edge-tts that every request of would be refused."""
    pyproject = tomllib.loads((Path(__file__).parents[4] / "pyproject.toml").read_text())
    [requirement] = [d for d in pyproject["project"]["dependencies"] if d.startswith("edge-tts")]
    floor = re.search(r">=\s*([\d.]+)", requirement)
    assert floor is not None, requirement
    version = tuple(int(part) for part in floor.group(1).split("."))
    assert version + (0,) * (3 - len(version)) >= TOKEN_SCHEME_SINCE
