"""A still per shot for the storyboard, taken from the film itself, so every backend's film has
one: the frame in the middle of the shot, clear of the transitions at either end.

Stills are made on first view and kept beside the film (in `page/`, named after the film, so
each version of a film has its own), one ffmpeg seek each.
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
_STILL_BOX = 480


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

    async def still(self, film: Path, shot_id: str, at_s: float) -> Path:
        target = film.parent / "page" / f"{film.stem}-{shot_id}.jpg"
        if target.is_file():
            return target
        async with self._lock:
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                await asyncio.to_thread(_extract, film, at_s, target)
        return target


def _extract(film: Path, at_s: float, target: Path) -> None:
    fit = f"scale=w={_STILL_BOX}:h={_STILL_BOX}:force_original_aspect_ratio=decrease"
    with atomic_output(target) as partial:
        run_ffmpeg(
            "-ss", f"{at_s:.3f}", "-i", film, "-frames:v", "1", "-vf", fit, "-q:v", "4", partial
        )
