"""A server's gallery page: its public films newest first, paged, behind a signed link that
the server's moderators can revoke."""

from __future__ import annotations

import re

import pytest

from shotgraph.api.pages.gallery import PAGE_SIZE, Gallery, GalleryLinks
from shotgraph.bot.discord_settings import ServerSettingsChange, ServerSettingsStore
from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from tests.helpers.results import job_result
from tests.helpers.watch_page import open_in_browser

SERVER = "2002"


async def gallery_on(queue: JobQueue, change: str = "on") -> str:
    """Turn the gallery on (or renew it) as `/shotgraph settings` does; its URL."""
    servers = ServerSettingsStore(queue.redis)
    server = ServerSettingsChange(gallery=change).apply(await servers.get(SERVER))
    await servers.save(SERVER, server)
    assert server.gallery_key is not None
    return GalleryLinks(queue.settings).url_for(SERVER, server.gallery_key)


async def a_film(queue: JobQueue, number: int, status: JobStatus = JobStatus.DONE) -> JobRecord:
    owner = Owner(
        platform="discord", user_id=f"{number}", server_id=SERVER, display_name=f"U{number}"
    )
    record = JobRecord(
        job_id=f"film{number:03d}",
        owner=owner,
        request=StoryRequest(story="Mara ran up the hill."),
        title=f"Film {number}",
    )
    await queue.store.create(record)
    if status is JobStatus.DONE:
        result = job_result(record.job_id, title=f"Film {number}", duration_s=65.0)
        await queue.store.finish(record, status, result=result)
    return record


def titles(html: str) -> list[str]:
    return re.findall(r'<p class="name"><a href="[^"]+">([^<]+)</a></p>', html)


async def test_public_films_newest_first_in_pages(
    job_queue: JobQueue, queue_settings: Settings
) -> None:
    url = await gallery_on(job_queue)
    gallery = Gallery(job_queue.redis, job_queue.store)
    for number in range(1, PAGE_SIZE + 3):
        await a_film(job_queue, number)
        await gallery.add(SERVER, f"film{number:03d}")
    await a_film(job_queue, 99, JobStatus.RUNNING)  # listed, but not finished yet
    await gallery.add(SERVER, "film099")
    await gallery.add(SERVER, "gone")  # its record expired

    first = await open_in_browser(queue_settings, url)
    assert titles(first) == [f"Film {n}" for n in range(PAGE_SIZE + 2, 2, -1)]
    assert "by U14" in first
    assert "1 min 5 s" in first
    assert "?page=2" in first
    second = await open_in_browser(queue_settings, f"{url}?page=2")
    assert titles(second) == ["Film 2", "Film 1"]
    assert "?page=3" not in second
    assert "?page=1" in second
    assert await job_queue.redis.zscore(keys.gallery_films(SERVER), "gone") is None
    # Each film links to its own watch page, signed afresh.
    links = re.findall(r'<p class="name"><a href="([^"]+)">', second)
    assert all(link.startswith(f"{queue_settings.api_public_url}/v/") for link in links)


async def test_a_renewed_or_closed_gallery_stops_its_old_links(
    job_queue: JobQueue, queue_settings: Settings
) -> None:
    old = await gallery_on(job_queue)
    assert await gallery_on(job_queue, "on") == old  # turning it on again keeps the link
    new = await gallery_on(job_queue, "new_link")
    assert new != old
    assert "This gallery is closed" in await open_in_browser(queue_settings, old, status=410)
    assert "No public films yet" in await open_in_browser(queue_settings, new)

    servers = ServerSettingsStore(job_queue.redis)
    await servers.save(SERVER, ServerSettingsChange(gallery="off").apply(await servers.get(SERVER)))
    assert "This gallery is closed" in await open_in_browser(queue_settings, new, status=410)


@pytest.mark.parametrize("token", ["nonsense", "WyIyMDAyIiwiYWJjIl0.forged"])
async def test_a_forged_gallery_link_is_refused(
    job_queue: JobQueue, queue_settings: Settings, token: str
) -> None:
    await gallery_on(job_queue)
    url = f"{queue_settings.api_public_url}/g/{token}"
    assert "This link is not valid" in await open_in_browser(queue_settings, url, status=403)
