"""The warm model manager, the runtime built from settings, and the out-of-memory retry."""

from __future__ import annotations

import pytest

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, StageFailed
from shotgraph.pipeline.gpu.manager import ModelManager, run_with_memory_retry
from shotgraph.pipeline.gpu.runtime import ModelRuntime

torch = pytest.importorskip("torch", reason="the model manager's tests need torch")


def test_cuda_runs_half_precision_and_the_cpu_float32() -> None:
    cuda = ModelRuntime.from_settings(Settings(_env_file=None, diffusion_dtype="bfloat16"))
    cpu = ModelRuntime.from_settings(
        Settings(_env_file=None, diffusion_device="cpu", diffusion_cpu_offload=True)
    )
    assert (cuda.device, cuda.dtype, cuda.torch_dtype()) == ("cuda", "bfloat16", torch.bfloat16)
    assert (cpu.dtype, cpu.cpu_offload) == ("float32", False)  # nothing to offload to


def test_the_lowered_runtime_turns_every_memory_saver_on() -> None:
    runtime = ModelRuntime.from_settings(Settings(_env_file=None, diffusion_compile=True))
    low = runtime.lowered()
    assert (low.cpu_offload, low.vae_slicing, low.vae_tiling) == (True, True, True)
    assert (low.decode_chunk_size, low.compile, low.lowered_for_memory) == (2, False, True)
    assert low.model_key("svd", "m") != runtime.model_key("svd", "m")


def test_models_are_built_once_and_released() -> None:
    manager = ModelManager()
    runtime = ModelRuntime(device="cpu", dtype="float32")
    builds: list[str] = []

    def build() -> list[str]:
        builds.append("built")
        return builds

    assert manager.get("music:m:fast", runtime, build) is manager.get(
        "music:m:fast", runtime, build
    )
    assert builds == ["built"]
    assert [(m.key, m.dtype) for m in manager.loaded()] == [("music:m:fast", "float32")]
    manager.release()
    assert manager.loaded() == []


def _failed(reason: str) -> StageFailed:
    return StageFailed("visuals", reason)


FAST = ModelRuntime(device="cuda", dtype="float16")


def test_an_out_of_memory_shot_is_retried_once_with_lower_settings_for_that_call() -> None:
    runtimes: list[ModelRuntime] = []
    manager = ModelManager()

    def attempt(runtime: ModelRuntime) -> str:
        runtimes.append(runtime)
        manager.get(runtime.model_key("svd", "m"), runtime, lambda: "model")
        if len(runtimes) == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return "clip"

    assert run_with_memory_retry(attempt, FAST, manager, "shot s000-00", _failed) == "clip"
    assert [r.lowered_for_memory for r in runtimes] == [False, True]
    assert manager.loaded() == []  # neither the fast nor the low-memory models are kept


def test_a_second_out_of_memory_fails_the_job_with_a_clear_message() -> None:
    def attempt(runtime: ModelRuntime) -> str:
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    with pytest.raises(StageFailed, match="shot s000-01 ran out of GPU memory even with"):
        run_with_memory_retry(attempt, FAST, ModelManager(), "shot s000-01", _failed)


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def attempt(runtime: ModelRuntime) -> str:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        run_with_memory_retry(attempt, FAST, ModelManager(), "shot", _failed)
    assert calls == [1]


def test_a_cuda_runtime_refuses_to_start_without_cuda() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(BackendUnavailable, match="MUSIC_BACKEND=musicgen needs a CUDA GPU"):
        ModelRuntime(device="cuda", dtype="float16").require_device("MUSIC_BACKEND=musicgen")
