"""Character reference sheets: one image per recurring character, made once per film, shown with
the storyboard and handed to every keyframe that shows the character, so identity comes from the
reference, not from the seed."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from shotgraph.models import Character


class ReferenceMaker(Protocol):
    """Draws one character's reference image."""

    name: str

    def make(self, character: Character, style: str, seed: int, out: Path) -> None:
        """Write the character's reference image (PNG) to `out` (the caller makes it atomic)."""
        ...
