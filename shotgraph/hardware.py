"""What accelerator this process can use. torch is optional: without it there is no GPU."""

from __future__ import annotations

import importlib.util
import logging

from pydantic import BaseModel

log = logging.getLogger(__name__)


class GpuInfo(BaseModel):
    """The CUDA device the GPU backends would run on."""

    name: str
    total_memory_gib: float
    device_count: int


def detect_gpu() -> GpuInfo | None:
    """Ask torch for a CUDA device; None when torch is missing or sees no device."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    if not torch.cuda.is_available():
        return None
    props = torch.cuda.get_device_properties(0)
    return GpuInfo(
        name=props.name,
        total_memory_gib=round(props.total_memory / 2**30, 1),
        device_count=torch.cuda.device_count(),
    )
