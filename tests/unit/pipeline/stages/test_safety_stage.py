"""The safety stage with the LLM moderator: an unsafe story stops the job before any GPU
stage, and an unsafe picture prompt is rewritten once by the shot model, or the job stops."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.errors import UnsafeContent
from shotgraph.intake import clean_story
from shotgraph.models import ShotPlan, StageEvent, StoryDigest, StoryRequest
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.llm.formats import ToonFormat
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.planning.llm.answers import PromptRewriteAnswer
from shotgraph.pipeline.planning.rules import RulesPlanner
from shotgraph.pipeline.stages.safety import run_safety
from tests.fakes.llm_server import FakeLlmServer, Reply, Script, SeenRequest
from tests.unit.pipeline.planning.planning_helpers import make_plan

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "stories"
FOX = clean_story((EXAMPLES / "the-fox-and-the-lantern.txt").read_text(encoding="utf-8"))
SAFER = "a fox and a badger walk through a snowy birch wood with a lantern, storybook style"


@pytest.fixture
def guarded(llm_settings: Settings) -> Settings:
    """LLM planning and the LLM moderator, both at the fake server."""
    return llm_settings.model_copy(update={"safety_backend": "llm"})


def guard(settings: Settings, unsafe: Callable[[str], bool], rewrite: str = SAFER) -> Script:
    """The safety model flags what `unsafe` says; the shot model rewrites to `rewrite`."""

    def answer(request: SeenRequest) -> Reply:
        if request.model == settings.llm_safety_model:
            content = request.user.split("User:", 1)[1].split("<END CONVERSATION>")[0]
            return Reply("unsafe\nS1" if unsafe(content.strip()) else "safe")
        if request.model == settings.llm_model_shot_final:
            return Reply(ToonFormat().encode(PromptRewriteAnswer(visual_prompt=rewrite)))
        raise AssertionError(f"unexpected model {request.model}")

    return answer


async def test_an_unsafe_story_stops_before_any_gpu_stage(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = guard(guarded, lambda text: "lantern" in text)
    # Plan with rules, so that only the moderator talks to the model.
    backends = replace(build_backends(guarded), planner=RulesPlanner())
    events: list[StageEvent] = []

    with pytest.raises(UnsafeContent) as stopped:
        await Orchestrator(guarded, backends).run(StoryRequest(story=FOX), events.append)

    assert "violent crimes" in str(stopped.value)
    assert stopped.value.categories == ["S1"]
    started = [event.stage for event in events if event.kind == "stage_started"]
    assert started[-1] == "safety"
    assert not {"narration", "visuals", "music", "compose"} & set(started)
    assert llm_server.models() == [guarded.llm_safety_model]


async def rules_planned_job(settings: Settings) -> tuple[JobRun, StoryDigest, ShotPlan]:
    """A job with the LLM planner and moderator, and a plan made offline to moderate."""
    orchestrator = Orchestrator(settings)
    job = orchestrator._start(StoryRequest(story=FOX), None, None)
    digest, plan = await make_plan(FOX)
    return job, digest, plan


async def test_an_unsafe_shot_prompt_is_rewritten_by_the_shot_model(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    job, digest, plan = await rules_planned_job(guarded)
    target = next(plan.shots())
    llm_server.script = guard(guarded, lambda text: text == target.shot.visual_prompt)

    safer = await run_safety(job, digest, plan)

    assert next(safer.shots()).shot.visual_prompt == SAFER
    others = [ref.shot.visual_prompt for ref in list(safer.shots())[1:]]
    assert others == [ref.shot.visual_prompt for ref in list(plan.shots())[1:]]
    assert llm_server.models().count(guarded.llm_model_shot_final) == 1
    assert any(target.id in note and "rewritten" in note for note in job.notes)


async def test_a_rewrite_that_is_still_unsafe_stops_the_job(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    job, digest, plan = await rules_planned_job(guarded)
    target = next(plan.shots())
    llm_server.script = guard(
        guarded, lambda text: text == target.shot.visual_prompt, rewrite=target.shot.visual_prompt
    )

    with pytest.raises(UnsafeContent, match=target.id):
        await run_safety(job, digest, plan)

    assert llm_server.models().count(guarded.llm_model_shot_final) == 1


async def test_the_rules_planner_cannot_rewrite_so_the_job_stops(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    backends = replace(build_backends(guarded), planner=RulesPlanner())
    orchestrator = Orchestrator(guarded, backends)
    job = orchestrator._start(StoryRequest(story=FOX), None, None)
    digest, plan = await make_plan(FOX)
    target = next(plan.shots())
    llm_server.script = guard(guarded, lambda text: text == target.shot.visual_prompt)

    with pytest.raises(UnsafeContent, match="violent crimes"):
        await run_safety(job, digest, plan)

    assert guarded.llm_model_shot_final not in llm_server.models()


def slow_guard(settings: Settings, unsafe: Callable[[str], bool]) -> Script:
    """`guard`, with every safety answer taking a while, so overlapping requests show."""
    answer = guard(settings, unsafe)

    def slow(request: SeenRequest) -> Reply:
        reply = answer(request)
        return replace(reply, delay_s=0.05) if request.model == settings.llm_safety_model else reply

    return slow


async def test_with_llm_parallel_the_prompts_are_checked_side_by_side_in_order(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    parallel = guarded.model_copy(update={"llm_parallel": True, "llm_parallel_limit": 3})
    job, digest, plan = await rules_planned_job(parallel)
    refs = list(plan.shots())
    target = refs[len(refs) // 2]
    llm_server.script = slow_guard(parallel, lambda text: text == target.shot.visual_prompt)

    safer = await run_safety(job, digest, plan)

    assert llm_server.max_in_flight == 3
    prompts = [ref.shot.visual_prompt for ref in safer.shots()]
    expected = [SAFER if ref.id == target.id else ref.shot.visual_prompt for ref in refs]
    assert prompts == expected
    # The story, every prompt once, and the rewrite.
    assert llm_server.models().count(parallel.llm_safety_model) == len(refs) + 2


async def test_an_unsafe_prompt_checked_in_parallel_stops_the_job_with_its_own_message(
    guarded: Settings, llm_server: FakeLlmServer
) -> None:
    parallel = guarded.model_copy(update={"llm_parallel": True, "llm_parallel_limit": 4})
    backends = replace(build_backends(parallel), planner=RulesPlanner())
    job = Orchestrator(parallel, backends)._start(StoryRequest(story=FOX), None, None)
    digest, plan = await make_plan(FOX)
    target = list(plan.shots())[1]
    llm_server.script = slow_guard(parallel, lambda text: text == target.shot.visual_prompt)

    with pytest.raises(UnsafeContent, match=f"Shot {target.id} can't be filmed"):
        await run_safety(job, digest, plan)
