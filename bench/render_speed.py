"""How fast ShotGraph renders a film on this machine, as ratios measured in one run.

Four measurements, printed as `name=value` lines at the end:

realtime_factor
    Seconds of film per second of wall time for the whole offline pipeline (planning,
    narration, plates, music, composition, mux) on the example story, through
    `Orchestrator.run`, in a fresh storage folder so nothing is cached.

vs_encode_floor
    Our wall time divided by the time libx264 alone needs to encode the same frames with the
    same settings (size, preset, crf, keyframe interval, threads). The floor encodes our own
    film's decoded frames, so the content (and with it x264's work) is identical. The frames
    are decoded beforehand, untimed, into a raw file (in chunks of CHUNK_FRAMES, so the disk
    never holds more than one chunk) and each chunk is encoded from that file while timed:
    nothing else competes for the CPU while the floor is measured. Subtracting a decode-only
    pass from a decode+encode pass was rejected: decoding and encoding overlap on the cores,
    so the difference understates the floor. Restarting x264 per chunk makes the floor a
    little slower than one long encode, by well under a percent at this chunk size.

vs_moviepy
    MoviePy's time over ours for the same Ken Burns shots: the first MOVIEPY_SECONDS of the
    film's shots (cuts only, no cards or audio), the same plates, the same camera paths, the
    same frame size, codec, preset and crf. MoviePy gets a fast frame function (a crop and a
    cv2 resize per RGB frame), so the ratio measures the composition engines, not our drawing:
    the fair figure, and the headline. `vs_moviepy_resize_recipe` is printed beside it for
    reference: MoviePy's own Ken Burns recipe (its Resize effect), which is much slower and
    says more about that recipe than about MoviePy.
    A subset keeps the benchmark short; MoviePy on the whole film would take minutes.

peak_rss_mib
    Peak resident memory of our render: the render runs in a child process, and this is its
    own peak plus the largest peak of its children (ffmpeg, espeak), an upper bound. It is
    measured on the full example film (about ten minutes), so it bounds a five-minute film too.

Run with `make bench` (installs the `bench` extra, which brings MoviePy).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from shotgraph.config import Resolution, Settings
from shotgraph.models import AspectRatio, ShotPlan, StoryRequest
from shotgraph.pipeline.composition.cards import end_card, title_card
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.pipeline.composition.timeline import Segment, Timeline
from shotgraph.pipeline.composition.video import EncoderSettings, encode_film
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.video.animatic import AnimaticBackend
from shotgraph.pipeline.video.animatic.camera import View, plan_move, views
from shotgraph.pipeline.video.protocol import ShotRender

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "stories" / "the-lighthouse-keeper.txt"
RESOLUTION = "1024x576"
FPS = 24
SEED = 0
MOVIEPY_SECONDS = 60.0
CHUNK_FRAMES = 1200


def render_ours(story: Path, storage: Path, resolution: str, fps: int) -> dict[str, object]:
    """The whole pipeline, as `shotgraph render` runs it (the child process's job)."""
    settings = Settings(
        _env_file=None,
        execution_profile="debug_cpu",
        gpu_enabled=False,
        storage_path=storage,
        video_resolution=resolution,
        video_fps=fps,
    )
    request = StoryRequest(story=story.read_text(encoding="utf-8"), seed=SEED)
    started = time.perf_counter()
    result = asyncio.run(Orchestrator(settings).run(request))
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "result": result.model_dump(mode="json"),
        "rss_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "encoder": EncoderSettings.from_settings(settings).model_dump(),
    }


