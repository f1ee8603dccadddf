"""The storyboard's pictures, sized for the page: each shot's keyframe and each character's
reference image when the storyboard made them, else a frame taken from the film itself (the
middle of the shot, clear of the transitions at either end), so every film has a storyboard.

They are made on first view and kept beside their source (in `page/`, named after it, so each
version of a film has its own), one ffmpeg call each.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import NamedTuple

from shotgraph.models import ShotPlan
from shotgraph.pipeline.artefacts import atomic_output
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.pipeline.composition.timeline import build_timeline

# Stills fit this box: sharp on a phone's screen at two pixels per point, small to send.
STILL_BOX = 480
# The cast's pictures are shown smaller.
PORTRAIT_BOX = 240


class ShotTime(NamedTuple):
    """A shot's first and last second in the film."""

    start_s: float
    end_s: float

    @property
    def middle_s(self) -> float:
        return (self.start_s + self.end_s) / 2


def shot_times(plan: ShotPlan, fps: int) -> dict[str, ShotTime]:
    """Where each shot sits in the film. The stored plan holds each shot's length as filmed, so
    laying it out again without speech gives back the film's own timeline, frame for frame."""
    timeline = build_timeline(plan, {}, fps)
    return {
        segment.shot_id: ShotTime(segment.start_frame / fps, segment.end_frame / fps)
        for segment in timeline.shot_segments()
        if segment.shot_id is not None
    }


class StillMaker:
    """Makes the stills one at a time: two viewers opening a page at once ask for the same
    files, and one ffmpeg at a time is what a small API box can spare."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def frame(self, film: Path, shot_id: str, at_s: float) -> Path:
        """The film's frame at `at_s`, standing for shot `shot_id`."""
        target = film.parent / "page" / f"{film.stem}-{shot_id}.jpg"
        return await self._make(target, ["-ss", f"{at_s:.3f}", "-i", film], STILL_BOX)

    async def picture(self, image: Path, box: int = STILL_BOX) -> Path:
        """A picture (a keyframe, a reference image) as a JPEG that fits `box`."""
        target = image.parent / "page" / f"{image.stem}-{box}.jpg"
        return await self._make(target, ["-i", image], box)

    async def _make(self, target: Path, source: list[str | Path], box: int) -> Path:
        async with self._lock:
            await asyncio.to_thread(_make_once, source, box, target)
        return target


def _make_once(source: list[str | Path], box: int, target: Path) -> None:
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fit = f"scale=w={box}:h={box}:force_original_aspect_ratio=decrease"
    with atomic_output(target) as partial:
        run_ffmpeg(*source, "-frames:v", "1", "-vf", fit, "-q:v", "4", partial)
