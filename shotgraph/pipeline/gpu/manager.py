"""The warm model manager: every model is built once per worker process, kept while the
process serves jobs, and freed at exit.

Backends ask for a model by a key (its role and id) and a builder; the first call loads it, every
later call gets the same object. Weights come from a local folder or the Hugging Face cache;
with HF_HUB_OFFLINE a missing model fails with the command that fetches it.
"""

from __future__ import annotations

import atexit
import errno
import gc
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter

from shotgraph.errors import BackendUnavailable
from shotgraph.pipeline.gpu.runtime import ModelRuntime

log = logging.getLogger(__name__)

T = TypeVar("T")


class WeightsMissing(BackendUnavailable):
    """A model's weights are neither in the local folder named nor in the hub cache."""

    def __init__(self, model_id: str, offline: bool) -> None:
        where = "HF_HUB_OFFLINE is set and it is not in the Hugging Face cache"
        if not offline:
            where = "it could not be found locally or downloaded"
        super().__init__(
            f"The model {model_id} is not available: {where}. Fetch the configured models "
            f"with `shotgraph models download` (or this one with `hf download {model_id}`), "
            "or point the setting at a local folder holding it."
        )
        self.model_id = model_id


def model_source(model_id: str) -> str:
    """A local folder when the id names one, else the hub id (resolved through the cache)."""
    path = Path(model_id).expanduser()
    return str(path) if path.is_dir() else model_id


def hub_options(runtime: ModelRuntime) -> dict[str, Any]:
    """The loading options every `from_pretrained` call shares."""
    options: dict[str, Any] = {"local_files_only": runtime.offline}
    if runtime.variant:
        options["variant"] = runtime.variant
    return options


class ModelUnreadable(BackendUnavailable):
    """The weights may be there, but the system refused: disk full, no permission, a
    read-only or failing disk. Fetching them again would not help."""

    def __init__(self, model_id: str, cause: OSError) -> None:
        where = f" ({cause.filename})" if cause.filename else ""
        reason = cause.strerror or str(cause)
        super().__init__(f"The model {model_id} could not be loaded: {reason}{where}.")
        self.model_id = model_id


@contextmanager
def explain_missing_weights(model_id: str, runtime: ModelRuntime) -> Iterator[None]:
    """Turn the libraries' OSError for absent weights into a message naming the fix; an
    OSError of the system (disk full, permissions), raised or wrapped by the library, is said
    as what it is."""
    try:
        yield
    except OSError as exc:
        if (system := _system_error(exc)) is not None:
            raise ModelUnreadable(model_id, system) from exc
        raise WeightsMissing(model_id, runtime.offline) from exc
    except ValueError as exc:
        if runtime.variant is None or "variant" not in str(exc):
            raise
        raise BackendUnavailable(
            f"The model {model_id} has no {runtime.variant} weights for every part; unset "
            "DIFFUSION_WEIGHTS_VARIANT to load its default ones."
        ) from exc


