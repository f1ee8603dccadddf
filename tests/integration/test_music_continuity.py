"""The music stage hands a backend that continues the score the bed of the scene before;
other backends score each scene on its own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.models import Scene, ShotPlan, StoryRequest
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.music.protocol import PreviousBed
from shotgraph.pipeline.music.synth import SynthMusic
from shotgraph.pipeline.orchestrator import Orchestrator

pytestmark = pytest.mark.slow

STORY = """The Kite

Mara ran up the green hill at dawn with her red kite. The wind was strong and cold.

"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.

That night the storm came to the village. Tom watched the rain from the kitchen window.
"""


class RecordingMusic(SynthMusic):
    """The procedural score, noting which bed each scene was asked to continue."""

    def __init__(self, continues_scenes: bool) -> None:
        self.continues_scenes = continues_scenes
        self.calls: list[tuple[int, PreviousBed | None]] = []

    def score(
        self,
        scene: Scene,
        duration_s: float,
        style: str,
        seed: int,
        out: Path,
        previous: PreviousBed | None = None,
    ) -> None:
        self.calls.append((scene.index, previous))
        super().score(scene, duration_s, style, seed, out, previous)


@pytest.mark.parametrize("continues", [True, False])
async def test_each_bed_is_handed_the_one_before_when_the_backend_continues(
    settings: Settings, continues: bool
) -> None:
    music = RecordingMusic(continues)
    backends = dataclasses.replace(build_backends(settings), music=music)
    result = await Orchestrator(settings, backends).run(StoryRequest(story=STORY, seed=4))

    plan = ShotPlan.model_validate_json((settings.storage_path / result.files.plan).read_text())
    assert [index for index, _ in music.calls] == [scene.index for scene in plan.scenes]
    assert len(music.calls) >= 2
    assert music.calls[0][1] is None
    beds = sorted((settings.storage_path / "jobs" / result.job_id / "music").glob("scene-*.wav"))
    for position in range(1, len(music.calls)):
        previous = music.calls[position][1]
        if not continues:
            assert previous is None
            continue
        assert previous is not None
        assert previous.path == beds[position - 1]
        scene_s = sum(shot.duration_s for shot in plan.scenes[position - 1].shots)
        assert previous.end_s == pytest.approx(scene_s, abs=0.5)
