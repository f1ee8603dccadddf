"""The planner protocol: one implementation per backend (rules offline, LLM online)."""

from __future__ import annotations

from typing import Protocol

from shotgraph.models import CostReport, Scene, Shot, ShotRef, StoryDigest, StoryRequest


class Planner(Protocol):
    """Plans a film in the three steps the orchestrator runs and caches one by one.

    Every step takes the job's CostReport, where a backend that calls a paid model records it.
    """

    name: str
    cache_identity: str
    """The planner and the settings that shape its answers: part of every plan's cache key,
    so a different model or output format plans again instead of reusing old plans."""

    async def preprocess(self, story: str, request: StoryRequest, cost: CostReport) -> StoryDigest:
        """Step A: clean text, characters and places, compressed when the story is long."""
        ...

    async def scenes(
        self, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Scene]:
        """Step B: split into scenes with setting, mood and characters; `shots` left empty."""
        ...

    async def shots(
        self, scene: Scene, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Shot]:
        """Step C: the shots of one scene, with narration covering the scene's text."""
        ...

    async def rewrite_visual_prompt(
        self, ref: ShotRef, reason: str, request: StoryRequest, cost: CostReport
    ) -> str | None:
        """A picture prompt for the same moment without what moderation refused (`reason`),
        or None when this backend cannot write one."""
        ...
