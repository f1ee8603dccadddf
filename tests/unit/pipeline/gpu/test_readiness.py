"""No silent downgrade: under prod_gpu a worker that cannot use its GPU refuses to start with
one sentence and a non-zero code, and its health check is red even while it beats."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from shotgraph.config import ExecutionProfile, Settings
from shotgraph.doctor import run_checks
from shotgraph.health import Role, check
from shotgraph.pipeline.gpu.readiness import gpu_problem
from shotgraph.queue import keys
from tests.conftest import offline_settings

torch = pytest.importorskip("torch", reason="the GPU checks need torch to ask for a device")
pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")


def test_a_prod_gpu_worker_without_cuda_refuses_to_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shotgraph", "worker", "--profile", "prod_gpu"],
        cwd=tmp_path,  # no developer .env
        env={**os.environ, "COLUMNS": "300", "REDIS_URL": "redis://127.0.0.1:1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said
    assert "This worker will not start: torch" in said
    assert "cannot use a GPU here (Torch not compiled with CUDA enabled)" in said
    assert "Traceback" not in said


def test_a_prod_gpu_worker_is_unhealthy_even_while_it_beats(queue_settings: Settings) -> None:
    gpu = queue_settings.model_copy(
        update={
            "execution_profile": ExecutionProfile.PROD_GPU,
            "gpu_enabled": None,
            "video_backend": "diffusion",
        }
    )
    client = redis.Redis.from_url(gpu.redis_url)
    client.hset(keys.WORKERS, f"{socket.gethostname()}-7", str(time.time()))
    client.close()
    assert check(Role.WORKER, queue_settings)[0]
    healthy, detail = check(Role.WORKER, gpu)
    assert not healthy
    assert "cannot use a GPU here" in detail


def test_what_is_refused_and_what_is_not(tmp_path: Path) -> None:
    assert gpu_problem(offline_settings(tmp_path)) is None  # debug_cpu wants no GPU
    animatic = Settings(
        _env_file=None,
        execution_profile="prod_gpu",
        video_backend="animatic",
        music_backend="synth",
    )
    assert gpu_problem(animatic) is None  # prod_gpu with every GPU backend set aside
    disabled = Settings(_env_file=None, execution_profile="prod_gpu", gpu_enabled=False)
    assert "GPU_ENABLED=false, but EXECUTION_PROFILE=prod_gpu" in (gpu_problem(disabled) or "")


def test_the_doctor_says_why_the_gpu_cannot_be_used(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, execution_profile="prod_gpu", storage_path=tmp_path)
    check = next(c for c in run_checks(settings) if c.name == "gpu")
    assert not check.ok
    assert "cannot use a GPU here" in check.detail
    calm = next(c for c in run_checks(offline_settings(tmp_path)) if c.name == "gpu")
    assert calm.ok
