"""How fast the GPU backends' models run on this machine's CUDA GPU, with random weights in the
real architectures (bench/gpu_models.json holds the public configs; nothing is downloaded).

Printed as `name=value` lines at the end:

svd_clip_seconds
    Wall time of one SVD-XT clip, 25 frames at 1024x576 and 25 steps (classifier-free guidance
    included, as in production), with the tuned settings: `place_pipeline` from
    shotgraph.pipeline.gpu.placement with torch.compile, the attention backend given by
    --attention-backend (for SVD's UNet, one of PyTorch's kernels: _native_cudnn,
    _native_flash, _native_efficient), channels-last where a model has no 3-D convolutions,
    and the VAE decoding 8 frames at a time. The compile is warmed up on a 2-step clip first,
    untimed.

tuned_vs_plain
    The plain diffusers call's time (the pipeline moved to CUDA in fp16, every default kept,
    the VAE decoding all 25 frames at once; warmed up on a 2-step clip too) over the tuned
    time: above 1 means tuning pays.

peak_gpu_mem_gib
    Peak GPU memory allocated by torch during the tuned clip (the plain call's peak is
    printed beside it as svd_plain_peak_gpu_mem_gib).

musicgen_realtime_factor
    Seconds of audio per second of wall time for MusicGen-small in fp16 generating a 30 s
    window with guidance 3, the way the music backend calls it.

<preset>_keyframe_seconds, <preset>_clip_seconds, <preset>_peak_gpu_mem_gib
    The default lineup of each GPU preset this card holds (24gb, 48gb, 80gb; --preset for one),
    with production's defaults: one FLUX.2 [klein] keyframe drawn from two reference images,
    and one 5 s LTX-Video clip (121 frames at 24 fps) from it, at the preset's native size for
    a 16:9 film, in bfloat16, placed by `place_pipeline` (CPU offload where the preset plans
    it). Text embeddings are given, not encoded: the encoders run once a shot, not per step.

<preset>_film_seconds_per_gpu_minute, svd_film_seconds_per_gpu_minute
    Seconds of finished film one GPU-minute makes: each preset's path (a keyframe and a clip per
    5 s shot) beside the old SDXL-Turbo + SVD-XT path's SVD clip alone (25 frames = 3.6 s of
    motion at 7 fps; its keyframe not counted, which flatters it).

Needs CUDA; on a machine without it the script says so and exits 0. Run:
`.venv/bin/python bench/gpu_video.py [--preset 24gb|48gb|80gb] [--attention-backend
_native_cudnn] [--no-compile]`.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

CONFIGS = Path(__file__).with_name("gpu_models.json")
TUNED_DECODE_CHUNK = 8


class Workload(BaseModel):
    """What is timed: the issue's clip and music window by default. The tests run a tiny one on
    the CPU, so the script's first run on a GPU does not spend device time on a typo."""

    device: str = "cuda"
    width: int = 1024
    height: int = 576
    frames: int = 25
    steps: int = 25
    music_seconds: float = 30.0

    clip_frames: int = 121
    """Frames of the preset path's clip: 5 s at LTX-Video's 24 fps."""
    clip_steps: int | None = None
    """The preset's own steps when None; the tests use fewer."""

    def preset_steps(self, preset: Any) -> int:
        return self.clip_steps or preset.video_steps

    @property
    def preset_dtype(self) -> str:
        """The preset path runs in bfloat16 on CUDA (LTX-Video's T5 overflows in float16)."""
        return "bfloat16" if self.on_cuda else "float32"

    @property
    def on_cuda(self) -> bool:
        return self.device.startswith("cuda")

    @property
    def dtype(self) -> str:
        """Half precision on CUDA, as production runs; float32, the only precision every CPU
        kernel has, elsewhere."""
        return "float16" if self.on_cuda else "float32"


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return torch.cuda.is_available()


