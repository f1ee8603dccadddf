"""Stage C: plan the shots of every scene and assemble the film's ShotPlan.

Scenes are planned concurrently when LLM_PARALLEL is on (a remote model is the slow part), at
most LLM_PARALLEL_LIMIT at once, but the plan always keeps the story's scene order.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from shotgraph.models import Scene, Shot, ShotPlan, Stage, StoryDigest
from shotgraph.pipeline.job import JobRun


class SceneShots(BaseModel):
    shots: list[Shot]


async def run_shots(job: JobRun, digest: StoryDigest, scenes: list[Scene], title: str) -> ShotPlan:
    planner, request = job.backends.planner, job.request
    limit = asyncio.Semaphore(job.settings.llm_parallel_limit if job.settings.llm_parallel else 1)
    done = 0

    with job.stage(Stage.SHOTS, "Planning the shots") as progress:

        async def plan_scene(scene: Scene) -> Scene:
            nonlocal done
            key = job.key(
                planner.cache_identity, scene, digest.characters, request.style, request.seed
            )

            async def make() -> SceneShots:
                return SceneShots(shots=await planner.shots(scene, digest, request, job.cost))

            async with limit:
                found = await job.cached(
                    Stage.SHOTS, f"scene-{scene.index:03d}", key, SceneShots, make
                )
            done += 1
            progress.update(done / len(scenes), f"Scene {done} of {len(scenes)}")
            return scene.model_copy(update={"shots": found.shots})

        # A task group cancels the other scenes when one fails; its first error is the job's.
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(plan_scene(scene)) for scene in scenes]
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        planned = [task.result() for task in tasks]

    return ShotPlan(
        title=title,
        style=request.style,
        aspect=request.aspect,
        language=digest.language,
        characters=digest.characters,
        scenes=planned,
    )
