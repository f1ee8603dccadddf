"""Hostile and odd input: never a 5xx, always one sentence, never an echo of the input.

Each case here answered a 500 (or hung, or echoed megabytes) before; they run against the real
app and a real Redis, through httpx's ASGI transport, or a real uvicorn where the body's
arrival matters.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from shotgraph.api.app import create_app
from shotgraph.api.body_limit import body_limit_for
from shotgraph.config import Settings
from shotgraph.models import StageEvent
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus
from tests.helpers.redis_server import OwnRedis, until_answering
from tests.integration.api.test_api import ALICE, BOB, STORY, client, events_of, submit

__all__ = ["client"]  # the fixture, shared with test_api.py


def one_sentence(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, str)
    assert detail.endswith("."), detail
    assert len(detail) < 300, detail
    return detail


async def test_a_limit_out_of_bounds_is_refused_not_a_redis_error(
    client: httpx.AsyncClient,
) -> None:
    for limit in ("-99999999999999999999", "0", "-1", "101", "ten"):
        answer = await client.get("/jobs", params={"limit": limit}, headers=ALICE)
        assert "'limit'" in one_sentence(answer, 422)
    assert (await client.get("/jobs", params={"limit": 100}, headers=ALICE)).status_code == 200


async def test_a_lone_surrogate_or_a_nan_is_refused_with_a_sentence(
    client: httpx.AsyncClient,
) -> None:
    surrogate = b'{"story": "Mara ran \\ud800 up the hill."}'
    answer = await client.post(
        "/generate", content=surrogate, headers={**ALICE, "Content-Type": "application/json"}
    )
    assert "'story'" in one_sentence(answer, 422)
    nan = b'{"story": "Mara ran up the hill.", "target_length_s": NaN}'
    answer = await client.post(
        "/generate", content=nan, headers={**ALICE, "Content-Type": "application/json"}
    )
    assert "'target_length_s'" in one_sentence(answer, 422)


async def test_a_refusal_never_echoes_the_input(client: httpx.AsyncClient) -> None:
    whitespace = await client.post("/generate", json={"story": " \n\t "}, headers=ALICE)
    assert "'story'" in one_sentence(whitespace, 422)
    long_id = "x" * 8000
    not_found = await client.get(f"/status/{long_id}", headers=ALICE)
    assert long_id[:100] not in one_sentence(not_found, 404)
    odd_field = await client.post("/generate", json={"story": 5, "y" * 5000: 1}, headers=ALICE)
    assert "y" * 50 not in one_sentence(odd_field, 422)
    broken = await client.post(
        "/generate", content=b"{not json", headers={**ALICE, "Content-Type": "application/json"}
    )
    assert one_sentence(broken, 422) == "The request body is not valid JSON."
    binary = await client.post(
        "/generate", content=b"\x80\x81{}", headers={**ALICE, "Content-Type": "application/json"}
    )
    assert one_sentence(binary, 400) == "The request body is not JSON text (UTF-8)."


async def test_any_key_is_compared_safely(client: httpx.AsyncClient) -> None:
    for key in ("ключ", "alice-kéy", "\x00"):
        for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
            raw = [(name.encode(), value.encode()) for name, value in headers.items()]
            answer = await client.get("/jobs", headers=httpx.Headers(raw))
            assert "API key" in one_sentence(answer, 401)


async def test_last_event_id_is_checked_and_past_the_end_ends(
    client: httpx.AsyncClient, job_queue: JobQueue
) -> None:
    job_id = await submit(client, ALICE)
    for garbage in ("garbage", "1-2-3", "99999999999999999999999-0", "-1-0"):
        answer = await client.get(
            f"/jobs/{job_id}/events", headers={**ALICE, "Last-Event-ID": garbage}
        )
        assert "'last-event-id'" in one_sentence(answer, 422)
    record = await job_queue.get(job_id)
    await job_queue.store.finish(record, JobStatus.CANCELLED, error="cancelled")
    last = await job_queue.publish(job_id, StageEvent(kind="cancelled", message="Cancelled."))

    for after in (last, "9999999999999-0"):  # at the end, and past it
        assert (
            await asyncio.wait_for(events_of(client, job_id, **{"Last-Event-ID": after}), 5) == []
        )
    replay = await events_of(client, job_id, **{"Last-Event-ID": "0-0"})
    assert [event["event"] for event in replay] == ["queued", "cancelled"]


async def test_a_running_job_s_stream_past_the_end_goes_on_from_the_end(
    client: httpx.AsyncClient, job_queue: JobQueue
) -> None:
    job_id = await submit(client, ALICE)

    async def finish_soon() -> None:
        await asyncio.sleep(0.5)
        await job_queue.publish(job_id, StageEvent(kind="cancelled", message="Cancelled."))

    finishing = asyncio.create_task(finish_soon())
    events = await asyncio.wait_for(
        events_of(client, job_id, **{"Last-Event-ID": "9999999999999-0"}), 10
    )
    await finishing
    assert [event["event"] for event in events] == ["cancelled"]


@pytest.fixture
async def api_url(queue_settings: Settings) -> AsyncIterator[str]:
    """The app behind a real uvicorn on a free port: body sizes as a socket delivers them."""
    import uvicorn

    config = uvicorn.Config(create_app(queue_settings), host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    api_url: str, queue_settings: Settings
) -> None:
    limit = body_limit_for(queue_settings.max_story_bytes)
    # Declared too big: refused from the headers alone, before a byte of the body is sent.
    host, port = api_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /generate HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer alice-key\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 413 "), head
    writer.close()

    async with httpx.AsyncClient(base_url=api_url, headers=ALICE) as http:

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"story": "'
            for _ in range(limit // 65536 + 2):
                yield b"a" * 65536
            yield b'"}'

        streamed = await http.post(
            "/generate", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert "limit" in one_sentence(streamed, 413)
        # A story just over its own limit (in bytes) still gets the story's own refusal.
        story = "é" * (queue_settings.max_story_bytes // 2 + 1)
        answer = await http.post("/generate", json={"story": story})
        assert one_sentence(answer, 413).startswith("The story is")


async def test_while_redis_is_away_the_api_answers_503_and_streams_end_with_an_error(
    queue_settings: Settings, own_redis: OwnRedis
) -> None:
    settings = queue_settings.model_copy(update={"redis_url": own_redis.url})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            job_id = await submit(http, ALICE)

            async def follow() -> list[dict]:
                return await events_of(http, job_id)

            following = asyncio.create_task(follow())
            await asyncio.sleep(0.5)  # the stream has sent "queued" and waits for more
            own_redis.kill()
            cut = await asyncio.wait_for(following, 10)

            assert [event["event"] for event in cut] == ["queued", "error"]
            assert "unreachable" in cut[-1]["data"]["detail"]
            for answer in (
                await http.get("/jobs", headers=ALICE),
                await http.get(f"/status/{job_id}", headers=ALICE),
                await http.post("/generate", json={"story": STORY}, headers=BOB),
            ):
                assert "unreachable" in one_sentence(answer, 503)
                assert int(answer.headers["Retry-After"]) > 0

            own_redis.start()
            queue = app.state.queue
            await until_answering(queue.redis)
            await queue.publish(job_id, StageEvent(kind="cancelled", message="Cancelled."))
            resumed = await events_of(http, job_id, **{"Last-Event-ID": cut[0]["id"]})
            assert [event["event"] for event in resumed] == ["cancelled"]
