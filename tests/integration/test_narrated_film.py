"""A whole film narrated by the real edge-tts client against a local stand-in of its service:
the story's language picks the voices, characters speak in their own, the voice sets every
shot's length and the subtitles follow its words; and with the service down, the same film is
spoken by espeak-ng, with every fallback in the job's result."""

from __future__ import annotations

import json
import re

import pytest

from shotgraph.config import Settings
from shotgraph.models import JobResult, ShotPlan, StoryRequest
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.composition.timeline import (
    MIN_SHOT_S,
    NARRATION_LEAD_S,
    NARRATION_TAIL_S,
    build_timeline,
)
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.speech.edge import EdgeNarrator
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from shotgraph.pipeline.speech.fallback import FallbackNarrator
from shotgraph.pipeline.speech.protocol import Speech
from tests.fakes.edge_tts_server import Behaviour, FakeEdgeTts
from tests.helpers.media import audio_rms, probe

pytestmark = pytest.mark.slow

STORY = """La cometa

María subió la colina verde al amanecer con su cometa roja. El viento era fuerte y frío.

«Sujeta bien la cuerda», dijo Tomás. María se rió y dejó que la cometa subiera al cielo.

«¡Mira qué alto vuela!», gritó María. Tomás aplaudió.
"""


@pytest.fixture
def edge_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "tts_backend": "edge",
            "music_backend": "none",
            "narration_retries": 1,
            "narration_retry_backoff_s": 0.01,
            "narration_timeout_s": 0.8,
        }
    )


async def _film(settings: Settings, service: FakeEdgeTts) -> JobResult:
    backends = build_backends(settings)
    backends.narrator = FallbackNarrator(
        EdgeNarrator(settings, service.connector), EspeakNarrator(settings), settings
    )
    return await Orchestrator(settings, backends).run(StoryRequest(story=STORY))


def _speeches(settings: Settings, result: JobResult) -> dict[str, Speech]:
    folder = settings.storage_path / "jobs" / result.job_id / "narration"
    return {
        record.stem: Speech.model_validate(json.loads(record.read_text())["value"])
        for record in folder.glob("s*.json")
    }


def _cue_starts(srt: str) -> list[float]:
    starts = re.findall(r"^(\d\d):(\d\d):(\d\d),(\d{3}) -->", srt, flags=re.MULTILINE)
    return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in starts]


def _voice(ssml_voice: str) -> str:
    locale, name = ssml_voice.split("(")[1].rstrip(")").split(", ")
    return f"{locale}-{name}"


async def test_the_voice_sets_the_film(edge_settings: Settings) -> None:
    async with FakeEdgeTts() as service:
        result = await _film(edge_settings, service)
    root = edge_settings.storage_path
    plan = ShotPlan.model_validate_json((root / result.files.plan).read_text())
    speeches = _speeches(edge_settings, result)

    # Detected as Spanish: a Spanish narrator, and each speaking character a voice of their own.
    assert plan.language == "es"
    assert service.refusals == []
    voices = {}
    for request in service.requests:
        voices.setdefault(request.text, _voice(request.voice))
    assert voices["María subió la colina verde al amanecer con su cometa roja."] == (
        "es-ES-ElviraNeural"
    )
    tomas, maria = voices["«Sujeta bien la cuerda»,"], voices["«¡Mira qué alto vuela!»,"]
    assert len({tomas, maria, "es-ES-ElviraNeural"}) == 3
    assert all(voice.startswith("es-") for voice in voices.values())
    assert {speech.backend for speech in speeches.values()} == {"edge"}
    assert not [note for note in result.notes if note.startswith("narration")]

    # Each narrated shot lasts its speech plus the lead-in and tail, whatever the plan guessed.
    for ref in plan.shots():
        speech = speeches[ref.id]
        wanted = max(NARRATION_LEAD_S + speech.duration_s + NARRATION_TAIL_S, MIN_SHOT_S)
        assert ref.shot.duration_s == pytest.approx(wanted, abs=1 / edge_settings.video_fps)

    # Every subtitle starts on a word the service timed, where that shot's voice starts.
    timeline = build_timeline(
        plan, {shot: s.duration_s for shot, s in speeches.items()}, edge_settings.video_fps
    )
    word_starts = [
        timeline.narration_starts_s[shot] + word.start_s
        for shot, speech in speeches.items()
        for word in speech.words
    ]
    cues = _cue_starts((root / result.files.subtitles).read_text())
    assert cues
    for start in cues:
        assert min(abs(start - word) for word in word_starts) < 0.002
    first_word = service.sent_words[0][0].start_s
    assert cues[0] == pytest.approx(timeline.narration_starts_s["s000-00"] + first_word, abs=0.002)

    video = root / result.files.video
    assert probe(video).stream("subtitle").language == "spa"
    assert audio_rms(video) > 0.01


async def test_with_the_service_down_the_film_is_spoken_offline(edge_settings: Settings) -> None:
    async with FakeEdgeTts(default=Behaviour.FORBIDDEN) as service:
        result = await _film(edge_settings, service)
    root = edge_settings.storage_path
    plan = ShotPlan.model_validate_json((root / result.files.plan).read_text())
    speeches = _speeches(edge_settings, result)

    assert {speech.backend for speech in speeches.values()} == {"espeak"}
    assert {speech.voice for speech in speeches.values()} == {"es"}
    fallbacks = [note for note in result.notes if "edge failed (HTTP 403)" in note]
    assert len(fallbacks) == plan.shot_count
    for ref in plan.shots():  # the same timing rule, from the offline voice's length
        wanted = NARRATION_LEAD_S + speeches[ref.id].duration_s + NARRATION_TAIL_S
        assert ref.shot.duration_s == pytest.approx(max(wanted, MIN_SHOT_S), abs=0.1)
    assert result.backends["narration"] == "edge"
    video = root / result.files.video
    assert audio_rms(video) > 0.01
    assert "Sujeta bien la cuerda" in (root / result.files.subtitles).read_text()
