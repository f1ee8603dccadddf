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
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.asyncio import Redis as AsyncRedis

# The database the tests use; 0 is left to whatever else runs on the machine. Two checkouts
# testing at once on one Redis pick different ones with SHOTGRAPH_TEST_REDIS_DB.
TEST_DB = int(os.environ.get("SHOTGRAPH_TEST_REDIS_DB", "13"))


def _answers(url: str, ca_file: Path | None = None) -> bool:
    options = {"ssl_ca_certs": str(ca_file)} if ca_file else {}
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5, **options)
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


def _launch(
    folder: Path, port: int, url: str, args: list[str], ca_file: Path | None = None
) -> subprocess.Popen[bytes]:
    """A throwaway redis-server on loopback, keeping its files in `folder`, once `url` answers
    (any other options in `args`)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (scripts/system-deps.sh adds it)")
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--save", "", "--dir", str(folder), *args],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _answers(url, ca_file):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"redis-server on port {port} did not start")
        time.sleep(0.05)
    return process


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """The base URL of a Redis the tests may use (no database number)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    if _answers(url):
        yield url
        return
    port = _free_port()
    url = f"redis://127.0.0.1:{port}"
    process = _launch(folder, port, url, ["--port", str(port)])
    try:
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


@dataclass(frozen=True)
class PrivateRedis:
    url: str
    """With the password, and rediss:// when it speaks TLS."""
    ca_file: Path | None = None


@contextmanager
def private_redis_server(folder: Path, password: str, tls: bool = False) -> Iterator[PrivateRedis]:
    """A throwaway redis-server of the test's own that requires `password` (and, with `tls`,
    speaks only TLS with a certificate from a throwaway CA): never the shared one."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    command = ["--requirepass", password]
    ca_file = None
    if tls:
        ca_file = _throwaway_certificates(folder)
        command += ["--port", "0", "--tls-port", str(port)]
        command += ["--tls-cert-file", str(folder / "server.crt")]
        command += ["--tls-key-file", str(folder / "server.key")]
        command += ["--tls-ca-cert-file", str(ca_file), "--tls-auth-clients", "no"]
    else:
        command += ["--port", str(port)]
    scheme = "rediss" if tls else "redis"
    found = PrivateRedis(url=f"{scheme}://:{password}@127.0.0.1:{port}/0", ca_file=ca_file)
    process = _launch(folder, port, found.url, command, ca_file)
    try:
        yield found
    finally:
        process.terminate()
        process.wait(10)


def _throwaway_certificates(folder: Path) -> Path:
    """A CA and a server certificate for 127.0.0.1 signed by it; returns the CA's file."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", "ca.key", "-out", "ca.crt")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr")  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", "san.ext",
            "-out", "server.crt")  # fmt: skip
    return folder / "ca.crt"


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
        args = ["--port", str(self.port), "--appendonly", "yes", "--appendfsync", "always"]
        self.process = _launch(self.folder, self.port, self.url, args)
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
