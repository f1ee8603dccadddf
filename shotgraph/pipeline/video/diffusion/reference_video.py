"""The GPU film path (VIDEO_MODEL=preset): a reference sheet per recurring character, a keyframe
per shot drawn from the references of the characters it shows, and a clip per shot from a
text-conditioned image-to-video model at its own frame rate; the GPU preset picks the models.

- References: made once per film by `DiffusionReferenceMaker` (the storyboard stage caches them).
- Keyframes: the picture model edits from the references; the seed varies per shot, so
  identity comes from the references, not the seed.
- Clips: a cut starts from its keyframe (the storyboard's approved one when there is one); a
  shot that continues the previous take starts from that clip's last frames. Clips are stored
  at the model's size and frame rate and conformed to the film when it is composed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from shotgraph.config import Resolution, Settings
from shotgraph.errors import StageFailed
from shotgraph.models import Character, Stage, seed_of
from shotgraph.pipeline.gpu.manager import ModelManager, process_models, run_with_memory_retry
from shotgraph.pipeline.gpu.presets import Lineup, lineup
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.clips import (
    ClipFootage,
    cover,
    read_rgb,
    source_frame_count,
    tail_frames,
    write_clip,
    write_png,
)
from shotgraph.pipeline.video.diffusion.image_to_video import (
    VIDEO_MULTIPLE,
    ClipRequest,
    ImageToVideo,
)
from shotgraph.pipeline.video.diffusion.pictures import (
    PICTURE_MULTIPLE,
    PicturePainter,
    PictureRequest,
)
from shotgraph.pipeline.video.diffusion.prompts import (
    continues_previous,
    keyframe_prompt,
    negative_prompt,
    reference_prompt,
    shot_prompt,
)
from shotgraph.pipeline.video.protocol import ShotRender

T = TypeVar("T")


def native_size(resolution: Resolution, pixels: int, multiple: int) -> tuple[int, int]:
    """The film's frame shape at no more than the model's native pixel count, on its grid."""
    scale = min(1.0, (pixels / (resolution.width * resolution.height)) ** 0.5)

    def side(length: int) -> int:
        return max(multiple, round(length * scale / multiple) * multiple)

    return side(resolution.width), side(resolution.height)


def preset_runtime(settings: Settings, chosen: Lineup) -> ModelRuntime:
    """Both models run in bfloat16 on CUDA (LTX-Video's T5 overflows in float16; FLUX.2 is
    trained in it), offloaded as the preset plans."""
    runtime = ModelRuntime.from_settings(settings)
    dtype = "bfloat16" if runtime.on_cuda else runtime.dtype
    return runtime.model_copy(
        update={"dtype": dtype, "cpu_offload": chosen.cpu_offload and runtime.on_cuda}
    )


class ReferenceVideoBackend:
    name = "diffusion"
    suffix = ".mp4"

    def __init__(self, settings: Settings, manager: ModelManager | None = None) -> None:
        self.lineup = lineup(settings)
        self.runtime = preset_runtime(settings, self.lineup)
        self.runtime.require_device("VIDEO_BACKEND=diffusion")
        self.manager = manager or process_models()
        self.painter = PicturePainter(self.lineup, self.manager)
        self.video = ImageToVideo(self.lineup, self.manager)
        # A reference sheet is a 3:4 portrait as tall as the film is wide, at most the
        # model's native pixel count.
        long = settings.video_resolution.for_landscape().width
        portrait = Resolution(width=long * 3 // 4 // 2 * 2, height=long)
        self.reference_size = native_size(portrait, self.lineup.video_pixels, PICTURE_MULTIPLE)

    @property
    def fps(self) -> int:
        """The image-to-video model's own frame rate (its pipeline is loaded to tell)."""
        return self.video.fps(self.runtime)

    def load_models(self) -> None:
        self.painter.load(self.runtime)
        self.video.load(self.runtime)

    def continues(self, job: ShotRender) -> bool:
        return continues_previous(job)

    def keyframe(self, job: ShotRender, out: Path) -> None:
        picture = self.retrying(
            Stage.STORYBOARD, f"the keyframe of shot {job.ref.id}", partial(self._keyframe, job)
        )
        write_png(picture, out)

    def render(self, job: ShotRender, out: Path) -> None:
        frames = self.retrying(Stage.VISUALS, f"shot {job.ref.id}", partial(self._clip, job))
        write_clip(frames, self.fps, out)

    def retrying(self, stage: Stage, what: str, work: Callable[[ModelRuntime], T]) -> T:
        """`work` on the warm models, retried once with every memory saver on when the GPU
        runs out of memory (that call only); running out again fails `stage`."""
        return run_with_memory_retry(
            work,
            self.runtime,
            self.manager,
            what,
            lambda reason: StageFailed(stage.value, reason),
        )

    def footage(self, artefact: Path, job: ShotRender) -> ClipFootage:
        return ClipFootage(artefact, job.resolution)

    def picture_request(self, job: ShotRender) -> PictureRequest:
        """The keyframe's prompt and seed, with the reference image of every character in the
        shot that has one."""
        named = [c.name for c in job.characters if c.name in job.references]
        width, height = native_size(job.resolution, self.lineup.video_pixels, PICTURE_MULTIPLE)
        return PictureRequest(
            prompt=keyframe_prompt(job, named),
            seed=seed_of(job.seed, "keyframe", job.ref.id),
            width=width,
            height=height,
            references=[read_rgb(job.references[name]) for name in named],
        )

    def _keyframe(self, job: ShotRender, runtime: ModelRuntime) -> np.ndarray:
        return self.painter.paint(self.picture_request(job), runtime)

    def _clip(self, job: ShotRender, runtime: ModelRuntime) -> list[np.ndarray]:
        width, height = native_size(job.resolution, self.lineup.video_pixels, VIDEO_MULTIPLE)
        request = ClipRequest(
            prompt=shot_prompt(job),
            negative_prompt=negative_prompt(job),
            seed=seed_of(job.seed, "motion", job.ref.id),
            width=width,
            height=height,
            frame_count=source_frame_count(job.duration_s, self.video.fps(runtime)),
        )
        if continues_previous(job) and job.previous is not None:
            lead_in = tail_frames(job.previous, self.video.lead_in_frames(runtime))
            request.lead_in = [cover(frame, width, height) for frame in lead_in]
        else:
            start = read_rgb(job.keyframe) if job.keyframe else self._keyframe(job, runtime)
            request.keyframe = cover(start, width, height)
        return self.video.generate(request, runtime)


class DiffusionReferenceMaker:
    """The GPU ReferenceMaker: a character sheet from the preset's picture model, on the same
    warm weights the keyframes use."""

    name = "diffusion"

    def __init__(self, backend: ReferenceVideoBackend) -> None:
        self.backend = backend

    def make(self, character: Character, style: str, seed: int, out: Path) -> None:
        backend = self.backend
        width, height = backend.reference_size
        request = PictureRequest(
            prompt=reference_prompt(character, style), seed=seed, width=width, height=height
        )
        picture = backend.retrying(
            Stage.STORYBOARD,
            f"the reference of {character.name}",
            partial(backend.painter.paint, request),
        )
        write_png(picture, out)


def reference_maker(settings: Settings) -> DiffusionReferenceMaker:
    """The GPU ReferenceMaker for `backends._references` under VIDEO_MODEL=preset: a backend of
    its own on the process's shared model manager, so the picture model is loaded once for
    both the references and the keyframes."""
    return DiffusionReferenceMaker(ReferenceVideoBackend(settings))
