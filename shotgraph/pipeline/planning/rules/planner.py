"""The rules planner: Steps A, B and C without a language model, for offline machines."""

from __future__ import annotations

from shotgraph.models import CostReport, Scene, Shot, ShotRef, StoryDigest, StoryRequest
from shotgraph.pipeline.language import detect_language
from shotgraph.pipeline.planning.rules.cast import Cast
from shotgraph.pipeline.planning.rules.characters import find_characters
from shotgraph.pipeline.planning.rules.compression import compress, word_budget
from shotgraph.pipeline.planning.rules.scenes import split_scenes
from shotgraph.pipeline.planning.rules.setting_words import locations_in
from shotgraph.pipeline.planning.rules.shots import plan_shots
from shotgraph.pipeline.planning.rules.text import Sentence, normalise, rebuild, split_sentences

_MAX_LOCATIONS = 12


class RulesPlanner:
    """Plans a film from word lists and film grammar; the same story and seed always give the
    same plan."""

    name = "rules"
    cache_identity = "rules-2"

    async def preprocess(self, story: str, request: StoryRequest, cost: CostReport) -> StoryDigest:
        sentences = split_sentences(normalise(story)) or [Sentence(story.strip(), paragraph=0)]
        findings = find_characters(sentences)
        kept = None
        if request.target_length_s is not None:
            budget = word_budget(request.target_length_s)
            kept = compress(sentences, Cast(findings.characters), budget)
        text = rebuild(kept or sentences)
        # A cut story keeps only the characters and places it still mentions.
        named = Cast(findings.characters).names_in(text)
        places = [place for place in findings.place_names if place in text]
        return StoryDigest(
            text=text,
            language=request.language or detect_language(text),
            characters=[c for c in findings.characters if c.name in named],
            locations=list(dict.fromkeys([*places, *locations_in(text)]))[:_MAX_LOCATIONS],
            compressed=kept is not None,
        )

    async def scenes(
        self, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Scene]:
        return split_scenes(digest)

    async def shots(
        self, scene: Scene, digest: StoryDigest, request: StoryRequest, cost: CostReport
    ) -> list[Shot]:
        return plan_shots(scene, digest, request)

    async def rewrite_visual_prompt(
        self, ref: ShotRef, reason: str, request: StoryRequest, cost: CostReport
    ) -> None:
        """Word lists cannot rewrite a picture safely; the job stops instead."""
        return None
