"""The diffusion video backend: per shot, a keyframe (painted over the previous shot's last
frame within a scene) animated by Stable Video Diffusion, or with VIDEO_MODEL=ltx-video a clip
straight from the prompt (animated from the previous shot's last frame within a scene); stored
as a clip at the model's size and frame rate, and conformed to the film when composed.

Models load on the first shot and stay warm in the process's model manager. A shot that runs
out of GPU memory is retried once with every memory saver on; a second failure fails the job.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, StageFailed
from shotgraph.models import Stage, seed_of
from shotgraph.pipeline.gpu.manager import ModelManager, process_models, run_with_memory_retry
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.gpu.weights import LTX_MODEL, PRESET_MODEL, SVD_MODEL
from shotgraph.pipeline.video.diffusion.clips import (
    ClipFootage,
    generation_size,
    last_frame,
    read_rgb,
    source_frame_count,
    write_clip,
    write_png,
)
from shotgraph.pipeline.video.diffusion.keyframes import KeyframePainter, KeyframeRequest
from shotgraph.pipeline.video.diffusion.prompts import (
    keyframe_seed,
    motion_conditioning,
    negative_prompt,
    shot_prompt,
)
from shotgraph.pipeline.video.diffusion.svd import AnimationRequest, SvdAnimator
from shotgraph.pipeline.video.diffusion.text_to_video import LtxVideo
from shotgraph.pipeline.video.protocol import ShotRender

VIDEO_MODELS = (SVD_MODEL, LTX_MODEL)


class DiffusionBackend:
    name = "diffusion"
    suffix = ".mp4"

    def __init__(
        self,
        settings: Settings,
        manager: ModelManager | None = None,
        painter: KeyframePainter | None = None,
        animator: SvdAnimator | None = None,
    ) -> None:
        if settings.video_model not in VIDEO_MODELS:
            raise BackendUnavailable(
                f"VIDEO_MODEL={settings.video_model} is not a model this backend runs; "
                f"use {PRESET_MODEL} or one of {', '.join(VIDEO_MODELS)}"
            )
        self.runtime = ModelRuntime.from_settings(settings)
        self.runtime.require_device("VIDEO_BACKEND=diffusion")
        self.manager = manager or process_models()
        self.painter = painter or KeyframePainter(settings, self.manager)
        self.animator = animator or SvdAnimator(settings, self.manager)
        self.text_to_video = (
            LtxVideo(settings, self.manager) if settings.video_model == LTX_MODEL else None
        )
        self.fps = self.text_to_video.fps if self.text_to_video else settings.diffusion_svd_fps

    def load_models(self) -> None:
        if self.text_to_video is not None:
            self.text_to_video.load(self.runtime)
            return
        self.painter.load(self.runtime)
        self.animator.load(self.runtime)

    def render(self, job: ShotRender, out: Path) -> None:
        frames = run_with_memory_retry(
            lambda runtime: self._shot_frames(job, runtime),
            self.runtime,
            self.manager,
            f"shot {job.ref.id}",
            lambda reason: StageFailed(Stage.VISUALS.value, reason),
        )
        write_clip(frames, self.fps, out)

    def keyframe(self, job: ShotRender, out: Path) -> None:
        """The keyframe the clip starts from: SDXL-Turbo's picture for SVD, the first frame of
        a short text-to-video pass for VIDEO_MODEL=ltx-video."""
        request = self.keyframe_request(job)
        if self.text_to_video is not None:
            picture = self.text_to_video.first_frame(request, self.runtime)
        else:
            picture = self.painter.paint(request, self.runtime)
        write_png(picture, out)

    def continues(self, job: ShotRender) -> bool:
        """LTX-Video's later shots of a scene start from the previous clip's last frame; SVD
        animates the approved keyframe alone."""
        return self.text_to_video is not None and job.previous is not None

    def footage(self, artefact: Path, job: ShotRender) -> ClipFootage:
        return ClipFootage(artefact, job.resolution)

    def keyframe_request(self, job: ShotRender) -> KeyframeRequest:
        """What the shot starts from: its prompt, seed, size, and within a scene the previous
        shot's last frame (the keyframe's init image, or LTX's conditioning image)."""
        width, height = generation_size(job.resolution)
        return KeyframeRequest(
            prompt=shot_prompt(job),
            negative_prompt=negative_prompt(job),
            seed=keyframe_seed(job),
            width=width,
            height=height,
            init_image=last_frame(job.previous) if job.previous is not None else None,
        )

    def _shot_frames(self, job: ShotRender, runtime: ModelRuntime) -> list[np.ndarray]:
        start = self.keyframe_request(job)
        frame_count = source_frame_count(job.duration_s, self.fps)
        if self.text_to_video is not None:
            if job.keyframe is not None and job.previous is None:  # a scene's first shot
                start = start.model_copy(update={"init_image": read_rgb(job.keyframe)})
            return self.text_to_video.generate(start, frame_count, runtime)
        approved = read_rgb(job.keyframe) if job.keyframe is not None else None
        request = AnimationRequest(
            keyframe=self.painter.paint(start, runtime) if approved is None else approved,
            motion=motion_conditioning(job),
            frame_count=frame_count,
            seed=seed_of(job.seed, "motion", job.ref.id),
        )
        return self.animator.animate(request, runtime)
