"""The narrator protocol: speech for one shot's lines, written as a WAV file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from shotgraph.models import SpokenLine
from shotgraph.pipeline.speech.casting import Casting


class WordTiming(BaseModel):
    """When a word is heard, in seconds from the start of the shot's speech."""

    text: str
    start_s: float
    end_s: float


class Speech(BaseModel):
    """One shot's spoken audio, as the narration stage stores it beside the WAV."""

    duration_s: float
    sample_rate: int
    words: list[WordTiming] = Field(default_factory=list)
    voice: str = ""
    backend: str = ""
    note: str | None = None
    """Set when a wish could not be met (a voice, or the backend itself), with the reason."""


class SpeechUnavailable(Exception):
    """An online voice failed for a reason of its own (refused, cut off, silent, timed out).

    Not a user's error: the shot is tried again, then spoken by the offline voice.
    """

    def __init__(self, reason: str, *, blocked: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.blocked = blocked
        """The service asked us to stop for a while (HTTP 429): retrying now only adds to it."""


class Narrator(Protocol):
    """Speaks a shot's lines into a mono WAV file and says when each word falls.

    `voice` is the request's wish for the narrator; `casting` gives the characters with a part
    their own voices (without one, every line is read in the narrator's voice).
    """

    name: str

    async def speak(
        self,
        lines: list[SpokenLine],
        language: str,
        voice: str | None,
        out: Path,
        casting: Casting | None = None,
    ) -> Speech: ...
