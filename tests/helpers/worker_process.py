"""`shotgraph worker` as a real subprocess, configured through its environment as in production.

It runs in its own process group, so a test can kill -9 it the way a crashed machine would;
its pipeline process leads a group of its own and dies with it (see pipeline_process.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from pydantic import SecretStr

from shotgraph.config import Settings
from shotgraph.queue import keys
from shotgraph.queue.client import quick_redis

# The settings a worker subprocess inherits from the test's Settings object.
_PASSED = (
    "execution_profile",
    "gpu_enabled",
    "music_backend",
    "worker_max_jobs",
    "storage_path",
    "video_resolution",
    "video_fps",
    "video_crf",
    "redis_url",
    "redis_tls_ca_file",
    "redis_password",
    "queue_name",
    "job_timeout_s",
    "job_heartbeat_s",
    "job_heartbeat_ttl_s",
    "sweep_interval_s",
    "cancel_grace_s",
    "shutdown_grace_s",
    "storage_backend",
    "scratch_path",
    "s3_bucket",
    "s3_prefix",
    "s3_endpoint_url",
    "s3_access_key_id",
    "s3_secret_access_key",
    "min_free_disk_gb",
    "storage_prune_interval_s",
    "film_retention_days",
    "artefact_retention_hours",
    "llm_provider",
    "llm_base_url",
    "llm_timeout_s",
    "llm_backoff_s",
    "safety_backend",
)


class WorkerProcess:
    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.log = folder / f"worker-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "VIDEO_"))}
        for name in _PASSED:
            value = getattr(self.settings, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value is not None:
                env[name.upper()] = str(value)
        # At least INFO, so a test can read what the worker did; DEBUG when the test asks.
        env["LOG_LEVEL"] = "DEBUG" if self.settings.log_level.upper() == "DEBUG" else "INFO"
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "shotgraph", "worker"],
                cwd=self.folder,  # no developer .env is read from here
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(timeout_s)
        return self

    def _wait_ready(self, timeout_s: float) -> None:
        """Ready once its first beat is in Redis: its pipeline process has built its backends."""
        with quick_redis(self.settings, timeout_s=5) as client:
            deadline = time.monotonic() + timeout_s
            while not self._registered(client):
                if self.process is None or self.process.poll() is not None:
                    raise RuntimeError(f"worker exited early:\n{self.output()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker not ready in {timeout_s}s:\n{self.output()}")
                time.sleep(0.05)

    def _registered(self, client: redis.Redis) -> bool:
        try:
            names = client.hkeys(keys.WORKERS)
        except redis.ConnectionError:  # Redis is not there (yet): the worker waits for it
            return False
        return any(name.decode().endswith(f"-{self.pid}") for name in names)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill_hard(self) -> None:
        """kill -9 the worker (its pipeline child dies with it), as a power cut would."""
        os.killpg(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(10)

    def stop(self, timeout_s: float = 30) -> int:
        """SIGTERM, as `docker stop` sends; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # anything else it left behind
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
