"""The FastAPI app: `create_app(settings)` wires the queue, the routes and the error answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shotgraph import __version__
from shotgraph.api import errors
from shotgraph.api.body_limit import BodyLimit, body_limit_for
from shotgraph.api.dependencies import api_key_names
from shotgraph.api.routes import files, health, jobs, storyboard
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.storyboard import Storyboards
from shotgraph.storage import open_storage


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.queue = await JobQueue.connect(settings)
        app.state.storyboards = Storyboards.from_queue(app.state.queue)
        try:
            yield
        finally:
            await app.state.queue.close()

    app = FastAPI(
        title="ShotGraph",
        version=__version__,
        summary="Turn a written story into a narrated, scored, subtitled MP4.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.storage = open_storage(settings)
    app.state.api_keys = api_key_names(settings)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=body_limit_for(settings.max_story_bytes))
    for module in (health, jobs, files, storyboard):
        app.include_router(module.router)
    return app
