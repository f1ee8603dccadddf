"""The music backend protocol: one bed per scene, written as a WAV file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from shotgraph.models import Scene


class MusicBackend(Protocol):
    """Scores one scene for the given length, from its mood and the film's style."""

    name: str

    def score(self, scene: Scene, duration_s: float, style: str, seed: int, out: Path) -> None:
        """Write a stereo WAV of `duration_s` seconds to `out`."""
        ...
