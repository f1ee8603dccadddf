"""Stage A: clean the story, find who is in it and where, compress it when it is long."""

from __future__ import annotations

from shotgraph.models import Stage, StoryDigest
from shotgraph.pipeline.job import JobRun


async def run_preprocess(job: JobRun, story: str) -> StoryDigest:
    planner, request = job.backends.planner, job.request
    key = job.key(
        planner.cache_identity, story, request.target_length_s, request.language, request.seed
    )
    with job.stage(Stage.PREPROCESS, "Reading the story"):
        return await job.cached(
            Stage.PREPROCESS,
            "digest",
            key,
            StoryDigest,
            lambda: planner.preprocess(story, request, job.cost),
        )
