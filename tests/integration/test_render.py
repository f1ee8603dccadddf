"""End to end: a short story through every offline stage to an MP4, read back with libav."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.errors import StageFailed
from shotgraph.models import (
    CostReport,
    Scene,
    Shot,
    ShotPlan,
    SpokenLine,
    Stage,
    StageEvent,
    StoryDigest,
    StoryRequest,
)
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.planning.rules import RulesPlanner
from shotgraph.pipeline.video.protocol import ShotRender
from tests.helpers.media import audio_rms, frame_at, probe

STORY = """The Kite

Mara ran up the green hill at dawn with her red kite. The wind was strong and cold.

"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.

That night the storm came to the village. Tom watched the rain from the kitchen window.
"""

pytestmark = pytest.mark.slow


@pytest.fixture
def request_() -> StoryRequest:
    return StoryRequest(story=STORY, seed=3)


async def test_renders_a_story_to_a_valid_mp4(settings: Settings, request_: StoryRequest) -> None:
    events: list[StageEvent] = []
    result = await Orchestrator(settings).run(request_, events.append)

    video = settings.storage_path / result.files.video
    info = probe(video)
    picture, sound, subtitles = info.stream("video"), info.stream("audio"), info.stream("subtitle")
    assert (picture.codec, picture.width, picture.height) == ("h264", 320, 180)
    assert picture.fps == pytest.approx(12)
    assert sound.codec == "aac"
    assert subtitles.codec == "mov_text"
    assert subtitles.language == "eng"
    assert info.duration_s == pytest.approx(result.duration_s, rel=0.05)
    assert result.title == "The Kite"
    assert audio_rms(video) > 0.01

    srt = (settings.storage_path / result.files.subtitles).read_text()
    assert srt.startswith("1\n00:00:")
    assert "Hold the string tight" in srt
    assert (settings.storage_path / result.files.thumbnail).stat().st_size > 1000
    assert (settings.storage_path / result.files.plan).exists()

    started = [e.stage for e in events if e.kind == "stage_started"]
    assert started == [s for s in Stage if s in started]  # stages report in pipeline order
    assert {Stage.PREPROCESS, Stage.SHOTS, Stage.NARRATION, Stage.VISUALS, Stage.COMPOSE} <= set(
        started
    )
    assert all(0.0 <= e.fraction <= 1.0 for e in events)


async def test_the_narration_is_heard_in_the_mix(
    settings: Settings, request_: StoryRequest
) -> None:
    """The loudness check above is met by the music alone; without music, what is heard is
    the voice, over the narrated stretch of the film and not before it starts."""
    quiet = settings.model_copy(update={"music_backend": "none"})
    result = await Orchestrator(quiet).run(request_)
    video = quiet.storage_path / result.files.video

    assert result.backends["music"] == "none"
    voiced = audio_rms(video, 3.0, result.duration_s - 1.0)
    assert voiced > 0.01
    assert audio_rms(video, 0.0, 0.2) < voiced / 10  # the title card is silent


async def test_second_run_reuses_every_stage(settings: Settings, request_: StoryRequest) -> None:
    orchestrator = Orchestrator(settings)
    first = await orchestrator.run(request_)
    video = settings.storage_path / first.files.video
    made_at = video.stat().st_mtime_ns
    second = await orchestrator.run(request_)
    assert set(second.cached_stages) == set(second.stage_seconds)
    assert video.stat().st_mtime_ns == made_at
    assert second.files == first.files


async def test_distinct_shots_give_distinct_frames(
    settings: Settings, request_: StoryRequest
) -> None:
    result = await Orchestrator(settings).run(request_)
    video = settings.storage_path / result.files.video
    plan_json = (settings.storage_path / result.files.plan).read_text()
    from shotgraph.models import ShotPlan

    plan = ShotPlan.model_validate_json(plan_json)
    starts, clock = [], 3.0  # after the title card
    for ref in plan.shots():
        starts.append(clock + ref.shot.duration_s / 2)
        clock += ref.shot.duration_s
    first, last = frame_at(video, starts[0]), frame_at(video, starts[-1])
    assert np.abs(first.astype(int) - last.astype(int)).mean() > 10


class _BrokenOnThirdShot:
    """A video backend that fails partway, to show earlier work survives a failed stage."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.name = "animatic"
        self.suffix = ".png"
        self.calls = 0

    def render(self, job: ShotRender, out: Path) -> None:
        self.calls += 1
        if self.calls == 3:
            raise StageFailed("visuals", "the renderer fell over")
        self.real.render(job, out)

    def keyframe(self, job: ShotRender, out: Path) -> None:
        self.real.keyframe(job, out)

    def continues(self, job: ShotRender) -> bool:
        return self.real.continues(job)

    def footage(self, artefact: Path, job: ShotRender) -> object:
        return self.real.footage(artefact, job)

    def load_models(self) -> None:
        self.real.load_models()


async def test_a_failed_stage_loses_nothing_already_made(
    settings: Settings, request_: StoryRequest
) -> None:
    backends = build_backends(settings)
    backends.video = _BrokenOnThirdShot(backends.video)
    with pytest.raises(StageFailed):
        await Orchestrator(settings, backends).run(request_)

    job_dir = settings.storage_path / "jobs" / request_.fingerprint()[:16]
    assert len(list((job_dir / "visuals").glob("*.png"))) == 2
    narration_files = sorted((job_dir / "narration").glob("*.wav"))
    assert narration_files

    result = await Orchestrator(settings).run(request_)
    assert Stage.NARRATION in result.cached_stages
    assert Stage.VISUALS not in result.cached_stages
    assert sorted((job_dir / "narration").glob("*.wav")) == narration_files


class OneLongTakePlanner(RulesPlanner):
    """The rules plan, with the first scene's shots read as one take of a long speech, as an
    LLM planner may write it."""

    speech = " ".join(["Mara held the red kite high above the hill and ran on."] * 20)

    async def shots(
        self, scene: Scene, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Shot]:
        shots = await super().shots(scene, digest, request, cost)
        if scene.index > 0:
            return shots
        return [shots[0].model_copy(update={"narration": [SpokenLine(text=self.speech)]})]


async def test_a_take_read_for_over_a_minute_is_filmed_and_recorded_in_full(
    settings: Settings, request_: StoryRequest
) -> None:
    backends = replace(build_backends(settings), planner=OneLongTakePlanner())

    result = await Orchestrator(settings, backends).run(request_)

    filmed = ShotPlan.model_validate_json((settings.storage_path / result.files.plan).read_text())
    first = filmed.scenes[0].shots[0]
    assert first.narration_text == OneLongTakePlanner.speech
    assert first.duration_s > 60  # 200 words read out take over a minute
    assert result.duration_s >= filmed.duration_s
