"""Stage C: plan the shots of every scene and assemble the film's ShotPlan.

Scenes are planned concurrently when LLM_PARALLEL is on (a remote model is the slow part), at
most LLM_PARALLEL_LIMIT at once, but the plan always keeps the story's scene order.
"""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.models import Scene, Shot, ShotPlan, Stage, StoryDigest
from shotgraph.pipeline.concurrency import llm_call_limit, map_bounded
from shotgraph.pipeline.job import JobRun


class SceneShots(BaseModel):
    shots: list[Shot]


async def run_shots(job: JobRun, digest: StoryDigest, scenes: list[Scene], title: str) -> ShotPlan:
    planner, request = job.backends.planner, job.request
    done = 0

    with job.stage(Stage.SHOTS, "Planning the shots") as progress:

        async def plan_scene(scene: Scene) -> Scene:
            nonlocal done
            key = job.key(
                planner.cache_identity, scene, digest.characters, request.style, request.seed
            )

            async def make() -> SceneShots:
                return SceneShots(shots=await planner.shots(scene, digest, request, job.cost))

            found = await job.cached(Stage.SHOTS, f"scene-{scene.index:03d}", key, SceneShots, make)
            done += 1
            progress.update(done / len(scenes), f"Scene {done} of {len(scenes)}")
            return scene.model_copy(update={"shots": found.shots})

        planned = await map_bounded(scenes, plan_scene, llm_call_limit(job.settings))

    return ShotPlan(
        title=title,
        style=request.style,
        aspect=request.aspect,
        language=digest.language,
        characters=digest.characters,
        scenes=planned,
    )
