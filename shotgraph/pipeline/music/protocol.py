"""The music backend protocol: one bed per scene, written as a WAV file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from shotgraph.models import Scene


class PreviousBed(BaseModel):
    """The bed of the scene before, for a backend that continues the score across scenes."""

    path: Path
    end_s: float
    """Where that scene ends within its bed; the rest is the tail it crossfades out with."""


class MusicBackend(Protocol):
    """Scores one scene for the given length, from its mood and the film's style."""

    name: str
    continues_scenes: bool
    """True when a bed continues the previous scene's (one score for the film): the stage then
    hands it that bed, and makes the beds in order."""

    def score(
        self,
        scene: Scene,
        duration_s: float,
        style: str,
        seed: int,
        out: Path,
        previous: PreviousBed | None = None,
    ) -> None:
        """Write a stereo WAV of `duration_s` seconds to `out`."""
        ...

    def load_models(self) -> None:
        """Load the models this backend scores with, now (see VideoBackend.load_models)."""
        ...
