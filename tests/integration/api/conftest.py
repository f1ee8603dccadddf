"""A finished film behind a signed link: a real render on the offline backends, recorded in
Redis as done, as the worker would leave it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shotgraph.api.links import DownloadLinks
from shotgraph.config import Resolution, Settings
from shotgraph.models import JobResult, StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner

FILM_STORY = """The Kite

Mara ran up the green hill at dawn with her red kite. The wind was strong and cold.

"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.

That night the storm came to the village. Tom watched the rain from the kitchen window.
"""


@dataclass
class SharedFilm:
    record: JobRecord
    result: JobResult
    url: str
    """The signed link a bot would post: the watch page."""

    @property
    def token(self) -> str:
        return self.url.rsplit("/", 1)[1]

    @property
    def path(self) -> str:
        return f"/v/{self.token}"


async def finish_a_film(queue: JobQueue, settings: Settings) -> SharedFilm:
    """Queue a story, render it in this process and record it as done."""
    owner = Owner(platform="discord", user_id="1001", server_id="2002", display_name="Alice")
    record = await queue.submit(StoryRequest(story=FILM_STORY, seed=3), owner)
    result = await Orchestrator(settings).run(record.request, None, job_id=record.job_id)
    await queue.store.finish(record, JobStatus.DONE, result=result)
    done = await queue.get(record.job_id)
    return SharedFilm(done, result, DownloadLinks(settings).url_for(record.job_id))


@pytest.fixture
def film_settings(queue_settings: Settings) -> Settings:
    """Big enough to look at in a screenshot, small enough to render in a few seconds."""
    return queue_settings.model_copy(
        update={"video_resolution": Resolution(width=480, height=270), "video_fps": 12}
    )
