"""The LLM planner: Step A (compress), Step B (scenes) and Step C (shots) by routed models.

Each step renders its prompt from `shotgraph/prompts/`, asks through the StructuredCaller (which
repairs or retries a bad answer) and turns the answer into the domain models. What a model
cannot be trusted with stays in code: sentence numbering and slicing of the scenes' text, and
the offline reading of short stories, which need no compressing.
"""

from __future__ import annotations

import logging

from shotgraph.config import Settings
from shotgraph.models import (
    CostReport,
    Scene,
    Shot,
    ShotRef,
    StoryDigest,
    StoryRequest,
    fingerprint,
)
from shotgraph.pipeline.llm.calls import ModelCaller
from shotgraph.pipeline.llm.formats import output_format
from shotgraph.pipeline.llm.routing import Router
from shotgraph.pipeline.llm.structured import StructuredCaller
from shotgraph.pipeline.llm.tokens import count_tokens
from shotgraph.pipeline.planning.llm.answers import (
    DigestAnswer,
    PromptRewriteAnswer,
    SceneListAnswer,
    ShotListAnswer,
)
from shotgraph.pipeline.planning.llm.messages import (
    digest_messages,
    rewrite_messages,
    scene_messages,
    shot_messages,
)
from shotgraph.pipeline.planning.rules import RulesPlanner
from shotgraph.pipeline.planning.rules.compression import word_budget
from shotgraph.pipeline.planning.rules.kinds import with_kinds
from shotgraph.pipeline.planning.rules.scenes import detail_settings
from shotgraph.pipeline.planning.rules.shots import things_named
from shotgraph.pipeline.planning.rules.text import (
    Sentence,
    normalise,
    rebuild,
    split_sentences,
    word_count,
)

log = logging.getLogger(__name__)

# Without a target length, Step A keeps about this share of the story.
_DEFAULT_KEEP = 0.5


class LlmPlanner:
    """Plans with language models; reads short stories offline (Step A is skipped for them)."""

    name = "llm"

    def __init__(
        self,
        asker: StructuredCaller,
        router: Router,
        offline: RulesPlanner,
        cache_identity: str = "llm",
    ) -> None:
        self.asker = asker
        self.router = router
        self.offline = offline
        self.cache_identity = cache_identity

    @classmethod
    def from_settings(cls, settings: Settings, caller: ModelCaller) -> LlmPlanner:
        router = Router.from_settings(settings)
        output = output_format(settings.use_toon_format)
        shaping = settings.cache_inputs("llm_model", "llm_skip_", "llm_use_", "use_toon_")
        return cls(
            StructuredCaller(caller, output, router.json_repair),
            router,
            RulesPlanner(),
            cache_identity=f"llm-{fingerprint(shaping)[:16]}",
        )

    async def preprocess(self, story: str, request: StoryRequest, cost: CostReport) -> StoryDigest:
        tokens = count_tokens(story)
        if not self.router.compresses(tokens):
            log.info("llm preprocess: %d tokens, under the threshold; no compression", tokens)
            return await self.offline.preprocess(story, request, cost)
        text = normalise(story)
        keep = word_count(text) * _DEFAULT_KEEP
        words = word_budget(request.target_length_s) if request.target_length_s else keep
        language = request.language or "en"
        messages = digest_messages(self.asker.output, text, round(words), language)
        answer = await self.asker.ask(self.router.story_compress, messages, DigestAnswer, cost)
        return StoryDigest(
            text=normalise(answer.summary),
            language=language,
            # The model describes each character; their kind (fox, robot) is read from that.
            characters=with_kinds(answer.cast(), [answer.summary]),
            locations=answer.locations,
            compressed=True,
        )

    async def scenes(
        self, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Scene]:
        sentences = split_sentences(digest.text) or [Sentence(digest.text, paragraph=0)]
        messages = scene_messages(self.asker.output, sentences)
        input_tokens = sum(count_tokens(message.content) for message in messages)
        route = self.router.scenes_for(input_tokens)
        log.info("llm scenes: %d input tokens, routed to %s", input_tokens, route.model)
        answer = await self.asker.ask(route, messages, SceneListAnswer, cost)
        return detail_settings(_cut_scenes(answer, sentences), digest.text)

    async def shots(
        self, scene: Scene, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Shot]:
        messages = shot_messages(self.asker.output, scene, digest, request)
        answer = await self.asker.ask(self.router.shot_final, messages, ShotListAnswer, cost)
        shots = [shot.shot(index) for index, shot in enumerate(answer.shots)]
        # The things each shot shows, read from its words as the rules planner reads them.
        return [
            shot.model_copy(
                update={"props": things_named(f"{shot.narration_text} {shot.visual_prompt}")}
            )
            for shot in shots
        ]

    async def rewrite_visual_prompt(
        self, ref: ShotRef, reason: str, request: StoryRequest, cost: CostReport
    ) -> str:
        messages = rewrite_messages(self.asker.output, ref, reason, request)
        answer = await self.asker.ask(self.router.shot_final, messages, PromptRewriteAnswer, cost)
        return answer.visual_prompt


def _cut_scenes(answer: SceneListAnswer, sentences: list[Sentence]) -> list[Scene]:
    """Scenes from the model's first-sentence numbers, cut from our own sentences: a model's
    numbers are clamped, sorted and de-duplicated, and the first scene always starts at 1, so
    every sentence lands in exactly one scene whatever the model wrote."""
    starts: dict[int, int] = {}
    for position, draft in enumerate(answer.scenes):
        start = 0 if position == 0 else min(draft.first_sentence, len(sentences)) - 1
        starts.setdefault(start, position)
    ordered = sorted(starts)
    ends = [*ordered[1:], len(sentences)]
    return [
        answer.scenes[starts[start]].scene(index, rebuild(sentences[start:end]))
        for index, (start, end) in enumerate(zip(ordered, ends, strict=True))
    ]
