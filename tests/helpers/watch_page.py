"""Opening a link the bots posted as a browser would, through the real API app: the fakes do
not unfurl links, so the tests read the watch page's preview tags themselves."""

from __future__ import annotations

import httpx

from shotgraph.api.app import create_app
from shotgraph.config import Settings

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
}


async def open_in_browser(settings: Settings, url: str, status: int = 200) -> str:
    """The HTML a browser gets from `url` (a link under API_PUBLIC_URL), answered with
    `status`."""
    assert url.startswith(settings.api_public_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.api_public_url) as http:
            answer = await http.get(url, headers=BROWSER_HEADERS)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text
