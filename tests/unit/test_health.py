"""`shotgraph health`: each role's check against a real Redis."""

from __future__ import annotations

import socket
import time

import redis

from shotgraph.config import Settings
from shotgraph.health import Role, check
from shotgraph.pipeline.gpu.manager import WORKER_REPORTS, ModelReport
from shotgraph.queue import keys


def test_redis_answers_or_not(queue_settings: Settings) -> None:
    assert check(Role.REDIS, queue_settings)[0]
    gone = queue_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1"})
    healthy, detail = check(Role.REDIS, gone)
    assert not healthy
    assert "127.0.0.1:1" in detail


def test_a_worker_is_healthy_while_one_on_this_host_beats(queue_settings: Settings) -> None:
    client = redis.Redis.from_url(queue_settings.redis_url)
    host = socket.gethostname()
    assert not check(Role.WORKER, queue_settings)[0]
    client.hset(keys.WORKERS, "elsewhere-1", str(time.time()))
    assert not check(Role.WORKER, queue_settings)[0]  # another machine's worker does not count
    client.hset(keys.WORKERS, f"{host}-42", str(time.time() - 3600))
    assert not check(Role.WORKER, queue_settings)[0]  # a beat long stopped does not count
    client.hset(keys.WORKERS, f"{host}-43", str(time.time()))
    healthy, detail = check(Role.WORKER, queue_settings)
    client.close()
    assert healthy
    assert f"{host}-43" in detail


def test_an_api_that_does_not_answer_is_unhealthy(queue_settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    healthy, detail = check(Role.API, queue_settings.model_copy(update={"api_port": free_port}))
    assert not healthy
    assert str(free_port) in detail


def test_a_worker_beating_with_fallen_back_backends_is_unhealthy(queue_settings: Settings) -> None:
    client = redis.Redis.from_url(queue_settings.redis_url)
    worker = f"{socket.gethostname()}-44"
    fell_back = "video: diffusion needs a GPU, no CUDA GPU found; using the animatic renderer"
    client.hset(keys.WORKERS, worker, str(time.time()))
    report = ModelReport(models=[], fallbacks=[fell_back])
    client.hset(keys.WORKER_MODELS, worker, WORKER_REPORTS.dump_json([report]))

    healthy, detail = check(Role.WORKER, queue_settings)

    client.hset(keys.WORKER_MODELS, worker, WORKER_REPORTS.dump_json([ModelReport(models=[])]))
    assert check(Role.WORKER, queue_settings)[0], "the same worker on its own backends is fine"
    client.close()
    assert not healthy
    assert fell_back in detail
