"""Stage B: split the story into scenes, each with a setting, a mood and its characters."""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.models import Scene, Stage, StoryDigest
from shotgraph.pipeline.job import JobRun


class SceneList(BaseModel):
    scenes: list[Scene]


async def run_scenes(job: JobRun, digest: StoryDigest) -> list[Scene]:
    planner, request = job.backends.planner, job.request
    key = job.key(planner.cache_identity, digest, request.style, request.seed)

    async def make() -> SceneList:
        return SceneList(scenes=await planner.scenes(digest, request, job.cost))

    with job.stage(Stage.SCENES, "Finding the scenes"):
        found = await job.cached(Stage.SCENES, "scenes", key, SceneList, make)
    return found.scenes
