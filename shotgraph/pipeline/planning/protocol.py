"""The planner protocol: one implementation per backend (rules offline, LLM online)."""

from __future__ import annotations

from typing import Protocol

from shotgraph.models import Scene, Shot, StoryDigest, StoryRequest


class Planner(Protocol):
    """Plans a film in the three steps the orchestrator runs and caches one by one."""

    name: str

    async def preprocess(self, story: str, request: StoryRequest) -> StoryDigest:
        """Step A: clean text, characters and places, compressed when the story is long."""
        ...

    async def scenes(self, digest: StoryDigest, request: StoryRequest) -> list[Scene]:
        """Step B: split into scenes with setting, mood and characters; `shots` left empty."""
        ...

    async def shots(self, scene: Scene, digest: StoryDigest, request: StoryRequest) -> list[Shot]:
        """Step C: the shots of one scene, with narration covering the scene's text."""
        ...
