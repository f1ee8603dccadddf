"""Putting a loaded diffusers pipeline to work: on the device or offloaded, with the memory
savers and speed-ups the runtime asks for."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from shotgraph.errors import BackendUnavailable
from shotgraph.pipeline.gpu.manager import (
    ModelManager,
    explain_missing_weights,
    hub_options,
    model_source,
)
from shotgraph.pipeline.gpu.runtime import ModelRuntime

# Conv3d weights (temporal layers of SVD's UNet and VAE) have no channels-last layout.
_CHANNELS_LAST_RANK = 4
# diffusers' names for PyTorch's own attention kernels, as torch.nn.attention names them.
_SDPA_KERNELS = {
    "_native_cudnn": "CUDNN_ATTENTION",
    "_native_efficient": "EFFICIENT_ATTENTION",
    "_native_flash": "FLASH_ATTENTION",
    "_native_math": "MATH",
}


def attention_kernels(runtime: ModelRuntime) -> contextlib.AbstractContextManager[None]:
    """Where the runtime names one of PyTorch's attention kernels, keep scaled-dot-product
    attention to it for the calls inside.

    `set_attention_backend` reaches only models on diffusers' attention dispatcher (LTX-Video);
    the UNets of SVD and Stable Diffusion call PyTorch's SDPA directly, and this is how the
    setting reaches them. Other backends (flash-attn, sage, xformers) change only the former.
    """
    kernel = _SDPA_KERNELS.get(runtime.attention_backend or "")
    if kernel is None:
        return contextlib.nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel([getattr(SDPBackend, kernel)])


def place_pipeline(pipe: Any, runtime: ModelRuntime, denoiser: str) -> None:
    """Move `pipe` to the runtime's device (or hook it for CPU offload) and tune `denoiser`,
    the component that runs every step (`unet` or `transformer`)."""
    import torch

    pipe.set_progress_bar_config(disable=True)
    if runtime.cpu_offload:
        pipe.enable_model_cpu_offload(device=runtime.device)
    else:
        pipe.to(runtime.device)
    # Not every VAE slices or tiles (SVD's temporal decoder does neither: its memory saver is
    # decode_chunk_size); those that do carry the flag.
    vae = getattr(pipe, "vae", None)
    if runtime.vae_slicing and hasattr(vae, "use_slicing"):
        vae.enable_slicing()
    if runtime.vae_tiling and hasattr(vae, "use_tiling"):
        vae.enable_tiling()
    model = getattr(pipe, denoiser)
    if runtime.attention_backend:
        try:
            model.set_attention_backend(runtime.attention_backend)
        except (ValueError, RuntimeError, ImportError) as exc:  # unknown, or not installed
            raise BackendUnavailable(
                f"DIFFUSION_ATTENTION_BACKEND={runtime.attention_backend} cannot be used: {exc}"
            ) from exc
    if runtime.on_cuda and all(p.dim() <= _CHANNELS_LAST_RANK for p in model.parameters()):
        model.to(memory_format=torch.channels_last)
    if runtime.compile:
        # Compiled in place, so the pipeline (and any offload hook) keeps its module.
        model.compile(fullgraph=False, dynamic=False)


def warm_pipeline(
    manager: ModelManager,
    runtime: ModelRuntime,
    role: str,
    model_id: str,
    load: Callable[..., Any],
    denoiser: str = "unet",
) -> Any:
    """The diffusers pipeline for `role`, loaded by `load` (a `from_pretrained`) and placed on
    the first call, the same warm object on every later one."""

    def build() -> Any:
        with explain_missing_weights(model_id, runtime):
            pipe = load(model_source(model_id), dtype=runtime.torch_dtype(), **hub_options(runtime))
        place_pipeline(pipe, runtime, denoiser)
        return pipe

    return manager.get(runtime.model_key(role, model_id), runtime, build)


def derived_pipeline(
    manager: ModelManager,
    runtime: ModelRuntime,
    role: str,
    model_id: str,
    derive: Callable[[], Any],
) -> Any:
    """A pipeline `derive`d with `from_pipe` from a warm one: it shares that pipeline's
    modules, so it costs no memory, and is made once like any other model."""

    def build() -> Any:
        pipe = derive()
        pipe.set_progress_bar_config(disable=True)
        if runtime.cpu_offload:
            pipe.enable_model_cpu_offload(device=runtime.device)
        return pipe

    return manager.get(runtime.model_key(role, model_id), runtime, build)
