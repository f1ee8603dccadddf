"""The film's SRT subtitles as WebVTT, the only format a `<track>` element reads."""

from __future__ import annotations

import re

# `00:00:03,350 --> 00:00:06,623`: SRT separates milliseconds with a comma, WebVTT with a dot.
_TIMING = re.compile(r"^(\d{2}:\d{2}:\d{2}),(\d{3}) --> (\d{2}:\d{2}:\d{2}),(\d{3})", re.MULTILINE)


def srt_to_webvtt(srt: str) -> str:
    body = _TIMING.sub(r"\1.\2 --> \3.\4", srt.replace("\r\n", "\n").lstrip("\ufeff"))
    return f"WEBVTT\n\n{body.strip()}\n"
