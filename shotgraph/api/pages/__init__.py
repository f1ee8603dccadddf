"""The film's watch page and the server galleries: server-rendered Jinja2 templates and one
stylesheet, no front-end build step. `install(app)` adds their routes and static files."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from shotgraph.api.pages.routes import STATIC_DIR, router
from shotgraph.api.pages.stills import StillMaker


def install(app: FastAPI) -> None:
    app.state.stills = StillMaker()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
