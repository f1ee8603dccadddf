"""The narration stage: one casting for the whole film, and a setting that turns it off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.progress import StageReporter
from shotgraph.pipeline.speech.edge import EdgeNarrator
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from shotgraph.pipeline.speech.fallback import FallbackNarrator
from shotgraph.pipeline.speech.protocol import Narrator
from shotgraph.pipeline.stages.narration import NarratedShot, run_narration
from tests.fakes.edge_tts_server import Behaviour, FakeEdgeTts

STORY = (
    'Mara ran up the hill with her kite. "Hold on!" said Tom.\n\n'
    'Later Tom sat by the fire. "It flew so high," said Mara. "Higher than the birds," she said.'
)


@pytest.fixture
async def edge_service() -> AsyncIterator[FakeEdgeTts]:
    async with FakeEdgeTts() as service:
        yield service


async def _run(settings: Settings, narrator: Narrator) -> dict[str, NarratedShot]:
    """Narrate the story's plan with `narrator`, in one job folder whatever the call."""
    backends = build_backends(settings)
    backends.narrator = narrator
    request = StoryRequest(story=STORY)
    plan = (await Orchestrator(settings, backends).plan(request)).plan
    job = JobRun(
        settings=settings,
        backends=backends,
        request=request,
        folder=JobFolder(settings.storage_path, "narration-test"),
        reporter=StageReporter(None),
    )
    return await run_narration(job, plan)


async def _narrate(settings: Settings, service: FakeEdgeTts) -> dict[str, str]:
    """Each spoken text -> the short name of the voice that spoke it."""
    await _run(settings, EdgeNarrator(settings, service.connector))
    return {r.text: r.voice.split("(")[1].split(", ")[1].rstrip(")") for r in service.requests}


async def test_each_character_keeps_one_voice_across_shots(
    settings: Settings, edge_service: FakeEdgeTts
) -> None:
    voices = await _narrate(settings, edge_service)
    assert voices['"Hold on!"'] == "GuyNeural"  # the first man's voice
    assert voices['"It flew so high,"'] == voices['"Higher than the birds,"'] == "JennyNeural"
    assert voices["Mara ran up the hill with her kite."] == "AriaNeural"


async def test_character_voices_can_be_turned_off(
    settings: Settings, edge_service: FakeEdgeTts
) -> None:
    voices = await _narrate(
        settings.model_copy(update={"tts_character_voices": False}), edge_service
    )
    assert set(voices.values()) == {"AriaNeural"}


async def test_shots_spoken_by_the_fallback_are_tried_online_again_next_run(
    settings: Settings, edge_service: FakeEdgeTts
) -> None:
    settings = settings.model_copy(
        update={"tts_backend": "edge", "narration_retries": 0, "narration_timeout_s": 0.8}
    )

    def narrator() -> FallbackNarrator:
        edge = EdgeNarrator(settings, edge_service.connector)
        return FallbackNarrator(edge, EspeakNarrator(settings), settings)

    edge_service.default = Behaviour.FORBIDDEN
    during_outage = await _run(settings, narrator())
    assert {shot.speech.backend for shot in during_outage.values()} == {"espeak"}

    edge_service.default = Behaviour.SPEAK
    after = await _run(settings, narrator())
    assert {shot.speech.backend for shot in after.values()} == {"edge"}
    # And once spoken online, a third run reuses them without asking the service.
    asked = len(edge_service.requests)
    again = await _run(settings, narrator())
    assert {shot.speech.backend for shot in again.values()} == {"edge"}
    assert len(edge_service.requests) == asked
