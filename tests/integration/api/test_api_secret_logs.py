"""`shotgraph api` as a real process at LOG_LEVEL=DEBUG: uvicorn's access log writes every
path, signed film links included, and no line may hold a link, an API key or the link
secret."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from shotgraph.config import Settings
from tests.helpers.secret_logs import leaked
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
KEY = "alice-key-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def api_process(queue_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The API's base URL and the file its output goes to; stopped (and flushed) after."""
    port = _free_port()
    log = tmp_path / "api.log"
    env = {
        **os.environ,
        "REDIS_URL": queue_settings.redis_url,
        "STORAGE_PATH": str(queue_settings.storage_path),
        "API_KEYS": f"alice:{KEY}",
        "LINK_SECRET": "test-link-secret",
        "API_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "DEBUG",
    }
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "shotgraph", "api", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise RuntimeError(f"the API did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield base, log
    finally:
        child.terminate()
        child.wait(15)


def test_no_log_line_holds_a_signed_link_an_api_key_or_the_link_secret(
    api_process: tuple[str, Path],
    queue_settings: Settings,
    start_worker: Callable[[Settings], WorkerProcess],
) -> None:
    base, log = api_process
    start_worker(queue_settings)
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        job_id = http.post("/generate", json={"story": STORY}).json()["job_id"]
        deadline = time.monotonic() + 90
        while http.get(f"/status/{job_id}").json()["status"] != "done":
            assert time.monotonic() < deadline, "the film was not made in time"
            time.sleep(0.3)
        url = http.get(f"/jobs/{job_id}/link").json()["url"]
        film = httpx.get(url, timeout=30)  # the signed link needs no key
        assert http.get("/jobs", headers={"X-API-Key": KEY}).status_code == 200

    assert film.status_code == 200
    assert film.content[4:8] == b"ftyp"
    token = url.rsplit("/", 1)[1]
    time.sleep(0.5)  # the access log line of the last request
    text = log.read_text()
    assert "GET /v/" in text  # the access log is on and holds the download
    assert leaked(text, [token, KEY, "test-link-secret"]) == []
