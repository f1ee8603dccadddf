"""A Redis for the tests: the one on REDIS_URL when it answers, else a throwaway redis-server.

Each test gets one database of it, emptied before and after, so tests never see each other's
keys (arq's included) and a developer's database 0 is never touched.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from redis.asyncio import Redis as AsyncRedis

# The database the tests use; 0 is left to whatever else runs on the machine. Two checkouts
# testing at once on one Redis pick different ones with SHOTGRAPH_TEST_REDIS_DB.
TEST_DB = int(os.environ.get("SHOTGRAPH_TEST_REDIS_DB", "13"))


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """The base URL of a Redis the tests may use (no database number)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    if _answers(url):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("no Redis answers on REDIS_URL and redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not _answers(url):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"redis-server on port {port} did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def flush(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


class OwnRedis:
    """A redis-server of one test's own, with an append-only file, on a free port: the test may
    kill it and start it again on the same port, as an outage would, without touching the
    Redis other tests share."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> OwnRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (scripts/system-deps.sh adds it)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _answers(self.url):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """kill -9, as a crash or an OOM kill would: what is on the append-only file stays."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


async def until_answering(client: AsyncRedis, timeout_s: float = 10) -> None:
    """Wait until `client` reaches Redis again: after a restart its old connections are dead,
    and the first command on each fails once."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            await client.ping()
            return
        except (redis.ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
