"""How soon a person sees the storyboard, against how long the whole film takes, in one run.

Two measurements on the example story with the offline backends, printed side by side and as
`name=value` lines at the end:

storyboard_ready_s
    Wall time of `Orchestrator.storyboard` in a fresh storage folder: planning, safety,
    narration, the character references, a keyframe per shot and the contact sheet. This is
    how long a `storyboard=ask` job runs before it waits for approval.

full_render_s
    Wall time of `Orchestrator.run` on the same story in another fresh storage folder: the
    storyboard phase and then the render (visuals, music, composition), as an `auto` job runs.

storyboard_fraction
    storyboard_ready_s / full_render_s: the share of a film's time a person waits before they
    can approve, re-roll or edit. The approved render afterwards reuses every storyboard
    artefact, so approval costs the rest of the film and nothing twice
    (approved_render_s, measured too, is that rest).

On the offline backends the render is mostly libx264; on a GPU the keyframes cost a few
seconds each while each clip costs minutes, so the fraction is smaller still there.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "examples" / "stories" / "the-fox-and-the-lantern.txt"


def _settings(storage: Path, resolution: str) -> Settings:
    return Settings(
        _env_file=None,
        execution_profile="debug_cpu",
        gpu_enabled=False,
        storage_path=storage,
        video_resolution=resolution,
    )


async def _timed(call: Awaitable[object]) -> float:
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


async def measure(resolution: str) -> dict[str, float]:
    request = StoryRequest(story=STORY.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as board_dir, tempfile.TemporaryDirectory() as film_dir:
        boarding = Orchestrator(_settings(Path(board_dir), resolution))
        ready = await _timed(boarding.storyboard(request, job_id="bench"))
        approved = await _timed(boarding.run(request, job_id="bench"))
        full = await _timed(
            Orchestrator(_settings(Path(film_dir), resolution)).run(request, job_id="bench")
        )
    return {
        "storyboard_ready_s": round(ready, 2),
        "approved_render_s": round(approved, 2),
        "full_render_s": round(full, 2),
        "storyboard_fraction": round(ready / full, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", default="1024x576", help="frame size of the film")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.resolution))
    print(f"{'storyboard ready':<18}{figures['storyboard_ready_s']:>8.2f} s")
    print(f"{'full render':<18}{figures['full_render_s']:>8.2f} s")
    print(f"{'approved render':<18}{figures['approved_render_s']:>8.2f} s  (after the storyboard)")
    for name, value in figures.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
