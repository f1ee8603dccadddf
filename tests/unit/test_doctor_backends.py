"""`shotgraph doctor` says, in red, when a configured backend would be replaced here: a GPU
backend without a GPU, the LLM moderator or planner without a key; and when a running worker
did so."""

from __future__ import annotations

import time
from pathlib import Path

import redis

from shotgraph.config import Settings
from shotgraph.doctor import Check, run_checks
from shotgraph.pipeline.gpu.manager import WORKER_REPORTS, ModelReport
from shotgraph.queue import keys


def checked(settings: Settings, name: str) -> Check:
    return next(c for c in run_checks(settings) if c.name == name)


def test_a_gpu_backend_without_a_gpu_is_red(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, gpu_enabled=False, storage_path=tmp_path, music_backend="musicgen"
    )

    check = checked(settings, "backends")

    assert not check.ok
    assert "music: MusicGen needs a GPU, GPU disabled by GPU_ENABLED=false" in check.detail


def test_the_llm_moderator_without_a_provider_is_red(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        gpu_enabled=False,
        storage_path=tmp_path,
        llm_provider="together",
        safety_backend="llm",
    )

    check = checked(settings, "backends")

    assert not check.ok
    assert "using the rules moderator" in check.detail


def test_the_offline_profile_as_configured_is_green(tmp_path: Path) -> None:
    assert checked(
        Settings(_env_file=None, gpu_enabled=False, storage_path=tmp_path), "backends"
    ).ok


def test_a_running_worker_that_fell_back_is_red(queue_settings: Settings) -> None:
    client = redis.Redis.from_url(queue_settings.redis_url)
    fell_back = "safety: the LLM moderator needs an LLM provider; using the rules moderator"
    client.hset(keys.WORKERS, "gpu-box-1", str(time.time()))
    report = ModelReport(models=[], fallbacks=[fell_back])
    client.hset(keys.WORKER_MODELS, "gpu-box-1", WORKER_REPORTS.dump_json([report]))
    client.close()

    check = checked(queue_settings, "workers")

    assert not check.ok
    assert f"gpu-box-1 (no models (offline backends); fell back: {fell_back})" in check.detail
