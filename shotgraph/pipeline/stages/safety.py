"""Safety: moderate the story and every shot's picture prompt before any GPU time is spent.

An unsafe story stops the job. An unsafe picture prompt gets one rewrite by the planner (the
shot model, for the LLM planner); the rewrite is moderated too, and the job stops when there is
none or it is still unsafe. With LLM_PARALLEL the prompts are checked side by side (at most
LLM_PARALLEL_LIMIT at once): one request each, since a prompt judged inside a batch of others
could slip through.
"""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.errors import UnsafeContent
from shotgraph.models import ShotPlan, ShotRef, Stage, StoryDigest
from shotgraph.pipeline.concurrency import llm_call_limit, map_bounded
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.moderation.protocol import Moderator, Verdict


class PromptRewrite(BaseModel):
    """The planner's safer picture prompt for a refused shot; None when it could not write one."""

    prompt: str | None


async def run_safety(job: JobRun, digest: StoryDigest, plan: ShotPlan) -> ShotPlan:
    """The plan, with any rewritten picture prompts; raises UnsafeContent to stop the job."""
    moderator = job.backends.moderator
    if moderator is None:
        return plan
    with job.stage(Stage.SAFETY, "Checking the story") as progress:
        story_verdict = await _verdict(job, moderator, "story", digest.text)
        if not story_verdict.safe:
            raise UnsafeContent(
                f"This story can't be filmed: it was flagged for {story_verdict.describe()}.",
                story_verdict.categories,
            )
        refs = list(plan.shots())
        done = 0

        async def check(ref: ShotRef) -> str:
            nonlocal done
            prompt = await _safe_prompt(job, moderator, ref)
            done += 1
            progress.update(done / len(refs))
            return prompt

        prompts = await map_bounded(refs, check, llm_call_limit(job.settings))
    rewritten = {
        ref.id: prompt
        for ref, prompt in zip(refs, prompts, strict=True)
        if prompt != ref.shot.visual_prompt
    }
    if not rewritten:
        return plan
    safer = plan.model_copy(deep=True)
    for ref in safer.shots():
        ref.shot.visual_prompt = rewritten.get(ref.id, ref.shot.visual_prompt)
    return safer


async def _verdict(job: JobRun, moderator: Moderator, name: str, text: str) -> Verdict:
    return await job.cached(
        Stage.SAFETY,
        name,
        job.key(moderator.name, text),
        Verdict,
        lambda: moderator.check(text, job.cost),
    )


async def _safe_prompt(job: JobRun, moderator: Moderator, ref: ShotRef) -> str:
    prompt = ref.shot.visual_prompt
    verdict = await _verdict(job, moderator, f"prompt-{ref.id}", prompt)
    if verdict.safe:
        return prompt
    planner = job.backends.planner

    async def rewrite() -> PromptRewrite:
        new = await planner.rewrite_visual_prompt(ref, verdict.describe(), job.request, job.cost)
        return PromptRewrite(prompt=new)

    found = await job.cached(
        Stage.SAFETY,
        f"rewrite-{ref.id}",
        job.key(planner.cache_identity, prompt),
        PromptRewrite,
        rewrite,
    )
    refused = UnsafeContent(
        f"Shot {ref.id} can't be filmed: its picture was flagged for {verdict.describe()}.",
        verdict.categories,
    )
    if found.prompt is None:
        raise refused
    second = await _verdict(job, moderator, f"prompt-{ref.id}-rewrite", found.prompt)
    if not second.safe:
        raise refused
    job.notes.append(
        f"shot {ref.id}: picture prompt rewritten after moderation flagged it for "
        f"{verdict.describe()}"
    )
    return found.prompt
