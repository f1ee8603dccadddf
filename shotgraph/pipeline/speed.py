"""How fast this machine renders: seconds of work per second of film, per video backend,
measured on the films it made. The storyboard's GPU-time estimate is read from it.

Kept beside the jobs where they are rendered (one small JSON file: the local store, or a
worker's scratch folder when the store is S3), so workers sharing a folder learn from every
film, and a new machine starts from a cautious guess per backend.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from shotgraph.pipeline.artefacts import atomic_output

# First guesses, in seconds of render (visuals, music and compose) per second of film, before
# a backend has been measured here: the animatic renders several times faster than real time;
# diffusion on one GPU takes tens of seconds per second of film.
_GUESS_S_PER_FILM_S = {"animatic": 0.3, "diffusion": 40.0}
_DEFAULT_GUESS = 40.0
# Each new measurement counts this much against the running average.
_WEIGHT = 0.3


class _Speeds(BaseModel):
    seconds_per_film_second: dict[str, float] = {}


class RenderSpeed:
    """Read and update the measured render speed per video backend."""

    def __init__(self, storage_root: Path) -> None:
        self.path = storage_root / "render-speed.json"

    def estimate_s(self, backend: str, film_s: float) -> float:
        """Seconds the render phase should take for a film of `film_s` seconds."""
        rate = self._load().seconds_per_film_second.get(backend)
        if rate is None:
            rate = _GUESS_S_PER_FILM_S.get(backend, _DEFAULT_GUESS)
        return rate * film_s

    def record(self, backend: str, render_s: float, film_s: float) -> None:
        """Fold one whole render (every shot made, none cached) into the average."""
        if film_s <= 0:
            return
        speeds = self._load()
        rate = render_s / film_s
        old = speeds.seconds_per_film_second.get(backend)
        speeds.seconds_per_film_second[backend] = (
            rate if old is None else old + _WEIGHT * (rate - old)
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(self.path) as partial:
            partial.write_text(speeds.model_dump_json(), "utf-8")

    def _load(self) -> _Speeds:
        try:
            return _Speeds.model_validate(json.loads(self.path.read_text("utf-8")))
        except (FileNotFoundError, ValueError):
            return _Speeds()