def _timed(run: Callable[[], Any], workload: Workload) -> tuple[float, float]:
    """Seconds and peak GiB of GPU memory of one call (no memory figure off CUDA)."""
    import torch

    if not workload.on_cuda:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start, 0.0
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    run()
    torch.cuda.synchronize()
    return time.perf_counter() - start, torch.cuda.max_memory_allocated() / 2**30


def build_svd(configs: dict[str, Any], workload: Workload) -> Any:
    import torch
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    with torch.device(workload.device):
        unet = UNetSpatioTemporalConditionModel(**configs["svd_unet"])
        vae = AutoencoderKLTemporalDecoder(**configs["svd_vae"])
        encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**configs["svd_image_encoder"]))
    pipe = StableVideoDiffusionPipeline(
        vae=vae,
        image_encoder=encoder,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**configs["svd_scheduler"]),
        feature_extractor=CLIPImageProcessor(),
    )
    pipe.to(workload.device, getattr(torch, workload.dtype))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def svd_clip(
    pipe: Any, workload: Workload, steps: int, decode_chunk_size: int | None
) -> Callable[[], Any]:
    import numpy as np
    import torch
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 255, (workload.height, workload.width, 3))
    keyframe = Image.fromarray(pixels.astype(np.uint8))

    def run() -> Any:
        return pipe(
            image=keyframe,
            width=workload.width,
            height=workload.height,
            num_frames=workload.frames,
            num_inference_steps=steps,
            decode_chunk_size=decode_chunk_size,
            generator=torch.Generator("cpu").manual_seed(0),
            output_type="np",
        )

    return run


def bench_svd(
    configs: dict[str, Any],
    attention_backend: str | None,
    compile_unet: bool,
    workload: Workload,
) -> dict[str, float]:
    from shotgraph.pipeline.gpu.placement import place_pipeline
    from shotgraph.pipeline.gpu.runtime import ModelRuntime

    pipe = build_svd(configs, workload)
    print("SVD-XT plain diffusers call: warming up ...", flush=True)
    svd_clip(pipe, workload, 2, None)()
    plain_s, plain_peak = _timed(svd_clip(pipe, workload, workload.steps, None), workload)
    print(f"  {plain_s:.1f} s, peak {plain_peak:.1f} GiB", flush=True)

    runtime = ModelRuntime(
        device=workload.device,
        dtype=workload.dtype,
        attention_backend=attention_backend,
        compile=compile_unet,
        decode_chunk_size=TUNED_DECODE_CHUNK,
    )
    place_pipeline(pipe, runtime, "unet")
    print("SVD-XT tuned: warming up ...", flush=True)
    svd_clip(pipe, workload, 2, TUNED_DECODE_CHUNK)()
    tuned = svd_clip(pipe, workload, workload.steps, TUNED_DECODE_CHUNK)
    tuned_s, tuned_peak = _timed(tuned, workload)
    print(f"  {tuned_s:.1f} s, peak {tuned_peak:.1f} GiB", flush=True)
    return {
        "svd_clip_seconds": tuned_s,
        "tuned_vs_plain": plain_s / tuned_s,
        "peak_gpu_mem_gib": tuned_peak,
        "svd_plain_seconds": plain_s,
        "svd_plain_peak_gpu_mem_gib": plain_peak,
    }


def musicgen_model(configs: dict[str, Any]) -> Any:
    """MusicGen built from its parts' configs, with the generation settings the music backend
    uses (sampling, guidance 3), on the current default torch device."""
    from transformers import (
        EncodecConfig,
        GenerationConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        T5Config,
    )

    decoder = configs["musicgen_decoder"]
    config = MusicgenConfig(
        text_encoder=T5Config(**configs["musicgen_text_encoder"]).to_dict(),
        audio_encoder=EncodecConfig(**configs["musicgen_audio_encoder"]).to_dict(),
        decoder=MusicgenDecoderConfig(**decoder).to_dict(),
    )
    model = MusicgenForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=decoder["pad_token_id"],
        pad_token_id=decoder["pad_token_id"],
        bos_token_id=decoder["bos_token_id"],
        do_sample=True,
        guidance_scale=3.0,
        max_length=decoder["max_position_embeddings"],
    )
    return model


