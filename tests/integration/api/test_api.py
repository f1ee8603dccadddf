"""The HTTP API end to end: httpx against the real app, a real Redis, and a real worker."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from shotgraph.api.app import create_app
from shotgraph.api.links import LINK_SALT
from shotgraph.config import Settings
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"X-API-Key": "bob-key"}


@pytest.fixture
async def client(queue_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(queue_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            yield http


async def submit(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> str:
    answer = await client.post("/generate", json={"story": STORY, **body}, headers=headers)
    assert answer.status_code == 202, answer.text
    return answer.json()["job_id"]


async def events_of(client: httpx.AsyncClient, job_id: str, **headers: str) -> list[dict]:
    """Read the job's server-sent events until the stream ends."""
    found: list[dict] = []
    async with client.stream(
        "GET", f"/jobs/{job_id}/events", headers={**ALICE, **headers}, timeout=90
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        current: dict = {}
        async for line in stream.aiter_lines():
            if not line:
                if current:
                    found.append(current)
                current = {}
                continue
            field, _, value = line.partition(": ")
            current[field] = json.loads(value) if field == "data" else value
    return found


async def test_keys_are_required_and_checked(client: httpx.AsyncClient) -> None:
    assert (await client.get("/jobs")).status_code == 401
    wrong = await client.get("/jobs", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "API key" in wrong.json()["detail"]
    assert (await client.get("/jobs", headers=ALICE)).json() == []
    assert (await client.get("/jobs", headers=BOB)).status_code == 200


async def test_a_key_sees_only_its_own_jobs(client: httpx.AsyncClient) -> None:
    job_id = await submit(client, ALICE, title="Alice's kite")

    mine = await client.get(f"/status/{job_id}", headers=ALICE)
    assert mine.status_code == 200
    assert mine.json()["status"] == "queued"
    assert mine.json()["position"] == 1
    assert mine.json()["title"] == "Alice's kite"
    assert [job["job_id"] for job in (await client.get("/jobs", headers=ALICE)).json()] == [job_id]
    for path in (f"/status/{job_id}", f"/video/{job_id}", f"/jobs/{job_id}/events"):
        assert (await client.get(path, headers=BOB)).status_code == 404
    assert (await client.delete(f"/jobs/{job_id}", headers=BOB)).status_code == 404
    assert (await client.get("/jobs", headers=BOB)).json() == []


@pytest.mark.parametrize("job_id", ["nope", "..%2F..%2Fetc%2Fpasswd", "%2E%2E", "a" * 100])
async def test_unknown_and_malformed_ids_are_404(client: httpx.AsyncClient, job_id: str) -> None:
    for path in (f"/status/{job_id}", f"/video/{job_id}"):
        answer = await client.get(path, headers=ALICE)
        assert answer.status_code == 404
        # Ids with slashes never reach a route; the others are refused by it.
        detail = answer.json()["detail"]
        assert detail == "Not Found" or detail.startswith("There is no job")


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"title": "no story"}, 422, "story"),
        ({"story": "   "}, 422, "story"),
        ({"story": "\x00\x01\x02\x03 binary"}, 422, "binary"),
        ({"story": STORY, "aspect": "4:3"}, 422, "aspect"),
        ({"story": STORY, "seed": -1}, 422, "seed"),
        ({"story": "word " * 60_000}, 422, "at most 200000 characters"),
        ({"story": "ééé " * 30_000}, 413, "the limit is 200 KB"),
    ],
)
async def test_bad_bodies_get_a_clear_answer_and_queue_nothing(
    client: httpx.AsyncClient, body: dict, status: int, says: str
) -> None:
    answer = await client.post("/generate", json=body, headers=ALICE)
    assert answer.status_code == status
    assert says in json.dumps(answer.json()["detail"])
    assert (await client.get("/jobs", headers=ALICE)).json() == []


async def test_a_second_film_in_the_works_is_refused_until_the_first_ends(
    client: httpx.AsyncClient,
) -> None:
    first = await submit(client, ALICE)
    refused = await client.post("/generate", json={"story": STORY}, headers=ALICE)
    assert refused.status_code == 429
    assert "already have 1 film" in refused.json()["detail"]
    # No time would help: the first film must end, so no Retry-After is promised.
    assert "Retry-After" not in refused.headers
    # Bob is not disturbed, nor is Alice's first job.
    await submit(client, BOB)
    assert (await client.get(f"/status/{first}", headers=ALICE)).json()["status"] == "queued"


