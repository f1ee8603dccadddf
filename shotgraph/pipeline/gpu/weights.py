"""Which model weights the settings ask for, and fetching them ahead of time.

A worker should not find out at its first job that a 10 GB model is missing: `shotgraph
models download` fetches every configured model into the Hugging Face cache (HF_HOME) once,
and `doctor` reports what is there. Model ids that are local folders are used as they are.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable


class Purpose(StrEnum):
    VIDEO = "video"
    MUSIC = "music"


# The video model families the diffusion backend runs (VIDEO_MODEL).
PRESET_MODEL = "preset"
SVD_MODEL = "stable-video-diffusion"
LTX_MODEL = "ltx-video"
# Weights of other frameworks that repositories often carry beside the PyTorch ones.
_FOREIGN_FORMATS = ["*.onnx", "*.onnx_data", "*.msgpack", "*.h5", "*.ckpt", "*.mlmodel", "*.tflite"]


class ModelWeights(BaseModel):
    purpose: Purpose
    model_id: str
    marker: str
    """A file every copy of the model has: `model_index.json` for a diffusers pipeline."""

    @property
    def local(self) -> bool:
        return Path(self.model_id).expanduser().is_dir()


def configured_weights(settings: Settings, only: Purpose | None = None) -> list[ModelWeights]:
    """The models the configured GPU backends will load, in the order they load them."""
    wanted: list[ModelWeights] = []
    if settings.video_backend == "diffusion" and only in (None, Purpose.VIDEO):
        if settings.video_model == PRESET_MODEL:
            from shotgraph.pipeline.gpu.presets import lineup

            chosen = lineup(settings)
            ids = [chosen.picture_model, chosen.video_model]
        elif settings.video_model == LTX_MODEL:
            ids = [settings.diffusion_t2v_model]
        else:
            ids = [settings.diffusion_keyframe_model, settings.diffusion_svd_model]
        wanted += [
            ModelWeights(purpose=Purpose.VIDEO, model_id=i, marker="model_index.json") for i in ids
        ]
    if settings.music_backend == "musicgen" and only in (None, Purpose.MUSIC):
        wanted.append(
            ModelWeights(
                purpose=Purpose.MUSIC, model_id=settings.musicgen_model, marker="config.json"
            )
        )
    return wanted


def download(weights: ModelWeights, settings: Settings) -> Path:
    """Fetch one model into the Hugging Face cache (a no-op for a local folder)."""
    if weights.local:
        return Path(weights.model_id).expanduser()
    if settings.hf_hub_offline:
        raise BackendUnavailable(
            "HF_HUB_OFFLINE is set, so nothing can be downloaded; unset it for this command."
        )
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise BackendUnavailable(
            "Downloading models needs the GPU extra: pip install 'shotgraph[gpu]'."
        ) from exc
    allow = None
    if settings.diffusion_weights_variant and weights.purpose is Purpose.VIDEO:
        # Only the configured variant's weights (and every config, tokenizer and index file).
        variant = settings.diffusion_weights_variant
        allow = [f"*.{variant}.*", "*.json", "*.txt", "*.model"]
    return Path(
        snapshot_download(weights.model_id, allow_patterns=allow, ignore_patterns=_FOREIGN_FORMATS)
    )
