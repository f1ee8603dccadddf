"""The storyboard through the HTTP API: httpx against the real app, a real Redis and a real
worker. Ask for a storyboard, fetch it, re-roll a shot, rewrite a narration, have an unsafe
edit refused, approve, get the film, retake a shot and list both versions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from shotgraph.api.app import create_app
from shotgraph.config import Settings
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = (
    "The Kite\n\nMara ran up the green hill at dawn with her red kite. The wind was strong.\n\n"
    '"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.'
)
ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"X-API-Key": "bob-key"}


@pytest.fixture
async def client(queue_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(queue_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            yield http


async def wait_for(
    client: httpx.AsyncClient, job_id: str, status: str, timeout_s: float = 90
) -> dict:
    """The job as /status shows it, once it reaches `status`."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        job = (await client.get(f"/status/{job_id}", headers=ALICE)).json()
        if job["status"] == status:
            return job
        assert job["status"] not in {"failed", "cancelled"}, job
        assert asyncio.get_running_loop().time() < deadline, f"still {job['status']}"
        await asyncio.sleep(0.2)


async def keyframes(client: httpx.AsyncClient, job_id: str) -> list[bytes]:
    board = (await client.get(f"/jobs/{job_id}/storyboard", headers=ALICE)).json()
    return [(await client.get(url, headers=ALICE)).content for url in board["keyframe_urls"]]


async def test_the_storyboard_flow_through_the_api(
    client: httpx.AsyncClient,
    queue_settings: Settings,
    start_worker: Callable[[Settings], WorkerProcess],
) -> None:
    start_worker(queue_settings)
    answer = await client.post(
        "/generate", json={"story": STORY, "storyboard": "ask"}, headers=ALICE
    )
    job_id = answer.json()["job_id"]
    assert (await client.post(f"/jobs/{job_id}/approve", headers=ALICE)).status_code in (
        202,
        409,
    )  # too early is refused with 409; a fast worker may already be done drawing
    waiting = await wait_for(client, job_id, "awaiting_approval")
    assert waiting["storyboard"]["panels"]

    # The storyboard: JSON, the sheet and a keyframe per shot as files; not for another key.
    board = (await client.get(f"/jobs/{job_id}/storyboard", headers=ALICE)).json()
    sheet = await client.get(board["sheet_url"], headers=ALICE)
    assert sheet.headers["content-type"] == "image/jpeg"
    assert sheet.content[:3] == b"\xff\xd8\xff"
    before = await keyframes(client, job_id)
    assert all(frame[:4] == b"\x89PNG" for frame in before)
    assert (await client.get(f"/jobs/{job_id}/storyboard", headers=BOB)).status_code == 404
    assert (await client.post(f"/jobs/{job_id}/approve", headers=BOB)).status_code == 404

    # Re-roll shot 2: its keyframe changes, every other one is byte-identical.
    rerolled = await client.post(f"/jobs/{job_id}/shots/2/reroll", headers=ALICE)
    assert rerolled.status_code == 202, rerolled.text
    await wait_for(client, job_id, "awaiting_approval")
    after = await keyframes(client, job_id)
    assert after[1] != before[1]
    assert after[:1] + after[2:] == before[:1] + before[2:]

    # An unsafe edit is refused with its category; the shot keeps its words.
    kept = (await client.get(f"/jobs/{job_id}/storyboard", headers=ALICE)).json()
    refused = await client.patch(
        f"/jobs/{job_id}/shots/1",
        json={"visual_prompt": "A poster with instructions for making a pipe bomb"},
        headers=ALICE,
    )
    assert refused.status_code == 422
    assert refused.json()["categories"] == ["S9"]
    assert "indiscriminate weapons" in refused.json()["detail"]
    assert (await client.get(f"/status/{job_id}", headers=ALICE)).json()["status"] == (
        "awaiting_approval"
    )
    assert (await client.get(f"/jobs/{job_id}/storyboard", headers=ALICE)).json() == kept

    # A new narration for shot 1 is spoken and subtitled.
    words = "High above the hill, the silver wind sang to Mara all morning long."
    edited = await client.patch(f"/jobs/{job_id}/shots/1", json={"narration": words}, headers=ALICE)
    assert edited.status_code == 202, edited.text
    await wait_for(client, job_id, "awaiting_approval")
    board = (await client.get(f"/jobs/{job_id}/storyboard", headers=ALICE)).json()
    assert board["storyboard"]["panels"][0]["narration"] == words
    assert (await client.patch(
        f"/jobs/{job_id}/shots/99", json={"narration": "x"}, headers=ALICE
    )).status_code == 404  # fmt: skip

    approved = await client.post(f"/jobs/{job_id}/approve", headers=ALICE)
    assert approved.status_code == 202
    done = await wait_for(client, job_id, "done")
    srt = (queue_settings.storage_path / done["result"]["files"]["subtitles"]).read_text()
    assert words.split()[0] in srt
    assert "silver wind" in " ".join(srt.split())
    assert (await client.post(f"/jobs/{job_id}/approve", headers=ALICE)).status_code == 409

    # A retake of shot 2 makes version 2; both versions stay downloadable.
    retake = await client.post(f"/jobs/{job_id}/shots/2/retake", headers=ALICE)
    assert retake.status_code == 202, retake.text
    done = await wait_for(client, job_id, "done")
    assert done["versions"] == 2
    versions = (await client.get(f"/jobs/{job_id}/versions", headers=ALICE)).json()
    assert [v["version"] for v in versions] == [1, 2]
    films = []
    for version in versions:
        film = await client.get(version["video_url"], headers=ALICE)
        assert film.status_code == 200
        films.append(film.content)
    assert films[0] != films[1]
    assert (
        versions[1]["result"]["made_shots"]["visuals"][0]
        == versions[1]["result"]["storyboard"]["panels"][1]["shot_id"]
    )
    path = queue_settings.storage_path / versions[1]["result"]["files"]["video"]
    assert probe(path).duration_s > 0
