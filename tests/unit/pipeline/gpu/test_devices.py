"""One pipeline process per GPU: slot i runs on cuda:i, and a worker runs one job per GPU unless
WORKER_MAX_JOBS says otherwise."""

from __future__ import annotations

from shotgraph.config import Settings
from shotgraph.hardware import GpuInfo
from shotgraph.pipeline.gpu.devices import slot_device, slot_settings
from shotgraph.queue.worker import worker_settings


def two_gpu_settings(**fields: object) -> Settings:
    """GPU settings as a box with two H100s detects them (the detection is torch's, not ours)."""
    settings = Settings(_env_file=None, execution_profile="prod_gpu", **fields)
    settings.__dict__["gpu"] = GpuInfo(name="NVIDIA H100", total_memory_gib=79.2, device_count=2)
    return settings


def test_slots_spread_over_the_gpus_round_robin() -> None:
    assert [slot_device("cuda", slot, 2) for slot in range(4)] == [
        "cuda:0",
        "cuda:1",
        "cuda:0",
        "cuda:1",
    ]
    assert slot_device("cuda:1", 0, 2) == "cuda:1"  # a device named by index stays
    assert slot_device("cpu", 1, 2) == "cpu"


def test_a_two_gpu_worker_runs_two_jobs_each_on_its_own_gpu() -> None:
    settings = two_gpu_settings()
    assert settings.job_slots == 2
    assert worker_settings(settings)["max_jobs"] == 2
    devices = [slot_settings(settings, slot).diffusion_device for slot in range(2)]
    assert devices == ["cuda:0", "cuda:1"]


def test_worker_max_jobs_overrides_the_gpu_count() -> None:
    assert two_gpu_settings(worker_max_jobs=1).job_slots == 1


def test_an_animatic_worker_runs_one_job_without_looking_for_a_gpu() -> None:
    settings = Settings(_env_file=None)
    assert settings.job_slots == 1
    assert "gpu" not in settings.__dict__  # torch was not asked
    assert slot_settings(settings, 3) is settings