@pytest.mark.parametrize(
    ("limits", "said"),
    [
        ({"max_jobs_per_user_per_day": 1, "max_active_jobs_per_user": 5}, "films today"),
        ({"max_queued_jobs": 1, "max_active_jobs_per_user": 5}, "The queue is full"),
    ],
)
async def test_a_limit_that_time_lifts_is_refused_with_retry_after(
    queue_settings: Settings, limits: dict[str, int], said: str
) -> None:
    app = create_app(queue_settings.model_copy(update=limits))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            await submit(client, ALICE)
            refused = await client.post("/generate", json={"story": STORY}, headers=ALICE)

    assert refused.status_code == 429
    assert said in refused.json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 86_400


async def test_cancel_then_cancel_again(client: httpx.AsyncClient) -> None:
    job_id = await submit(client, ALICE)
    cancelled = await client.delete(f"/jobs/{job_id}", headers=ALICE)
    assert cancelled.status_code == 202
    assert cancelled.json()["status"] == "cancelled"
    again = await client.delete(f"/jobs/{job_id}", headers=ALICE)
    assert again.status_code == 409
    assert "already cancelled" in again.json()["detail"]
    events = await events_of(client, job_id)
    assert [event["event"] for event in events] == ["queued", "cancelled"]
    assert (await client.get(f"/video/{job_id}", headers=ALICE)).status_code == 409


@pytest.mark.slow
async def test_story_to_film_over_http(
    client: httpx.AsyncClient,
    queue_settings: Settings,
    start_worker: Callable[[Settings], WorkerProcess],
    tmp_path: Path,
) -> None:
    start_worker(queue_settings)
    health = (await client.get("/health")).json()
    assert health == {"status": "ok", "redis": True, "workers": 1, "disk": "ok"}
    job_id = await submit(client, ALICE, aspect="9:16")

    events = await events_of(client, job_id)
    kinds = [event["event"] for event in events]
    assert kinds[0] == "queued"
    assert kinds[-1] == "done"
    assert "stage_started" in kinds
    # A reader that reconnects with Last-Event-ID gets only what came after.
    resumed = await events_of(client, job_id, **{"Last-Event-ID": events[-2]["id"]})
    assert [event["event"] for event in resumed] == ["done"]

    status = (await client.get(f"/status/{job_id}", headers=ALICE)).json()
    assert status["status"] == "done"
    assert status["result"]["width"] == 144

    part = await client.get(f"/video/{job_id}", headers={**ALICE, "Range": "bytes=0-99"})
    assert part.status_code == 206
    assert len(part.content) == 100
    whole = await client.get(f"/video/{job_id}", headers=ALICE)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "video/mp4"
    film = tmp_path / "downloaded.mp4"
    film.write_bytes(whole.content)
    assert probe(film).stream("video").height == 256
    assert whole.content[:100] == part.content

    link = (await client.get(f"/jobs/{job_id}/link", headers=ALICE)).json()
    assert link["expires_in_s"] == queue_settings.link_ttl_s
    token = link["url"].rsplit("/", 1)[1]
    shared = await client.get(f"/v/{token}")  # no key needed
    assert shared.status_code == 200
    assert shared.content == whole.content
    forged = await client.get(f"/v/{token[:-2]}xx")
    assert forged.status_code == 403
    assert forged.json()["detail"] == "This download link is not valid."
    expired = await client.get(f"/v/{_token_signed_long_ago(queue_settings, job_id)}")
    assert expired.status_code == 410
    assert "expired" in expired.json()["detail"]


def _token_signed_long_ago(settings: Settings, job_id: str) -> str:
    """A real token for the job, signed before its time-to-live began."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - settings.link_ttl_s - 60

    assert settings.link_secret is not None
    serializer = URLSafeTimedSerializer(
        settings.link_secret.get_secret_value(), salt=LINK_SALT, signer=PastSigner
    )
    return serializer.dumps(job_id)


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/generate", "/status/{job_id}", "/jobs/{job_id}/events", "/v/{token}"} <= set(paths)