def _system_error(exc: BaseException) -> OSError | None:
    """The OS's own error behind `exc`, if any: one with an errno other than "no such file".
    transformers and diffusers report absent weights as a bare OSError (no errno), often
    raised from the hub's FileNotFoundError; they wrap the system's errors the same way."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno not in (None, errno.ENOENT):
            return current
        current = current.__cause__ or current.__context__
    return None


class LoadedModel(BaseModel):
    key: str
    device: str
    dtype: str


class ModelManager:
    """Models by key, each built once. Thread-safe: stages call backends from worker threads."""

    def __init__(self) -> None:
        self._models: dict[str, tuple[Any, LoadedModel]] = {}
        self._lock = threading.RLock()  # a builder may ask for the model it derives from

    def get(self, key: str, runtime: ModelRuntime, build: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._models:
                log.info("loading model %s on %s (%s)", key, runtime.device, runtime.dtype)
                model = build()
                self._models[key] = (
                    model,
                    LoadedModel(key=key, device=runtime.device, dtype=runtime.dtype),
                )
            return self._models[key][0]

    def loaded(self) -> list[LoadedModel]:
        with self._lock:
            return [info for _, info in self._models.values()]

    def release(self) -> None:
        """Drop every model and give its GPU memory back (at exit, or to rebuild them all on
        the low-memory runtime after running out)."""
        with self._lock:
            self._models.clear()
        free_gpu_memory()


def free_gpu_memory() -> None:
    """Collect dropped tensors and return cached CUDA blocks to the driver."""
    gc.collect()
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


_process_models: ModelManager | None = None


def process_models() -> ModelManager:
    """The manager of this process: shared by the video and music backends, freed at exit."""
    global _process_models
    if _process_models is None:
        _process_models = ModelManager()
        atexit.register(_process_models.release)
    return _process_models


def loaded_models() -> list[LoadedModel]:
    """What this process holds, without creating a manager (for its model report)."""
    return _process_models.loaded() if _process_models is not None else []


def run_with_memory_retry(
    attempt: Callable[[ModelRuntime], T],
    runtime: ModelRuntime,
    manager: ModelManager,
    what: str,
    failed: Callable[[str], Exception],
) -> T:
    """Run `attempt` on `runtime`; when CUDA runs out of memory, run it once more on the lowered
    runtime (every memory saver on, its models built afresh), for this call only: the models
    are released again after it, so the next call is back on the fast runtime instead of the
    process staying in its slowest mode for good. Running out again raises `failed(reason)`."""
    import torch

    reason = (
        f"{what} ran out of GPU memory even with CPU offload, VAE slicing and tiling and "
        "small decode chunks; use a smaller VIDEO_RESOLUTION or a GPU with more memory"
    )
    try:
        return attempt(runtime)
    except torch.cuda.OutOfMemoryError:
        log.warning("%s ran out of GPU memory; retrying it with lower memory settings", what)
        manager.release()
    if runtime.lowered_for_memory:
        raise failed(reason)
    try:
        return attempt(runtime.lowered())
    except torch.cuda.OutOfMemoryError as exc:
        raise failed(reason) from exc
    finally:
        manager.release()


class GpuMemory(BaseModel):
    free_gib: float
    total_gib: float
    allocated_gib: float


def gpu_memory() -> GpuMemory | None:
    """Memory of CUDA device 0 as the driver and this process's allocator see it."""
    import torch

    if not torch.cuda.is_available():
        return None
    free, total = torch.cuda.mem_get_info()
    return GpuMemory(
        free_gib=round(free / 2**30, 2),
        total_gib=round(total / 2**30, 2),
        allocated_gib=round(torch.cuda.memory_allocated() / 2**30, 2),
    )


class ModelReport(BaseModel):
    """What one process holds: its warm models, and its GPU's memory once they are loaded."""

    models: list[LoadedModel]
    gpu: GpuMemory | None = None
    fallbacks: list[str] = Field(default_factory=list)
    """Backends it runs in place of the configured ones, and why (`BackendChoice.notes`):
    what turns the worker's health check and `doctor` red."""


WORKER_REPORTS = TypeAdapter(list[ModelReport])
"""A worker's reports, one per pipeline process, as it keeps them in Redis for the doctor."""


def model_report(fallbacks: list[str] | None = None) -> ModelReport:
    """This process's models and GPU memory, and its backends' fallbacks; torch is looked at
    only if something imported it, so an animatic worker reports without loading it."""
    gpu = gpu_memory() if "torch" in sys.modules else None
    return ModelReport(models=loaded_models(), gpu=gpu, fallbacks=fallbacks or [])


def weights_on_disk(model_id: str, marker: str) -> bool:
    """Whether a model is a local folder or in the Hugging Face cache, judged by one file every
    copy of it has (`model_index.json` for a diffusers pipeline, `config.json` otherwise);
    nothing is downloaded."""
    if Path(model_id).expanduser().is_dir():
        return (Path(model_id).expanduser() / marker).is_file()
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model_id, marker), str)
