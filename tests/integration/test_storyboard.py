"""The storyboard phase through the real offline pipeline: keyframes, references, the contact
sheet, and what a re-roll or an edit of one shot changes (and what it leaves alone)."""

from __future__ import annotations

import pytest
from PIL import Image

from shotgraph.config import Settings
from shotgraph.models import ShotEdit, Stage, StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator
from tests.helpers.media import probe

pytestmark = pytest.mark.slow

STORY = """The Kite

Mara ran up the green hill at dawn with her red kite. The wind was strong and cold.

"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.

That night the storm came to the village. Tom watched the rain from the kitchen window.
Mara slept by the fire.
"""


def _bytes(settings: Settings, relative: str) -> bytes:
    return (settings.storage_path / relative).read_bytes()


def _plate(settings: Settings, job_id: str, shot_id: str) -> bytes:
    """The picture the visuals stage filmed for one shot."""
    (plate,) = (settings.storage_path / "jobs" / job_id / "visuals").glob(f"{shot_id}.*.png")
    return plate.read_bytes()


def _spoken(settings: Settings, srt: str) -> str:
    """The subtitles' words on one line, as the cues wrap them."""
    return " ".join((settings.storage_path / srt).read_text().split())


async def test_the_storyboard_has_a_keyframe_per_shot_and_a_readable_sheet(
    settings: Settings,
) -> None:
    board = await Orchestrator(settings).storyboard(StoryRequest(story=STORY), job_id="board")

    assert [p.number for p in board.panels] == list(range(1, board.plan.shot_count + 1))
    assert [p.shot_id for p in board.panels] == [ref.id for ref in board.plan.shots()]
    for panel in board.panels:
        with Image.open(settings.storage_path / panel.keyframe) as keyframe:
            assert keyframe.format == "PNG"
    shots_of = {
        c.name: sum(c.name in ref.shot.characters for ref in board.plan.shots())
        for c in board.plan.characters
    }
    assert set(board.references) == {name for name, count in shots_of.items() if count > 1}
    assert "Mara" in board.references
    with Image.open(settings.storage_path / board.sheet) as sheet:
        assert sheet.format == "JPEG"
        assert sheet.width == 1920
        assert sheet.width + sheet.height <= 10_000
    assert board.render_estimate_s > 0
    # Nothing of the render phase was made.
    assert not (settings.storage_path / "jobs" / "board" / "visuals").exists()


async def test_a_reroll_redraws_only_that_keyframe(settings: Settings) -> None:
    orchestrator = Orchestrator(settings)
    request = StoryRequest(story=STORY)
    first = await orchestrator.storyboard(request, job_id="reroll")
    second_shot = first.panels[1].shot_id

    rerolled = request.model_copy(update={"shot_edits": {second_shot: ShotEdit(take=1)}})
    again = await orchestrator.storyboard(rerolled, job_id="reroll")

    for before, after in zip(first.panels, again.panels, strict=True):
        if before.shot_id == second_shot:
            assert before.keyframe != after.keyframe
            assert _bytes(settings, before.keyframe) != _bytes(settings, after.keyframe)
            assert after.take == 1
        else:
            assert before.keyframe == after.keyframe
            assert _bytes(settings, before.keyframe) == _bytes(settings, after.keyframe)
    assert first.sheet != again.sheet


async def test_an_edited_narration_is_spoken_again_and_subtitled(settings: Settings) -> None:
    orchestrator = Orchestrator(settings)
    request = StoryRequest(story=STORY)
    first = await orchestrator.run(request, job_id="edit")
    shot = first.storyboard.panels[0].shot_id
    words = "A brand new line about a silver kite and a very long windy afternoon."

    edited = request.model_copy(update={"shot_edits": {shot: ShotEdit(narration=words)}})
    second = await orchestrator.run(edited, job_id="edit")

    assert second.made_shots[Stage.NARRATION] == [shot]
    assert second.made_shots[Stage.STORYBOARD] == [shot]
    assert second.storyboard.panels[0].narration == words
    assert words in _spoken(settings, second.files.subtitles)
    assert words not in _spoken(settings, first.files.subtitles)
    # Both versions keep their own film.
    assert first.files.video != second.files.video
    assert probe(settings.storage_path / first.files.video).duration_s > 0
    assert probe(settings.storage_path / second.files.video).duration_s > 0


async def test_the_render_animates_the_approved_keyframes(settings: Settings) -> None:
    orchestrator = Orchestrator(settings)
    request = StoryRequest(story=STORY)
    board = await orchestrator.storyboard(request, job_id="approved")

    result = await orchestrator.run(request, job_id="approved")

    assert Stage.STORYBOARD in result.cached_stages
    assert result.storyboard == board
    for panel in board.panels:
        assert _plate(settings, "approved", panel.shot_id) == _bytes(settings, panel.keyframe)
