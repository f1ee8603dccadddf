"""Fixtures shared by every test: settings that never read the developer's `.env`, a storage
folder per test, and (for the queue, the API and the bots) a Redis database and workers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.helpers.redis_server import TEST_DB, OwnRedis, flush, redis_server
from tests.helpers.s3_server import ACCESS_KEY, BUCKET, SECRET_KEY, s3_server
from tests.helpers.worker_process import WorkerProcess


def offline_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings on the offline backends, writing under `tmp_path`, never reading a `.env`."""
    values: dict[str, object] = {
        "execution_profile": "debug_cpu",
        "gpu_enabled": False,
        "storage_path": tmp_path / "output",
        "video_resolution": "320x180",
        "video_fps": 12,
    }
    return Settings(_env_file=None, **{**values, **overrides})


# Fixtures other tests share: the fake LLM server (`llm_server`) and the tiny random-weight
# diffusion and MusicGen models, built once per session.
pytest_plugins = ["tests.fakes.llm_server", "tests.helpers.tiny_models"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings writing under the test's own folder."""
    return offline_settings(tmp_path)


@pytest.fixture(scope="session")
def redis_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_base_url: str) -> Iterator[str]:
    """A Redis database of the test's own, empty at the start."""
    url = f"{redis_base_url}/{TEST_DB}"
    flush(url)
    yield url
    flush(url)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    """A redis-server of the test's own, with an append-only file, that it may kill and
    start again (an outage) without touching the shared one."""
    server = OwnRedis(tmp_path / "own-redis").start()
    yield server
    server.kill()


@pytest.fixture
def queue_settings(tmp_path: Path, redis_url: str) -> Settings:
    """Offline settings for queue tests: small films, fast heartbeats and sweeps."""
    return offline_settings(
        tmp_path,
        video_resolution="256x144",
        video_fps=8,
        redis_url=redis_url,
        job_heartbeat_s=0.3,
        job_heartbeat_ttl_s=1.5,
        sweep_interval_s=0.5,
        cancel_grace_s=5,
        shutdown_grace_s=10,
        max_active_jobs_per_user=1,
        link_secret="test-link-secret",
        api_keys="alice:alice-key,bob:bob-key",
    )


@pytest.fixture
async def job_queue(queue_settings: Settings) -> AsyncIterator[JobQueue]:
    queue = await JobQueue.connect(queue_settings)
    yield queue
    await queue.close()


@pytest.fixture(scope="session")
def s3_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3 server (SeaweedFS) for the session, with the test bucket in it."""
    with s3_server(tmp_path_factory.mktemp("s3")) as url:
        yield url


@pytest.fixture
def s3_overrides(s3_url: str, tmp_path: Path) -> dict[str, object]:
    """Settings for STORAGE_BACKEND=s3 under a key prefix of the test's own."""
    return {
        "storage_backend": "s3",
        "s3_bucket": BUCKET,
        "s3_prefix": f"test-{tmp_path.name}-{time.time_ns()}",
        "s3_endpoint_url": s3_url,
        "s3_access_key_id": ACCESS_KEY,
        "s3_secret_access_key": SECRET_KEY,
        "scratch_path": tmp_path / "scratch",
    }


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[Settings], WorkerProcess]]:
    """Start `shotgraph worker` subprocesses; every one left running is stopped afterwards."""
    started: list[WorkerProcess] = []

    def start(settings: Settings) -> WorkerProcess:
        worker = WorkerProcess(settings, tmp_path / "workers").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop(timeout_s=15)
