"""Keyframes: the first picture of each shot, from a text-to-image pipeline (SDXL-Turbo by
default). Within a scene the keyframe is painted over the previous shot's last frame
(image-to-image), so the place, light and people carry over from shot to shot."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.config import Settings
from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.gpu.placement import derived_pipeline, warm_pipeline
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.clips import cover
from shotgraph.pipeline.video.diffusion.conditioning import prompt_conditioning


class KeyframeRequest(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    init_image: np.ndarray | None = None
    """The previous shot's last frame (RGB uint8) within a scene; None starts from text."""


class KeyframePainter:
    """Text-to-image, or image-to-image over a conditioning frame, on one shared set of
    weights: the image-to-image pipeline is made from the text one and costs no memory."""

    def __init__(self, settings: Settings, manager: ModelManager) -> None:
        self.model_id = settings.diffusion_keyframe_model
        self.steps = settings.diffusion_keyframe_steps
        self.guidance = settings.diffusion_keyframe_guidance
        self.strength = settings.diffusion_continuity_strength
        self.manager = manager

    def paint(self, request: KeyframeRequest, runtime: ModelRuntime) -> np.ndarray:
        """The keyframe as RGB uint8 of the requested size."""
        import torch
        from PIL import Image

        if request.init_image is None:
            pipe = self._text_to_image(runtime)
            specific: dict[str, Any] = {
                "width": request.width,
                "height": request.height,
                "num_inference_steps": self.steps,
            }
        else:
            pipe = self._image_to_image(runtime)
            start = cover(request.init_image, request.width, request.height)
            specific = {
                "image": Image.fromarray(start),
                "strength": self.strength,
                # Image-to-image runs steps * strength steps: at least one must remain.
                "num_inference_steps": max(self.steps, math.ceil(1 / self.strength)),
            }
        out = pipe(
            **prompt_conditioning(pipe, request.prompt, request.negative_prompt, runtime),
            **specific,
            guidance_scale=self.guidance,
            generator=torch.Generator(device="cpu").manual_seed(request.seed),
            output_type="np",
        )
        return to_uint8(out.images[0])

    def load(self, runtime: ModelRuntime) -> None:
        """Both keyframe pipelines (image-to-image shares the text-to-image weights)."""
        self._image_to_image(runtime)

    def _text_to_image(self, runtime: ModelRuntime) -> Any:
        from diffusers import AutoPipelineForText2Image

        return warm_pipeline(
            self.manager,
            runtime,
            "text-to-image",
            self.model_id,
            AutoPipelineForText2Image.from_pretrained,
        )

    def _image_to_image(self, runtime: ModelRuntime) -> Any:
        from diffusers import AutoPipelineForImage2Image

        return derived_pipeline(
            self.manager,
            runtime,
            "image-to-image",
            self.model_id,
            AutoPipelineForImage2Image,
            lambda: self._text_to_image(runtime),
        )


def to_uint8(picture: np.ndarray) -> np.ndarray:
    """A pipeline's float picture (0..1, height x width x 3) as RGB uint8."""
    return np.clip(np.rint(np.asarray(picture, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)
