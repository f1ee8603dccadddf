"""Per-stage model routing: which model each planning step and the safety check call.

Cheap models do the easy steps (compressing, drafting scenes, repairing JSON) and the strongest
one writes the shots, which is where a film's quality is decided.
"""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.models import Stage

# Step D runs under its own name in the cost report; the other steps use their stage's name.
REPAIR_STAGE = "repair"


class Route(BaseModel):
    """The model a step calls, and the one it falls back to after repeated failure."""

    stage: str
    model: str
    fallback: str | None = None

    def models(self) -> list[str]:
        return [self.model] if self.fallback in (None, self.model) else [self.model, self.fallback]


class Router(BaseModel):
    """The routing table from settings, with the two token thresholds that change a route."""

    story_compress: Route
    scene_draft: Route
    scene_draft_large: Route
    shot_final: Route
    json_repair: Route
    safety: Route
    skip_summarization_below: int
    large_context_above: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Router:
        general = settings.llm_model
        return cls(
            story_compress=Route(
                stage=Stage.PREPROCESS,
                model=settings.llm_model_story_compress,
                fallback=settings.llm_model_story_compress_fallback,
            ),
            scene_draft=Route(
                stage=Stage.SCENES, model=settings.llm_model_scene_draft, fallback=general
            ),
            scene_draft_large=Route(
                stage=Stage.SCENES, model=settings.llm_model_scene_draft_large, fallback=general
            ),
            shot_final=Route(
                stage=Stage.SHOTS,
                model=settings.llm_model_shot_final,
                fallback=settings.llm_model_shot_final_fallback,
            ),
            json_repair=Route(
                stage=REPAIR_STAGE, model=settings.llm_model_json_repair, fallback=general
            ),
            # A general chat model is no stand-in for a moderation model: no fallback.
            safety=Route(stage=Stage.SAFETY, model=settings.llm_safety_model),
            skip_summarization_below=settings.llm_skip_summarization_threshold,
            large_context_above=settings.llm_use_large_context_threshold,
        )

    def model_ids(self, moderates: bool) -> list[str]:
        """Every model a job may call, fallbacks included, each once; the safety model only
        when the LLM moderator is in use."""
        routes = [
            self.story_compress,
            self.scene_draft,
            self.scene_draft_large,
            self.shot_final,
            self.json_repair,
        ]
        if moderates:
            routes.append(self.safety)
        return list(dict.fromkeys(model for route in routes for model in route.models()))

    def compresses(self, story_tokens: int) -> bool:
        """Step A runs only for stories of at least LLM_SKIP_SUMMARIZATION_THRESHOLD tokens."""
        return story_tokens >= self.skip_summarization_below

    def scenes_for(self, input_tokens: int) -> Route:
        """Step B moves to the large-context model above LLM_USE_LARGE_CONTEXT_THRESHOLD."""
        return (
            self.scene_draft_large if input_tokens > self.large_context_above else self.scene_draft
        )
