"""bench/gpu_video.py, checked without a GPU so that its first run on one measures instead of
failing: its configs build the full-size architectures, its timing code runs end to end on the
tiny models (on the CPU, or on SHOTGRAPH_TEST_DIFFUSION_DEVICE), and without CUDA it says so and
exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import gpu_video
from shotgraph.pipeline.gpu.presets import PRESETS
from tests.helpers.tiny_models import (
    TEST_DEVICE,
    TINY_FLUX2_KLEIN,
    TINY_LTX,
    TINY_MUSICGEN,
    TINY_SVD,
    require_test_device,
)

pytestmark = pytest.mark.gpu_models
torch = pytest.importorskip("torch", reason="the GPU benchmark's tests need torch")
pytest.importorskip("diffusers", reason="the GPU benchmark's tests need diffusers")

ROOT = Path(__file__).resolve().parents[2]


def _millions_of_parameters(model: torch.nn.Module) -> int:
    return round(sum(p.numel() for p in model.parameters()) / 1e6)


def test_the_configs_are_the_full_size_public_models() -> None:
    """Built on the meta device (no memory, no weights), each part has the size of the public
    checkpoint: SVD-XT's 1.52 B-parameter UNet, its 98 M temporal VAE and ViT-H/14 image
    encoder, and MusicGen-small's 587 M (its 2.35 GB float32 safetensors file)."""
    from diffusers import AutoencoderKLTemporalDecoder, UNetSpatioTemporalConditionModel
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    configs = json.loads(gpu_video.CONFIGS.read_text())
    with torch.device("meta"):
        unet = UNetSpatioTemporalConditionModel(**configs["svd_unet"])
        vae = AutoencoderKLTemporalDecoder(**configs["svd_vae"])
        encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**configs["svd_image_encoder"]))
        musicgen = gpu_video.musicgen_model(configs)
    sizes = [_millions_of_parameters(m) for m in (unet, vae, encoder, musicgen)]
    assert sizes == [1525, 98, 632, 587]


def test_the_preset_configs_are_the_full_size_public_models() -> None:
    """LTX-Video 0.9.5's 1.92 B transformer (the report's 1.9 B) and the 13 B one, T5 v1.1 XXL's
    4.76 B encoder, Qwen3-4B's 4.02 B, FLUX.2 [klein] 4B's transformer (reconstructed: its
    3.88 B match the card's 4 B and the 7.75 GB bf16 file tests/helpers/hub_repos.py lists),
    its VAE, and Wan2.2 TI2V-5B's 5.00 B transformer."""
    from diffusers import (
        AutoencoderKLFlux2,
        Flux2Transformer2DModel,
        LTXVideoTransformer3DModel,
        WanTransformer3DModel,
    )
    from transformers import Qwen3Config, Qwen3ForCausalLM, T5Config, T5EncoderModel

    configs = json.loads(gpu_video.CONFIGS.read_text())
    with torch.device("meta"):
        parts = (
            LTXVideoTransformer3DModel(**configs["ltx_transformer_2b"]),
            LTXVideoTransformer3DModel(**configs["ltx_transformer_13b"]),
            T5EncoderModel(T5Config(**configs["ltx_text_encoder"])),
            Qwen3ForCausalLM(Qwen3Config(**configs["flux2_text_encoder"])),
            Flux2Transformer2DModel(**configs["flux2_transformer"]),
            AutoencoderKLFlux2(**configs["flux2_vae"]),
            WanTransformer3DModel(**configs["wan22_ti2v_transformer"]),
        )
    sizes = [_millions_of_parameters(m) for m in parts]
    assert sizes == [1923, 13043, 4762, 4022, 3876, 84, 5000]


def test_the_preset_timings_run_end_to_end_on_tiny_models() -> None:
    require_test_device()
    configs = {**TINY_FLUX2_KLEIN, **TINY_LTX, "ltx_transformer_2b": TINY_LTX["ltx_transformer"]}
    preset = PRESETS["24gb"].model_copy(update={"picture_steps": 1, "video_pixels": 128 * 64})
    workload = gpu_video.Workload(
        device=TEST_DEVICE, width=128, height=64, clip_frames=9, clip_steps=1
    )
    figures = gpu_video.bench_preset(configs, preset, "ltx_transformer_2b", workload)
    assert set(figures) == {
        "24gb_keyframe_seconds",
        "24gb_clip_seconds",
        "24gb_peak_gpu_mem_gib",
        "24gb_film_seconds_per_gpu_minute",
    }
    assert figures["24gb_film_seconds_per_gpu_minute"] > 0


def test_the_timings_run_end_to_end_on_tiny_models() -> None:
    require_test_device()
    workload = gpu_video.Workload(
        device=TEST_DEVICE, width=64, height=64, frames=3, steps=2, music_seconds=1.5
    )
    figures = gpu_video.bench_svd(TINY_SVD, None, False, workload)
    figures |= gpu_video.bench_musicgen(TINY_MUSICGEN, workload)

    assert set(figures) == {
        "svd_clip_seconds",
        "tuned_vs_plain",
        "peak_gpu_mem_gib",
        "svd_plain_seconds",
        "svd_plain_peak_gpu_mem_gib",
        "musicgen_realtime_factor",
    }
    assert figures["svd_clip_seconds"] > 0
    assert figures["musicgen_realtime_factor"] > 0
    assert (figures["peak_gpu_mem_gib"] > 0) == workload.on_cuda


def test_without_cuda_the_script_says_so_and_exits_0() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    done = subprocess.run(
        [sys.executable, "bench/gpu_video.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "needs a CUDA GPU" in done.stdout
    assert "=" not in done.stdout  # no figure is printed that was not measured
