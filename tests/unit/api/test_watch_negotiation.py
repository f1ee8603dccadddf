"""Who gets the watch page and who gets the file from the same link."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from shotgraph.api.pages.negotiation import wants_page


def request_with(**headers: str) -> Request:
    raw = [
        (name.replace("_", "-").lower().encode(), value.encode()) for name, value in headers.items()
    ]
    return Request({"type": "http", "method": "GET", "path": "/v/x", "headers": raw})


@pytest.mark.parametrize(
    ("headers", "page"),
    [
        # Chromium, Firefox and Safari navigating to the link.
        ({"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, True),
        (
            {
                "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "user_agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15",
            },
            True,
        ),
        # curl, wget, players and the bots' own downloads.
        ({"accept": "*/*", "user_agent": "curl/8.5.0"}, False),
        ({}, False),
        ({"accept": "video/mp4"}, False),
        ({"accept": "video/*,text/html;q=0.5"}, False),
        ({"accept": "text/html;q=0"}, False),
        ({"accept": "text/html;q=nonsense"}, False),
        # Link previews want the tags, whatever they accept.
        ({"accept": "*/*", "user_agent": "Mozilla/5.0 (compatible; Discordbot/2.0)"}, True),
        ({"user_agent": "TelegramBot (like TwitterBot)"}, True),
    ],
)
def test_who_gets_the_page(headers: dict[str, str], page: bool) -> None:
    assert wants_page(request_with(**headers)) is page
