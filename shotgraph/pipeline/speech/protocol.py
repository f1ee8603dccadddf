"""The narrator protocol: speech for one shot's lines, written as a WAV file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from shotgraph.models import SpokenLine


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
    """Set when this shot fell back to another backend, with the reason."""


class Narrator(Protocol):
    """Speaks a shot's lines into a mono WAV file and says when each word falls."""

    name: str

    async def speak(
        self, lines: list[SpokenLine], language: str, voice: str | None, out: Path
    ) -> Speech: ...
