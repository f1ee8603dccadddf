"""What TOON and per-stage routing save on LLM planning, measured on the example stories.

Ratios, printed as `name=value` lines at the end:

toon_vs_json_tokens
    Tokens of the shot lists a model writes in Step C, encoded as TOON over the same answers
    encoded as compact JSON (no spaces: the form least favourable to TOON). The answers are the
    rules planner's plans of examples/stories/*.txt, turned into the answer models the LLM
    planner asks for, and counted with the planner's own tokenizer (cl100k_base from
    bpe-openai). Pretty-printed JSON is reported beside it for reference.

planning_routed_vs_single_cost_assumed_prices
    Dollars for one planning run of every example story with the default per-stage routing
    (Step A only above its threshold, Step B on the draft model or the large one, Step C on
    the shot model) over the same tokens all sent to the strongest model
    (LLM_MODEL_SHOT_FINAL). Input tokens are the exact prompts the planner sends (TOON
    contract); output tokens are the plans above in TOON. Step D is left out: it runs only on
    a bad answer. This is arithmetic, not a measurement of a bill: token counts times the
    default price table (assumed list prices, see pipeline/llm/cost.py), so the figure moves
    with those prices.

moderation_share_of_cost_assumed_prices
    Moderation priced on its own: the safety model's dollars (the story and every picture
    prompt, one request each) over all the routed dollars, at the same assumed prices. It is
    not in the ratio above: no single-model setup would moderate with the shot model.

Run with `make bench` or `.venv/bin/python bench/llm_tokens.py`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from shotgraph.config import Settings
from shotgraph.intake import clean_story, split_title
from shotgraph.models import CostReport, Shot, ShotPlan, StoryDigest, StoryRequest
from shotgraph.pipeline.llm.client import ChatMessage, Usage
from shotgraph.pipeline.llm.cost import PriceTable
from shotgraph.pipeline.llm.formats import JsonFormat, ToonFormat
from shotgraph.pipeline.llm.routing import Router
from shotgraph.pipeline.llm.tokens import count_tokens
from shotgraph.pipeline.moderation.llm import guard_messages
from shotgraph.pipeline.planning.llm.answers import (
    DigestAnswer,
    SceneAnswer,
    SceneListAnswer,
    ShotAnswer,
    ShotListAnswer,
    join_names,
)
from shotgraph.pipeline.planning.llm.messages import (
    digest_messages,
    scene_messages,
    shot_messages,
)
from shotgraph.pipeline.planning.rules import RulesPlanner
from shotgraph.pipeline.planning.rules.text import split_sentences

STORIES = Path(__file__).resolve().parent.parent / "examples" / "stories"
TOON, JSON = ToonFormat(), JsonFormat()
# What a Llama Guard model writes back for a safe text ("safe" and an end-of-turn token).
GUARD_ANSWER_TOKENS = 2


@dataclass
class StageTokens:
    """Tokens one planning run sends and receives, per stage and the model routing picks."""

    usage: dict[tuple[str, str], Usage] = field(default_factory=dict)

    def add(self, stage: str, model: str, sent: list[ChatMessage], answered: int) -> None:
        usage = self.usage.setdefault((stage, model), Usage())
        usage.input_tokens += sum(count_tokens(message.content) for message in sent)
        usage.output_tokens += answered


async def rules_plan(story: str) -> tuple[StoryRequest, StoryDigest, ShotPlan]:
    planner, cost = RulesPlanner(), CostReport()
    request = StoryRequest(story=story)
    digest = await planner.preprocess(story, request, cost)
    scenes = await planner.scenes(digest, request, cost)
    planned = [
        scene.model_copy(update={"shots": await planner.shots(scene, digest, request, cost)})
        for scene in scenes
    ]
    return request, digest, ShotPlan(title="bench", scenes=planned)


def shot_answer(shots: list[Shot]) -> ShotListAnswer:
    return ShotListAnswer(shots=[ShotAnswer.of(shot) for shot in shots])


def scene_answer(plan: ShotPlan) -> SceneListAnswer:
    starts, position = [], 1
    for scene in plan.scenes:
        starts.append(position)
        position += len(split_sentences(scene.source_text))
    return SceneListAnswer(
        scenes=[
            SceneAnswer(
                first_sentence=start,
                title=scene.title,
                location=scene.setting.location,
                place=scene.setting.place,
                time_of_day=scene.setting.time_of_day,
                mood=scene.setting.mood,
                characters=join_names(scene.characters),
            )
            for start, scene in zip(starts, plan.scenes, strict=True)
        ]
    )


def count_run(
    router: Router, story: str, request: StoryRequest, digest: StoryDigest, plan: ShotPlan
) -> StageTokens:
    tokens = StageTokens()
    if router.compresses(count_tokens(story)):
        answer = DigestAnswer(
            summary=digest.text,
            characters=[c.model_dump() for c in digest.characters],
            locations=digest.locations,
        )
        sent = digest_messages(TOON, story, len(story.split()) // 2, digest.language)
        tokens.add(
            "preprocess", router.story_compress.model, sent, count_tokens(TOON.encode(answer))
        )
    sent = scene_messages(TOON, split_sentences(digest.text))
    route = router.scenes_for(sum(count_tokens(message.content) for message in sent))
    tokens.add("scenes", route.model, sent, count_tokens(TOON.encode(scene_answer(plan))))
    for scene in plan.scenes:
        sent = shot_messages(TOON, scene, digest, request)
        answered = count_tokens(TOON.encode(shot_answer(scene.shots)))
        tokens.add("shots", router.shot_final.model, sent, answered)
    for text in [digest.text, *(ref.shot.visual_prompt for ref in plan.shots())]:
        tokens.add("safety", router.safety.model, guard_messages(text), GUARD_ANSWER_TOKENS)
    return tokens


async def main() -> None:
    settings = Settings(_env_file=None)
    router, prices = Router.from_settings(settings), PriceTable.from_settings(settings)
    strongest = router.shot_final.model
    toon_total = json_total = pretty_total = 0
    routed = single = moderation = 0.0
    for path in sorted(STORIES.glob("*.txt")):
        _, story = split_title(clean_story(path.read_text(encoding="utf-8")))
        request, digest, plan = await rules_plan(story)
        toon = json = pretty = 0
        for scene in plan.scenes:
            answer = shot_answer(scene.shots)
            toon += count_tokens(TOON.encode(answer))
            json += count_tokens(JSON.encode(answer))
            pretty += count_tokens(answer.model_dump_json(indent=2))
        run = count_run(router, story, request, digest, plan)
        planning = {key: use for key, use in run.usage.items() if key[0] != "safety"}
        story_routed = sum(prices.dollars(model, use) for (_, model), use in planning.items())
        story_single = sum(prices.dollars(strongest, use) for use in planning.values())
        story_moderation = sum(
            prices.dollars(model, use)
            for (stage, model), use in run.usage.items()
            if stage == "safety"
        )
        print(
            f"{path.name}: {plan.shot_count} shots; Step C output {toon} TOON / {json} JSON "
            f"/ {pretty} pretty JSON tokens; planning ${story_routed:.5f} routed / "
            f"${story_single:.5f} single-model, moderation ${story_moderation:.5f} "
            "(assumed prices)"
        )
        for (stage, model), use in run.usage.items():
            print(f"  {stage:<10} {model}: {use.input_tokens} in, {use.output_tokens} out")
        toon_total, json_total, pretty_total = (
            toon_total + toon,
            json_total + json,
            pretty_total + pretty,
        )
        routed, single = routed + story_routed, single + story_single
        moderation += story_moderation
    print(f"toon_vs_pretty_json_tokens={toon_total / pretty_total:.3f}")
    print(f"toon_vs_json_tokens={toon_total / json_total:.3f}")
    print(f"planning_routed_vs_single_cost_assumed_prices={routed / single:.3f}")
    print(f"moderation_share_of_cost_assumed_prices={moderation / (routed + moderation):.3f}")


if __name__ == "__main__":
    asyncio.run(main())