def bench_musicgen(configs: dict[str, Any], workload: Workload) -> dict[str, float]:
    import torch

    with torch.device(workload.device):
        model = musicgen_model(configs)
    model = model.to(getattr(torch, workload.dtype)).eval()
    config = model.config
    vocab = configs["musicgen_text_encoder"]["vocab_size"]
    prompt = {
        "input_ids": torch.randint(0, vocab, (1, 16), device=workload.device),
        "attention_mask": torch.ones(1, 16, dtype=torch.long, device=workload.device),
    }
    frame_rate = config.audio_encoder.frame_rate
    codebooks = configs["musicgen_decoder"]["num_codebooks"]
    tokens = round(workload.music_seconds * frame_rate) + codebooks - 1
    audio: list[Any] = []

    def run(new_tokens: int) -> None:
        with torch.inference_mode():
            audio.append(model.generate(**prompt, max_new_tokens=new_tokens))

    print("MusicGen-small: warming up ...", flush=True)
    run(50)
    seconds, _ = _timed(lambda: run(tokens), workload)
    made_s = audio[-1].shape[-1] / config.audio_encoder.sampling_rate
    print(f"  {made_s:.1f} s of audio in {seconds:.1f} s", flush=True)
    return {"musicgen_realtime_factor": made_s / seconds}


LTX_CONFIGS = {"Lightricks/LTX-Video-0.9.5": "ltx_transformer_2b"}
"""Which transformer config of gpu_models.json a preset's LTX-Video model id has."""


def build_preset(
    configs: dict[str, Any], transformer_key: str, workload: Workload
) -> tuple[Any, Any]:
    """FLUX.2 [klein] and LTX-Video condition pipelines of random weights, built on the CPU
    (the offloaded preset moves parts in as they run) with no tokenizer: the bench hands them
    text embeddings."""
    import torch
    from diffusers import (
        AutoencoderKLFlux2,
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        Flux2KleinPipeline,
        Flux2Transformer2DModel,
        LTXConditionPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import Qwen3Config, Qwen3ForCausalLM, T5Config, T5EncoderModel

    dtype = getattr(torch, workload.preset_dtype)
    picture = Flux2KleinPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=AutoencoderKLFlux2(**configs["flux2_vae"]),
        text_encoder=Qwen3ForCausalLM(Qwen3Config(**configs["flux2_text_encoder"])),
        tokenizer=None,
        transformer=Flux2Transformer2DModel(**configs["flux2_transformer"]),
        is_distilled=True,
    ).to(dtype=dtype)
    video = LTXConditionPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=AutoencoderKLLTXVideo(**configs["ltx_vae"]),
        text_encoder=T5EncoderModel(T5Config(**configs["ltx_text_encoder"])),
        tokenizer=None,
        transformer=LTXVideoTransformer3DModel(**configs[transformer_key]),
    ).to(dtype=dtype)
    return picture, video


