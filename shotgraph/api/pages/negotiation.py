"""Who gets the watch page and who gets the file, from the same link.

A browser asks for `text/html` ahead of everything else and gets the page; `curl`, download
managers and players send `*/*` (or ask for video) and get the MP4, as the link always gave.
Link-preview crawlers get the page too, whatever they accept, because the page's OpenGraph tags
are what they came for.
"""

from __future__ import annotations

from fastapi import Request

# User agents of the crawlers that unfurl links in chats and social sites.
_PREVIEW_CRAWLERS = (
    "discordbot",
    "telegrambot",
    "twitterbot",
    "slackbot",
    "facebookexternalhit",
    "whatsapp",
    "linkedinbot",
)


def wants_page(request: Request) -> bool:
    agent = request.headers.get("user-agent", "").lower()
    if any(crawler in agent for crawler in _PREVIEW_CRAWLERS):
        return True
    accepted = _parse_accept(request.headers.get("accept", "*/*"))
    html = _quality(accepted, "text", "html")
    return html > 0 and html > _quality(accepted, "video", "mp4")


def _parse_accept(header: str) -> list[tuple[str, str, float]]:
    """`Accept` as (type, subtype, q) triples; a malformed q counts as 0, as RFC 9110 allows."""
    parsed = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, _, subtype = media.lower().partition("/")
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind:
            parsed.append((kind, subtype or "*", quality))
    return parsed


def _quality(accepted: list[tuple[str, str, float]], kind: str, subtype: str) -> float:
    """The q of the most specific entry that matches `kind/subtype` (0 when none does)."""
    best, best_specificity = 0.0, -1
    for entry_kind, entry_subtype, quality in accepted:
        if entry_kind not in (kind, "*") or entry_subtype not in (subtype, "*"):
            continue
        specificity = (entry_kind != "*") + (entry_subtype != "*")
        if specificity > best_specificity:
            best, best_specificity = quality, specificity
    return best
