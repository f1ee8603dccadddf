"""Text-to-video with LTX-Video (VIDEO_MODEL=ltx-video): a scene's first shot from its prompt
alone, every later shot of the scene animated from the previous shot's last frame (LTX's
image-to-video pipeline, on the same weights), so the picture carries over as it does with SVD.

LTX makes 8k+1 frames a pass, at the film's frame rate; a longer shot chains passes, each
started from the last frame of the one before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from shotgraph.config import Settings
from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.gpu.placement import derived_pipeline, warm_pipeline
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.clips import cover, pass_count
from shotgraph.pipeline.video.diffusion.keyframes import KeyframeRequest, to_uint8

# LTX's VAE compresses time eightfold: a pass is 8k+1 frames.
_TIME_COMPRESSION = 8


def ltx_frames(frames: int) -> int:
    """The largest 8k+1 frame count not above `frames` (9 at the least)."""
    return max(_TIME_COMPRESSION + 1, (frames - 1) // _TIME_COMPRESSION * _TIME_COMPRESSION + 1)


def ltx_runtime(runtime: ModelRuntime) -> ModelRuntime:
    """LTX-Video runs in bfloat16 on CUDA whatever DIFFUSION_DTYPE says: its T5 text encoder
    overflows in float16, and the model's own instructions load it in bfloat16."""
    if runtime.on_cuda and runtime.dtype == "float16":
        return runtime.model_copy(update={"dtype": "bfloat16"})
    return runtime


class LtxVideo:
    def __init__(self, settings: Settings, manager: ModelManager) -> None:
        self.model_id = settings.diffusion_t2v_model
        self.steps = settings.diffusion_t2v_steps
        self.frames_per_pass = ltx_frames(settings.diffusion_t2v_frames)
        self.fps = settings.video_fps
        self.manager = manager

    def generate(
        self, start: KeyframeRequest, frame_count: int, runtime: ModelRuntime
    ) -> list[np.ndarray]:
        """`frame_count` RGB uint8 frames of the shot `start` describes; from its prompt alone,
        or animated from `start.init_image` when it has one."""
        import torch
        from PIL import Image

        runtime = ltx_runtime(runtime)
        frames: list[np.ndarray] = []
        image = start.init_image
        for index in range(pass_count(frame_count, self.frames_per_pass)):
            common = {
                "prompt": start.prompt,
                "negative_prompt": start.negative_prompt,
                "width": start.width,
                "height": start.height,
                "num_frames": self.frames_per_pass,
                "frame_rate": self.fps,
                "num_inference_steps": self.steps,
                "generator": torch.Generator(device="cpu").manual_seed(start.seed + index),
                "output_type": "np",
            }
            if image is None:
                out = self._text_to_video(runtime)(**common)
            else:
                picture = Image.fromarray(cover(image, start.width, start.height))
                out = self._image_to_video(runtime)(image=picture, **common)
            made = [to_uint8(frame) for frame in out.frames[0]]
            frames.extend(made if index == 0 else made[1:])
            image = frames[-1]
        return frames[:frame_count]

    def first_frame(self, start: KeyframeRequest, runtime: ModelRuntime) -> np.ndarray:
        """The shot's keyframe for the storyboard: the first frame of the shortest pass."""
        import torch

        out = self._text_to_video(ltx_runtime(runtime))(
            prompt=start.prompt,
            negative_prompt=start.negative_prompt,
            width=start.width,
            height=start.height,
            num_frames=_TIME_COMPRESSION + 1,
            frame_rate=self.fps,
            num_inference_steps=self.steps,
            generator=torch.Generator(device="cpu").manual_seed(start.seed),
            output_type="np",
        )
        return to_uint8(out.frames[0][0])

    def load(self, runtime: ModelRuntime) -> None:
        """Both LTX pipelines (image-to-video shares the text-to-video weights)."""
        self._image_to_video(ltx_runtime(runtime))

    def _text_to_video(self, runtime: ModelRuntime) -> Any:
        from diffusers import LTXPipeline

        return warm_pipeline(
            self.manager,
            runtime,
            "text-to-video",
            self.model_id,
            LTXPipeline.from_pretrained,
            denoiser="transformer",
        )

    def _image_to_video(self, runtime: ModelRuntime) -> Any:
        from diffusers import LTXImageToVideoPipeline

        return derived_pipeline(
            self.manager,
            runtime,
            "image-to-video",
            self.model_id,
            LTXImageToVideoPipeline,
            lambda: self._text_to_video(runtime),
        )