def bench_preset(
    configs: dict[str, Any], preset: Any, transformer_key: str, workload: Workload
) -> dict[str, float]:
    """One keyframe and one clip of `preset` (a presets.Lineup), as production makes them."""
    import numpy as np
    import torch
    from PIL import Image

    from shotgraph.config import Resolution
    from shotgraph.pipeline.gpu.placement import place_pipeline
    from shotgraph.pipeline.gpu.runtime import ModelRuntime
    from shotgraph.pipeline.video.diffusion.image_to_video import LTX_FPS
    from shotgraph.pipeline.video.diffusion.reference_video import native_size

    picture, video = build_preset(configs, transformer_key, workload)
    runtime = ModelRuntime(
        device=workload.device,
        dtype=workload.preset_dtype,
        cpu_offload=preset.cpu_offload and workload.on_cuda,
    )
    place_pipeline(picture, runtime, "transformer")
    place_pipeline(video, runtime, "transformer")
    film = Resolution(width=workload.width, height=workload.height)
    width, height = native_size(film, preset.video_pixels, 32)
    dtype = getattr(torch, workload.preset_dtype)
    text = configs["flux2_text_encoder"]["hidden_size"] * 3
    caption = configs["ltx_text_encoder"]["d_model"]
    rng = np.random.default_rng(0)
    references = [
        Image.fromarray(rng.integers(0, 255, (height, width * 3 // 4, 3), dtype=np.uint8))
        for _ in range(2)
    ]
    keyframes: list[Any] = []

    def keyframe(steps: int) -> None:
        embeds = torch.randn(1, 512, text, device=workload.device, dtype=dtype)
        keyframes.append(
            picture(
                image=references,
                prompt_embeds=embeds,
                width=width,
                height=height,
                num_inference_steps=steps,
                guidance_scale=1.0,
                output_type="np",
            ).images[0]
        )

    def clip(steps: int, frames: int) -> None:
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        start = Image.fromarray((keyframes[-1] * 255).astype(np.uint8))
        embeds = torch.randn(1, 128, caption, device=workload.device, dtype=dtype)
        mask = torch.ones(1, 128, device=workload.device, dtype=torch.long)
        video(
            conditions=[LTXVideoCondition(image=start)],
            prompt_embeds=embeds,
            prompt_attention_mask=mask,
            negative_prompt_embeds=torch.zeros_like(embeds),
            negative_prompt_attention_mask=mask,
            width=width,
            height=height,
            num_frames=frames,
            frame_rate=LTX_FPS,
            num_inference_steps=steps,
            decode_timestep=0.05,
            image_cond_noise_scale=0.025,
            output_type="np",
        )

    print(f"preset {preset.name}: warming up at {width}x{height} ...", flush=True)
    keyframe(1)
    clip(1, 9)
    keyframe_s, keyframe_peak = _timed(lambda: keyframe(preset.picture_steps), workload)
    clip_s, clip_peak = _timed(
        lambda: clip(workload.preset_steps(preset), workload.clip_frames), workload
    )
    film_s = workload.clip_frames / LTX_FPS
    print(f"  keyframe {keyframe_s:.1f} s, clip {clip_s:.1f} s", flush=True)
    return {
        f"{preset.name}_keyframe_seconds": keyframe_s,
        f"{preset.name}_clip_seconds": clip_s,
        f"{preset.name}_peak_gpu_mem_gib": max(keyframe_peak, clip_peak),
        f"{preset.name}_film_seconds_per_gpu_minute": 60 * film_s / (keyframe_s + clip_s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attention-backend", default=None, help="diffusers attention backend")
    parser.add_argument("--no-compile", action="store_true", help="tune without torch.compile")
    parser.add_argument("--preset", default=None, help="24gb, 48gb or 80gb; default: each it holds")
    args = parser.parse_args()
    if not _cuda_available():
        print("bench/gpu_video.py needs a CUDA GPU (and torch with CUDA); none found, so nothing")
        print("was measured.")
        return
    import torch

    print(f"GPU: {torch.cuda.get_device_name()}, torch {torch.__version__}", flush=True)
    configs = json.loads(CONFIGS.read_text())
    workload = Workload()
    figures = bench_svd(configs, args.attention_backend, not args.no_compile, workload)
    figures["svd_film_seconds_per_gpu_minute"] = 60 * (25 / 7) / figures["svd_clip_seconds"]
    figures |= bench_musicgen(configs, workload)
    from shotgraph.pipeline.gpu.presets import PRESETS, preset_for_memory

    memory = torch.cuda.get_device_properties(0).total_memory / 2**30
    largest = list(PRESETS).index(preset_for_memory(memory))
    names = [args.preset] if args.preset else list(PRESETS)[: largest + 1]
    for name in names:
        preset = PRESETS[name]
        key = LTX_CONFIGS.get(preset.video_model, "ltx_transformer_13b")
        figures |= bench_preset(configs, preset, key, workload)
        gc.collect()
        torch.cuda.empty_cache()
    for name, value in figures.items():
        print(f"{name}={value:.3f}")


if __name__ == "__main__":
    main()