def run_child(story: Path, storage: Path, resolution: str, fps: int) -> dict[str, Any]:
    command = [
        sys.executable, __file__, "--child", "--story", str(story), "--storage", str(storage),
        "--resolution", resolution, "--fps", str(fps),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"our render failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def video_frames(film: Path) -> tuple[int, int, int]:
    """(frame count, width, height) of a film's picture."""
    with av.open(str(film)) as container:
        stream = container.streams.video[0]
        return stream.frames, stream.width, stream.height


def encode_floor(film: Path, encoder: EncoderSettings) -> float:
    """Seconds libx264 needs for our film's frames, decoded beforehand (see the docstring)."""
    frames, width, height = video_frames(film)
    total = 0.0
    with tempfile.TemporaryDirectory(prefix="floor-", dir=film.parent) as scratch:
        raw = Path(scratch) / "chunk.yuv"
        for start in range(0, frames, CHUNK_FRAMES):
            count = min(CHUNK_FRAMES, frames - start)
            run_ffmpeg(
                "-ss", f"{start / encoder.fps:.6f}", "-i", film, "-an", "-sn",
                "-frames:v", str(count), "-f", "rawvideo", "-pix_fmt", "yuv420p", raw,
            )  # fmt: skip
            began = time.perf_counter()
            run_ffmpeg(
                "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", f"{width}x{height}",
                "-framerate", str(encoder.fps), "-i", raw, *encoder.x264_args(),
                "-f", "mp4", Path(scratch) / "floor.mp4",
            )  # fmt: skip
            total += time.perf_counter() - began
    return total


def subset_renders(plan: ShotPlan, resolution: str, fps: int, seconds: float) -> list[ShotRender]:
    """The first `seconds` of the film's shots as ShotRenders, as the visuals stage builds them."""
    size = Resolution.parse(resolution)
    size = size.for_portrait() if plan.aspect is AspectRatio.PORTRAIT else size.for_landscape()
    renders: list[ShotRender] = []
    for ref in plan.shots():
        frames = max(1, round(ref.shot.duration_s * fps))
        renders.append(
            ShotRender(
                ref=ref,
                characters=[c for c in plan.characters if c.name in ref.shot.characters],
                style=plan.style,
                seed=SEED,
                resolution=size,
                fps=fps,
                duration_s=frames / fps,
            )
        )
        if sum(r.duration_s for r in renders) >= seconds:
            break
    return renders


def frame_count(render: ShotRender) -> int:
    return round(render.duration_s * render.fps)


def compose_ours(
    renders: list[ShotRender], plates: list[Path], encoder: EncoderSettings, out: Path
) -> float:
    backend = AnimaticBackend()
    segments, cursor = [], 0
    for render in renders:
        segments.append(
            Segment(
                kind="shot",
                shot_id=render.ref.id,
                start_frame=cursor,
                frame_count=frame_count(render),
            )
        )
        cursor += frame_count(render)
    footage = {r.ref.id: backend.footage(p, r) for r, p in zip(renders, plates, strict=True)}
    timeline = Timeline(fps=encoder.fps, segments=segments)
    began = time.perf_counter()
    encode_film(
        timeline, footage, title_card("x"), end_card(), renders[0].resolution, encoder,
        out, out.with_suffix(".jpg"),
    )  # fmt: skip
    return time.perf_counter() - began


def frame_generation_ms(renders: list[ShotRender], plates: list[Path]) -> float:
    """Milliseconds of our backend's work per frame, with no encoder running."""
    backend = AnimaticBackend()
    frames, began = 0, time.perf_counter()
    for render, plate in zip(renders, plates, strict=True):
        for _ in backend.footage(plate, render).frames(frame_count(render)):
            frames += 1
    return (time.perf_counter() - began) / frames * 1000


def compose_moviepy(
    renders: list[ShotRender],
    plates: list[Path],
    encoder: EncoderSettings,
    out: Path,
    cv2_frames: bool = False,
) -> float:
    """The same shots cut with MoviePy: an ImageClip per plate, concatenated and written with
    libx264. The camera move is MoviePy's own Ken Burns recipe (a `Resize` effect driven by
    time, positioned inside a frame-sized `CompositeVideoClip`), or with `cv2_frames` a
    per-frame transform doing our crop and cv2 resize, which spares MoviePy its own effects."""
    from moviepy import CompositeVideoClip, ImageClip, concatenate_videoclips, vfx

    began = time.perf_counter()
    clips = []
    for render, plate in zip(renders, plates, strict=True):
        picture = cv2.cvtColor(cv2.imread(str(plate)), cv2.COLOR_BGR2RGB)
        shot, size = render.ref.shot, (render.resolution.width, render.resolution.height)
        path = views(
            plan_move(shot.camera, shot.direction, shot.motion_strength),
            size,
            (picture.shape[1], picture.shape[0]),
            frame_count(render),
        )
        clip = ImageClip(picture, duration=frame_count(render) / encoder.fps)
        if cv2_frames:
            clips.append(clip.transform(_cv2_camera(path, size, encoder.fps)))
            continue

        def view(t: float, path: list[View] = path) -> View:
            return path[min(len(path) - 1, round(t * encoder.fps))]

        def position(t: float, size: tuple[int, int] = size) -> tuple[float, float]:
            zoom = 1 / view(t).scale
            return (size[0] / 2 - view(t).cx * zoom, size[1] / 2 - view(t).cy * zoom)

        moving = clip.with_effects([vfx.Resize(lambda t: 1 / view(t).scale)])
        clips.append(CompositeVideoClip([moving.with_position(position)], size=size))
    concatenate_videoclips(clips).write_videofile(
        str(out),
        fps=encoder.fps,
        codec="libx264",
        preset=encoder.preset,
        audio=False,
        threads=0,
        ffmpeg_params=["-crf", str(encoder.crf), "-g", str(round(encoder.fps * 2))],
        pixel_format="yuv420p",
        logger=None,
    )
    return time.perf_counter() - began


def _cv2_camera(
    path: list[View], size: tuple[int, int], fps: int
) -> Callable[[Callable[[float], np.ndarray], float], np.ndarray]:
    width, height = size

    def film(get_frame: Callable[[float], np.ndarray], t: float) -> np.ndarray:
        view = path[min(len(path) - 1, round(t * fps))]
        x0 = round(view.cx - width * view.scale / 2)
        y0 = round(view.cy - height * view.scale / 2)
        x1, y1 = x0 + round(width * view.scale), y0 + round(height * view.scale)
        return cv2.resize(get_frame(t)[y0:y1, x0:x1], (width, height))

    return film


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--story", type=Path, default=STORY)
    parser.add_argument("--resolution", default=RESOLUTION)
    parser.add_argument("--fps", type=int, default=FPS)
    parser.add_argument("--moviepy-seconds", type=float, default=MOVIEPY_SECONDS)
    parser.add_argument("--storage", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(render_ours(args.story, args.storage, args.resolution, args.fps)))
        return

    with tempfile.TemporaryDirectory(prefix="shotgraph-bench-") as scratch:
        storage = Path(scratch) / "output"
        print(f"rendering {args.story.name} at {args.resolution}, {args.fps} fps ...", flush=True)
        ours = run_child(args.story, storage, args.resolution, args.fps)
        result, encoder = ours["result"], EncoderSettings.model_validate(ours["encoder"])
        wall, film_s = float(ours["wall_s"]), float(result["duration_s"])
        film = storage / result["files"]["video"]
        print(f"our render: {film_s:.1f} s of film in {wall:.1f} s", flush=True)
        for stage, seconds in result["stage_seconds"].items():
            print(f"  stage {stage}: {seconds:.2f} s")

        print("measuring the encode floor ...", flush=True)
        floor = encode_floor(film, encoder)
        frames = video_frames(film)[0]

        plan = ShotPlan.model_validate_json((storage / result["files"]["plan"]).read_text())
        renders = subset_renders(plan, args.resolution, args.fps, args.moviepy_seconds)
        plates = [Path(scratch) / f"{render.ref.id}.png" for render in renders]
        for render, plate in zip(renders, plates, strict=True):
            AnimaticBackend().render(render, plate)
        subset_s = sum(r.duration_s for r in renders)
        print(f"composing the first {subset_s:.0f} s ({len(renders)} shots) both ways ...")
        generation = frame_generation_ms(renders, plates)
        ours_subset = compose_ours(renders, plates, encoder, Path(scratch) / "ours.mp4")
        moviepy = compose_moviepy(renders, plates, encoder, Path(scratch) / "moviepy.mp4")
        moviepy_cv2 = compose_moviepy(
            renders, plates, encoder, Path(scratch) / "moviepy-cv2.mp4", cv2_frames=True
        )

    own, children = float(ours["rss_self_mib"]), float(ours["rss_children_mib"])
    print(f"encode floor: {floor:.1f} s for {frames} frames ({frames / floor:.0f} fps)")
    print(
        f"first {subset_s:.0f} s of shots (cuts only, no cards or audio): "
        f"ours {ours_subset:.2f} s, moviepy {moviepy:.2f} s with its Resize effect, "
        f"{moviepy_cv2:.2f} s with a cv2 frame function"
    )
    print(f"peak memory: {own:.0f} MiB ours + {children:.0f} MiB its largest child")
    print(f"frame_generation_ms={generation:.3f}")
    print(f"peak_rss_mib={own + children:.0f}")
    print(f"realtime_factor={film_s / wall:.2f}")
    print(f"vs_moviepy={moviepy_cv2 / ours_subset:.2f}")
    print(f"vs_moviepy_resize_recipe={moviepy / ours_subset:.2f}")
    print(f"vs_encode_floor={wall / floor:.2f}")


if __name__ == "__main__":
    main()
