"""The chat messages of each planning step, built from the prompt files.

Kept apart from the planner so the token benchmark measures exactly what the planner sends.
"""

from __future__ import annotations

from shotgraph.models import Scene, ShotRef, StoryDigest, StoryRequest
from shotgraph.pipeline.llm.client import ChatMessage
from shotgraph.pipeline.llm.formats import OutputFormat
from shotgraph.pipeline.llm.prompts import load_prompt, quote_untrusted
from shotgraph.pipeline.llm.structured import ShapedAnswer
from shotgraph.pipeline.planning.llm.answers import (
    DigestAnswer,
    PromptRewriteAnswer,
    SceneListAnswer,
    ShotListAnswer,
)
from shotgraph.pipeline.planning.llm.choices import CHOICES
from shotgraph.pipeline.planning.rules.text import Sentence


def _render(
    name: str, output: OutputFormat, answer: type[ShapedAnswer], **values: str
) -> list[ChatMessage]:
    return load_prompt(name).render(contract=output.contract(answer.example()), **values)


def digest_messages(
    output: OutputFormat, text: str, words: int, language: str
) -> list[ChatMessage]:
    return _render(
        "story_compress",
        output,
        DigestAnswer,
        words=str(words),
        language=language,
        story=quote_untrusted(text),
    )


def scene_messages(output: OutputFormat, sentences: list[Sentence]) -> list[ChatMessage]:
    """The story with numbered sentences, so a scene is named by where it starts."""
    numbered = "\n".join(
        f"[{number}] {sentence.text}" for number, sentence in enumerate(sentences, start=1)
    )
    return _render(
        "scene_draft", output, SceneListAnswer, story=quote_untrusted(numbered), **CHOICES
    )


def shot_messages(
    output: OutputFormat, scene: Scene, digest: StoryDigest, request: StoryRequest
) -> list[ChatMessage]:
    cast = [c for c in digest.characters if c.name in scene.characters]
    return _render(
        "shot_final",
        output,
        ShotListAnswer,
        scene_number=str(scene.index + 1),
        title=quote_untrusted(scene.title),
        location=quote_untrusted(scene.setting.location),
        place=scene.setting.place.value,
        time_of_day=scene.setting.time_of_day.value,
        mood=scene.setting.mood.value,
        cast="\n".join(f"- {c.name}: {c.description or 'no description'}" for c in cast)
        or "- nobody named",
        style=quote_untrusted(request.style),
        language=digest.language,
        story=quote_untrusted(scene.source_text),
        **CHOICES,
    )


def rewrite_messages(
    output: OutputFormat, ref: ShotRef, reason: str, request: StoryRequest
) -> list[ChatMessage]:
    return _render(
        "shot_rewrite",
        output,
        PromptRewriteAnswer,
        categories=reason,
        style=quote_untrusted(request.style),
        prompt=quote_untrusted(ref.shot.visual_prompt),
    )
