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
# diffusers 0.42's backends whose attention function raises on a mask (attention_dispatch.py).
_MASKLESS_BACKENDS = {
    "flash", "flash_hub", "flash_4_hub", "_flash_3", "_flash_3_hub", "aiter_fa2_hub",
    "sage", "sage_hub", "sage_blackwell_hub", "_sage_qk_int8_pv_fp8_cuda",
    "_sage_qk_int8_pv_fp8_cuda_sm90", "_sage_qk_int8_pv_fp16_cuda",
    "_sage_qk_int8_pv_fp16_triton", "_native_flash", "_native_xla",
}  # fmt: skip
# Denoisers that pass an attention mask on every call.
_MASKED_DENOISERS = {"LTXVideoTransformer3DModel"}


def keep_attention_kernel(denoiser: Any, runtime: ModelRuntime) -> None:
    """Where the runtime names one of PyTorch's attention kernels, keep scaled-dot-product
    attention to it while `denoiser` runs, and only then.

    The UNets of SVD and Stable Diffusion call PyTorch's SDPA directly, where diffusers'
    `set_attention_backend` does not reach; this is how the setting reaches them. It must not
    reach the VAEs: their single 512-wide attention head has no flash or cuDNN kernel, and a
    call wrapped whole in one kernel fails in the decoder."""
    kernel = _SDPA_KERNELS.get(runtime.attention_backend or "")
    if kernel is None:
        return
    from torch.nn.attention import SDPBackend, sdpa_kernel

    active: list[contextlib.AbstractContextManager[None]] = []

    def enter(module: Any, args: Any) -> None:
        context = sdpa_kernel([getattr(SDPBackend, kernel)])
        context.__enter__()
        active.append(context)

    def leave(module: Any, args: Any, output: Any) -> None:
        active.pop().__exit__(None, None, None)

    denoiser.register_forward_pre_hook(enter)
    denoiser.register_forward_hook(leave, always_call=True)


def refuse_maskless_backend(denoiser: Any, backend: str) -> None:
    """LTX-Video's transformer always passes an attention mask (the prompt's padding); the
    backends that take none would fail at every shot, so they are refused at start."""
    if backend in _MASKLESS_BACKENDS and type(denoiser).__name__ in _MASKED_DENOISERS:
        raise BackendUnavailable(
            f"DIFFUSION_ATTENTION_BACKEND={backend} cannot be used with "
            f"{type(denoiser).__name__}: it passes an attention mask and {backend} takes none; "
            "use _native_cudnn, _native_efficient or flash_varlen."
        )


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
        refuse_maskless_backend(model, runtime.attention_backend)
        try:
            model.set_attention_backend(runtime.attention_backend)
        except (ValueError, RuntimeError, ImportError) as exc:  # unknown, or not installed
            raise BackendUnavailable(
                f"DIFFUSION_ATTENTION_BACKEND={runtime.attention_backend} cannot be used: {exc}"
            ) from exc
        keep_attention_kernel(model, runtime)
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
    pipeline_class: Any,
    base: Callable[[], Any],
) -> Any:
    """A `pipeline_class` made with `from_pipe` from the warm `base()`: it shares that
    pipeline's modules, so it costs no memory, and is made once like any other model.

    The runtime's dtype is passed on: diffusers' `from_pipe` casts the shared modules to
    float32 when it is given none, which would double the base pipeline's memory."""

    def build() -> Any:
        pipe = pipeline_class.from_pipe(base(), dtype=runtime.torch_dtype())
        pipe.set_progress_bar_config(disable=True)
        if runtime.cpu_offload:
            pipe.enable_model_cpu_offload(device=runtime.device)
        return pipe

    return manager.get(runtime.model_key(role, model_id), runtime, build)
