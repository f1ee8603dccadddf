"""A server's gallery: its public films, newest first, on a page anyone with the link can open.

Moderators turn it on in the server's settings, which then hold a random gallery key. The link
is a token signed over the server id and that key (itsdangerous), so it needs no table of its
own, and turning the gallery off or asking for a new link (a new key) revokes every old link
at once. Films made with "only me" visibility are never put in the index, so never listed.
"""

from __future__ import annotations

import secrets
import time

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel
from redis.asyncio import Redis

from shotgraph.api.links import DownloadLinks, LinkExpired, LinkInvalid, link_secret
from shotgraph.bot.discord_settings import ServerSettingsStore
from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.queue import keys
from shotgraph.queue.records import JobStatus, JobStore

GALLERY_SALT = "shotgraph.gallery"
PAGE_SIZE = 12
# The index keeps a server's newest films; older ones drop out (their records expire anyway).
_INDEX_LIMIT = 1000


class GalleryClosed(LinkExpired):
    """The gallery was turned off, or its link replaced, by the server's moderators."""


class GalleryLinks:
    """Signs and reads gallery links: the server id and its current gallery key."""

    def __init__(self, settings: Settings) -> None:
        self._serializer = URLSafeSerializer(
            link_secret(settings, "Gallery links"), salt=GALLERY_SALT
        )
        self._base = settings.api_public_url.rstrip("/")

    def url_for(self, server_id: str, key: str) -> str:
        return f"{self._base}/g/{self._serializer.dumps([server_id, key])}"

    def read(self, token: str) -> tuple[str, str]:
        try:
            server_id, key = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError) as exc:
            raise LinkInvalid("This gallery link is not valid.") from exc
        return str(server_id), str(key)


class GalleryFilm(BaseModel):
    title: str
    author: str
    length: str
    url: str
    """The film's watch page, signed afresh for whoever opens the gallery."""
    thumbnail_url: str


class GalleryPage(BaseModel):
    number: int
    films: list[GalleryFilm]
    has_next: bool


class Gallery:
    """The index of each server's public films (a sorted set by the time they were asked for)."""

    def __init__(self, redis: Redis, store: JobStore) -> None:
        self.redis = redis
        self.store = store

    async def add(self, server_id: str, job_id: str) -> None:
        key = keys.gallery_films(server_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {job_id: time.time()})
            pipe.zremrangebyrank(key, 0, -_INDEX_LIMIT - 1)
            await pipe.execute()

    async def page(self, settings: Settings, server_id: str, number: int) -> GalleryPage:
        """Page `number` (from 1) of the server's finished public films, newest first; films
        whose records have expired leave the index as they are met."""
        key = keys.gallery_films(server_id)
        ids = [raw.decode() for raw in await self.redis.zrevrange(key, 0, -1)]
        finished = []
        for job_id in ids:
            record = await self.store.get(job_id)
            if record is None:
                await self.redis.zrem(key, job_id)
            elif record.status is JobStatus.DONE and record.result is not None:
                finished.append(record)
        start = (number - 1) * PAGE_SIZE
        links = DownloadLinks(settings)
        films = []
        for record in finished[start : start + PAGE_SIZE]:
            assert record.result is not None
            url = links.url_for(record.job_id)
            films.append(
                GalleryFilm(
                    title=record.result.title,
                    author=record.owner.display_name,
                    length=spell_seconds(record.result.duration_s),
                    url=url,
                    thumbnail_url=f"{url}/thumbnail.jpg",
                )
            )
        return GalleryPage(number=number, films=films, has_next=len(finished) > start + PAGE_SIZE)


async def open_gallery(settings: Settings, redis: Redis, token: str) -> str:
    """The server whose gallery `token` opens; GalleryClosed once its moderators turned the
    gallery off or replaced the link."""
    server_id, key = GalleryLinks(settings).read(token)
    server = await ServerSettingsStore(redis).get(server_id)
    if server.gallery_key is None or not secrets.compare_digest(server.gallery_key, key):
        raise GalleryClosed(
            "This gallery link was turned off or replaced by the server's moderators."
        )
    return server_id
