"""The video backend protocol and the frame format every backend hands to the compositor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.config import Resolution
from shotgraph.models import Character, ShotRef

# Frames travel as planar YUV 4:2:0 (I420) in one uint8 array of shape (height * 3 // 2, width):
# the layout the H.264 encoder consumes, half the bytes of RGB and no conversion per frame.
YuvFrame = np.ndarray


class ShotRender(BaseModel):
    """Everything a backend needs to draw one shot."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    ref: ShotRef
    characters: list[Character]
    style: str
    seed: int
    resolution: Resolution
    fps: int
    duration_s: float
    previous: Path | None = None
    """The previous shot's artefact when it is in the same scene (visual continuity)."""
    references: dict[str, Path] = {}
    """Reference image per character name, for the characters in this shot."""
    keyframe: Path | None = None
    """The shot's approved storyboard keyframe (PNG) when the storyboard made one."""


class ShotFootage(Protocol):
    """The frames of one rendered shot, produced lazily while the film is encoded."""

    def frames(self, frame_count: int) -> Iterator[YuvFrame]:
        """Exactly `frame_count` frames at the render's resolution."""
        ...


class VideoBackend(Protocol):
    """Draws shots to artefact files, and opens those files as footage at compose time."""

    name: str
    suffix: str
    """File suffix of this backend's artefact, e.g. `.png` for a plate, `.mp4` for a clip."""

    def render(self, job: ShotRender, out: Path) -> None:
        """Write the shot's artefact to `out` (the stage makes the write atomic)."""
        ...

    def keyframe(self, job: ShotRender, out: Path) -> None:
        """Write the shot's still keyframe (PNG) to `out`: the storyboard panel, and the first
        frame `render` animates when `job.keyframe` is set."""
        ...

    def continues(self, job: ShotRender) -> bool:
        """Whether `render` makes this shot from the previous shot's artefact (`job.previous`,
        set within a scene). Only then is the clip keyed on the previous one, so a retake of a
        shot re-renders the next shot only when that one really carries on from it."""
        ...

    def footage(self, artefact: Path, job: ShotRender) -> ShotFootage:
        """Open a rendered artefact as frames for the compositor."""
        ...

    def load_models(self) -> None:
        """Load every model this backend draws with, now: a worker calls it at start so its
        first job does not wait for them. A backend without models has nothing to do."""
        ...
