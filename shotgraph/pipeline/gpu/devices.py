"""Which GPU each of a worker's pipeline processes runs on: one process per job slot, slot i on
cuda:i, so a two-GPU box runs two films side by side instead of both on cuda:0."""

from __future__ import annotations

from shotgraph.config import Settings


def slot_device(device: str, slot: int, gpu_count: int) -> str:
    """The torch device of job slot `slot`. A bare `cuda` spreads the slots over the GPUs
    round robin; a device with an index (`cuda:1`) or any other device is kept as it is."""
    if device != "cuda" or gpu_count < 1:
        return device
    return f"cuda:{slot % gpu_count}"


def slot_settings(settings: Settings, slot: int) -> Settings:
    """The settings of the pipeline process serving job slot `slot`."""
    if not settings.wants_cuda or settings.gpu is None:
        return settings
    device = slot_device(settings.diffusion_device, slot, settings.gpu.device_count)
    return settings.model_copy(update={"diffusion_device": device})
