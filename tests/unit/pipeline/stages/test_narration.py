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
from shotgraph.pipeline.stages.narration import run_narration
from tests.fakes.edge_tts_server import FakeEdgeTts

STORY = (
    'Mara ran up the hill with her kite. "Hold on!" said Tom.\n\n'
    'Later Tom sat by the fire. "It flew so high," said Mara. "Higher than the birds," she said.'
)


@pytest.fixture
async def edge_service() -> AsyncIterator[FakeEdgeTts]:
    async with FakeEdgeTts() as service:
        yield service


async def _narrate(settings: Settings, service: FakeEdgeTts) -> dict[str, str]:
    """Each spoken text -> the short name of the voice that spoke it."""
    backends = build_backends(settings)
    backends.narrator = EdgeNarrator(settings, service.connector)
    request = StoryRequest(story=STORY)
    plan = await Orchestrator(settings, backends).plan(request)
    job = JobRun(
        settings=settings,
        backends=backends,
        request=request,
        folder=JobFolder(settings.storage_path, "narration-test"),
        reporter=StageReporter(None),
    )
    await run_narration(job, plan)
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
