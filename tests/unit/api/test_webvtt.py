"""SRT into WebVTT for the page's <track>."""

from __future__ import annotations

from shotgraph.api.pages.webvtt import srt_to_webvtt

SRT = (
    "\ufeff1\r\n00:00:03,350 --> 00:00:06,623\r\nMara ran up the green hill,\r\n"
    "at dawn.\r\n\r\n2\r\n01:02:07,183 --> 01:02:09,539\r\nThe wind, 3,5 times stronger.\r\n"
)


def test_timings_take_a_dot_and_the_text_keeps_its_commas() -> None:
    assert srt_to_webvtt(SRT) == (
        "WEBVTT\n\n"
        "1\n00:00:03.350 --> 00:00:06.623\nMara ran up the green hill,\nat dawn.\n\n"
        "2\n01:02:07.183 --> 01:02:09.539\nThe wind, 3,5 times stronger.\n"
    )


def test_a_film_with_nothing_said_has_an_empty_track() -> None:
    assert srt_to_webvtt("") == "WEBVTT\n\n\n"
