"""Workers and the API on other machines reach Redis with a password, over TLS (rediss://):
a real worker and the real API against a throwaway redis-server that requires both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import redis.exceptions

from shotgraph.api.app import create_app
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.conftest import offline_settings
from tests.helpers.redis_server import private_redis_server
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
ALICE = {"Authorization": "Bearer alice-key"}
PASSWORD = "a-long-redis-password"


@pytest.mark.parametrize(
    ("tls", "in_url"),
    [(False, True), (False, False), (True, True)],
    ids=["password-in-url", "redis-password-setting", "password-and-tls"],
)
async def test_a_worker_and_the_api_make_a_film_through_a_locked_redis(
    tmp_path: Path, tls: bool, in_url: bool, start_worker: Callable[[Settings], WorkerProcess]
) -> None:
    with private_redis_server(tmp_path / "redis", PASSWORD, tls=tls) as server:
        password = {} if in_url else {"redis_password": PASSWORD}
        settings = offline_settings(
            tmp_path,
            video_resolution="256x144",
            video_fps=8,
            redis_url=server.url if in_url else server.url.replace(f":{PASSWORD}@", ""),
            redis_tls_ca_file=server.ca_file,
            **password,
            job_heartbeat_s=0.3,
            job_heartbeat_ttl_s=1.5,
            api_keys="alice:alice-key",
        )
        worker = start_worker(settings)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
                answer = await http.post("/generate", json={"story": STORY}, headers=ALICE)
                assert answer.status_code == 202, answer.text
                job_id = answer.json()["job_id"]
                for _ in range(600):
                    status = (await http.get(f"/status/{job_id}", headers=ALICE)).json()
                    if status["status"] in ("done", "failed"):
                        break
                    await asyncio.sleep(0.2)
                assert status["status"] == "done", status
                film = await http.get(f"/video/{job_id}", headers=ALICE)
                assert film.status_code == 200
                assert film.content[4:8] == b"ftyp"
                health = (await http.get("/health")).json()
                assert health["workers"] == 1
        worker.stop()

        # The same Redis refuses a wrong password, and (with TLS) a plain connection.
        wrong = settings.model_copy(
            update={"redis_url": server.url.replace(PASSWORD, "nope"), "redis_password": None}
        )
        with pytest.raises(redis.exceptions.AuthenticationError):
            await JobQueue.connect(wrong)
        if tls:
            plain = settings.model_copy(update={"redis_url": server.url.replace("rediss", "redis")})
            with pytest.raises(redis.exceptions.ConnectionError):
                await JobQueue.connect(plain)
