"""No silent downgrade on the GPU box: under EXECUTION_PROFILE=prod_gpu a worker that cannot use
its GPU refuses to start, and its health check is red, instead of quietly rendering animatics
while every check stays green.

The usual causes each get their sentence: GPU backends switched off, torch missing, a torch
build that does not match the driver (a CUDA 13 wheel on a CUDA 12 driver), no device, and
weights not yet fetched.
"""

from __future__ import annotations

import importlib.util

from shotgraph.config import ExecutionProfile, Settings
from shotgraph.errors import BackendUnavailable
from shotgraph.pipeline.gpu.weights import configured_weights


class GpuNotReady(BackendUnavailable):
    """A prod_gpu worker that cannot use its GPU."""


def gpu_problem(settings: Settings) -> str | None:
    """Why a prod_gpu worker could not render on its GPU, or None when it can (or when the
    settings ask for no GPU: another profile, or every GPU backend set to an offline one)."""
    if settings.execution_profile is not ExecutionProfile.PROD_GPU or not settings.wants_cuda:
        return None
    if settings.gpu_enabled is False:
        return (
            "GPU_ENABLED=false, but EXECUTION_PROFILE=prod_gpu renders on the GPU; unset it, "
            "or choose the offline backends (VIDEO_BACKEND=animatic, MUSIC_BACKEND=synth)."
        )
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed, so the GPU cannot be used: pip install 'shotgraph[gpu]'."
    import torch

    if not torch.cuda.is_available():
        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "no CUDA (a CPU build)"
        return (
            f"torch {torch.__version__}, built for {build}, cannot use a GPU here "
            f"({_cuda_error(torch)}); check the NVIDIA driver against the README's minimum."
        )
    wanted = configured_weights(settings)
    missing = [w.model_id for w in wanted if not _on_disk(w.model_id, w.marker)]
    if missing:
        return (
            f"The weights of {', '.join(missing)} are not on disk; fetch them first with "
            "`shotgraph models download`."
        )
    return None


def require_gpu(settings: Settings) -> None:
    """Raise GpuNotReady, with the reason, when a prod_gpu worker could not use its GPU."""
    problem = gpu_problem(settings)
    if problem is not None:
        raise GpuNotReady(f"This worker will not start: {problem}")


def _cuda_error(torch: object) -> str:
    """What CUDA itself says when it will not start: 'driver too old', 'no NVIDIA driver',
    'not compiled with CUDA'."""
    try:
        torch.cuda.init()  # type: ignore[attr-defined]
    except (RuntimeError, AssertionError) as exc:
        return str(exc).strip().split("\n")[0].rstrip(".")
    return "torch.cuda.is_available() is false"


def _on_disk(model_id: str, marker: str) -> bool:
    from shotgraph.pipeline.gpu.manager import weights_on_disk

    return weights_on_disk(model_id, marker)
