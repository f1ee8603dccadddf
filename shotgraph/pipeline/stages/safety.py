"""Safety: moderate the story and every shot's picture prompt before any GPU time is spent."""

from __future__ import annotations

from shotgraph.errors import UnsafeContent
from shotgraph.models import ShotPlan, Stage, StoryDigest
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.moderation.protocol import Verdict


async def run_safety(job: JobRun, digest: StoryDigest, plan: ShotPlan) -> None:
    moderator = job.backends.moderator
    if moderator is None:
        return
    with job.stage(Stage.SAFETY, "Checking the story") as progress:
        story_verdict = await job.cached(
            Stage.SAFETY,
            "story",
            job.key(moderator.name, digest.text),
            Verdict,
            lambda: moderator.check(digest.text),
        )
        if not story_verdict.safe:
            raise UnsafeContent(
                f"This story can't be filmed: it was flagged for {story_verdict.describe()}.",
                story_verdict.categories,
            )
        refs = list(plan.shots())
        for position, ref in enumerate(refs, start=1):
            prompt = ref.shot.visual_prompt
            verdict = await job.cached(
                Stage.SAFETY,
                f"prompt-{ref.id}",
                job.key(moderator.name, prompt),
                Verdict,
                lambda prompt=prompt: moderator.check(prompt),
            )
            if not verdict.safe:
                raise UnsafeContent(
                    f"Shot {ref.id} can't be filmed: its picture was flagged for "
                    f"{verdict.describe()}.",
                    verdict.categories,
                )
            progress.update(position / len(refs))
