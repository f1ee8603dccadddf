"""The real API app in process, reached with httpx; and opening a link the bots posted as a
browser would (the fakes do not unfurl links, so the tests read the watch page themselves)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from shotgraph.api.app import create_app
from shotgraph.config import Settings

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
}


@asynccontextmanager
async def api_client(
    settings: Settings, base_url: str = "http://api"
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to `create_app(settings)`, its lifespan (Redis) started."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield http


async def open_in_browser(settings: Settings, url: str, status: int = 200) -> str:
    """The HTML a browser gets from `url` (a link under API_PUBLIC_URL), answered with
    `status`."""
    assert url.startswith(settings.api_public_url)
    async with api_client(settings, settings.api_public_url) as http:
        answer = await http.get(url, headers=BROWSER_HEADERS)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text
