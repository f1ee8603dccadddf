"""Durations as people read them in chat and in refusals: one way, wherever they appear."""

from __future__ import annotations


def spell_seconds(seconds: float) -> str:
    """`42 s`, `3 min 5 s`, `1 h 2 min`: short enough for a chat line."""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
