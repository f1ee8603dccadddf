"""Shared by the rules planner's tests: the example stories, and a whole plan made from one the
way the orchestrator makes it (Step A, Step B, then Step C for every scene)."""

from __future__ import annotations

import re
from pathlib import Path

from shotgraph.intake import clean_story, split_title
from shotgraph.models import CostReport, ShotPlan, StoryDigest, StoryRequest
from shotgraph.pipeline.planning.rules import RulesPlanner

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "stories"


def example(name: str) -> str:
    """An example story as the planner receives it: cleaned, its title line taken off."""
    _, story = split_title(clean_story((EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")))
    return story


async def make_plan(story: str, **fields: object) -> tuple[StoryDigest, ShotPlan]:
    planner = RulesPlanner()
    request = StoryRequest(story=story, **fields)
    digest = await planner.preprocess(request.story, request, CostReport())
    scenes = await planner.scenes(digest, request, CostReport())
    planned = [
        scene.model_copy(
            update={"shots": await planner.shots(scene, digest, request, CostReport())}
        )
        for scene in scenes
    ]
    plan = ShotPlan(
        title="Test",
        style=request.style,
        aspect=request.aspect,
        language=digest.language,
        characters=digest.characters,
        scenes=planned,
    )
    return digest, plan


def narration(plan: ShotPlan) -> str:
    """Everything the plan says, in order, one space between lines."""
    return " ".join(line.text for ref in plan.shots() for line in ref.shot.narration)


def word_characters(text: str) -> str:
    """The letters and digits of a text in order: what must survive planning, whatever the
    spacing (Chinese and Japanese have none between sentences)."""
    return "".join(re.findall(r"\w", text))
