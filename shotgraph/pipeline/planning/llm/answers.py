"""What the models write for each step: flat answer models, converted to the domain models.

Every list item has only plain values (names joined by semicolons rather than a nested list),
so that TOON can write each list as one table; JSON answers use the same models.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field

from shotgraph.models import (
    CameraMove,
    Character,
    Direction,
    Mood,
    Place,
    Scene,
    Setting,
    Shot,
    ShotType,
    SpokenLine,
    TimeOfDay,
    Transition,
)
from shotgraph.pipeline.llm.structured import ShapedAnswer

NAME_SEPARATOR = ";"


def split_names(names: str) -> list[str]:
    return [name.strip() for name in names.split(NAME_SEPARATOR) if name.strip()]


def join_names(names: list[str]) -> str:
    return f"{NAME_SEPARATOR} ".join(names)


class CharacterAnswer(ShapedAnswer):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    description: Annotated[str, Field(max_length=400)] = ""
    gender: Literal["female", "male", "unknown"] = "unknown"

    @classmethod
    def example(cls) -> Self:
        return cls(name="Mara", description="a girl of ten in a red coat", gender="female")


class DigestAnswer(ShapedAnswer):
    """Step A: the story shortened, with its cast and places."""

    summary: Annotated[str, Field(min_length=1)]
    characters: list[CharacterAnswer] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)

    @classmethod
    def example(cls) -> Self:
        return cls(
            summary="Mara finds a lantern in the woods. She carries it home at dusk.",
            characters=[
                CharacterAnswer.example(),
                CharacterAnswer(name="Old Tam", description="a stooped miller", gender="male"),
            ],
            locations=["the birch woods", "the mill"],
        )

    def cast(self) -> list[Character]:
        return [Character(**character.model_dump()) for character in self.characters]


class SceneAnswer(ShapedAnswer):
    """One scene of Step B, starting at a numbered sentence of the story."""

    first_sentence: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(max_length=120)] = ""
    location: Annotated[str, Field(min_length=1, max_length=120)]
    place: Place = Place.HILLS
    time_of_day: TimeOfDay = TimeOfDay.DAY
    mood: Mood = Mood.CALM
    characters: str = ""

    @classmethod
    def example(cls) -> Self:
        return cls(
            first_sentence=1,
            title="The lantern",
            location="the birch woods",
            place=Place.FOREST,
            time_of_day=TimeOfDay.DUSK,
            mood=Mood.MYSTERIOUS,
            characters="Mara",
        )

    def scene(self, index: int, source_text: str) -> Scene:
        return Scene(
            index=index,
            title=self.title,
            setting=Setting(
                location=self.location,
                place=self.place,
                time_of_day=self.time_of_day,
                mood=self.mood,
            ),
            characters=split_names(self.characters),
            source_text=source_text,
        )


class SceneListAnswer(ShapedAnswer):
    scenes: Annotated[list[SceneAnswer], Field(min_length=1)]

    @classmethod
    def example(cls) -> Self:
        return cls(
            scenes=[
                SceneAnswer.example(),
                SceneAnswer(
                    first_sentence=4,
                    title="Home",
                    location="the mill kitchen",
                    place=Place.INTERIOR,
                    time_of_day=TimeOfDay.NIGHT,
                    mood=Mood.CALM,
                    characters=join_names(["Mara", "Old Tam"]),
                ),
            ]
        )


class ShotAnswer(ShapedAnswer):
    """One shot of Step C; the constraints are the domain Shot's, so a bad value is repaired."""

    type: ShotType
    camera: CameraMove = CameraMove.STATIC
    direction: Direction = Direction.RIGHT
    duration_s: Annotated[float, Field(ge=1.0, le=60.0)]
    visual_prompt: Annotated[str, Field(min_length=1, max_length=1000)]
    narration: str = ""
    speaker: str = ""
    characters: str = ""
    transition: Transition = Transition.CUT
    motion_strength: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5

    @classmethod
    def example(cls) -> Self:
        return cls(
            type=ShotType.WIDE,
            camera=CameraMove.PAN,
            direction=Direction.RIGHT,
            duration_s=5.0,
            visual_prompt="a girl in a red coat walks between birch trees at dusk, soft light",
            narration="Mara walked home through the woods.",
            characters="Mara",
            motion_strength=0.4,
        )

    @classmethod
    def of(cls, shot: Shot) -> ShotAnswer:
        """The answer a model would write for a shot (what the benchmark counts)."""
        speakers = {line.speaker for line in shot.narration}
        return cls(
            type=shot.type,
            camera=shot.camera,
            direction=shot.direction,
            duration_s=shot.duration_s,
            visual_prompt=shot.visual_prompt,
            narration=shot.narration_text,
            speaker=(speakers.pop() or "") if len(speakers) == 1 else "",
            characters=join_names(shot.characters),
            transition=shot.transition,
            motion_strength=shot.motion_strength,
        )

    def shot(self, index: int) -> Shot:
        narration = (
            [SpokenLine(text=self.narration.strip(), speaker=self.speaker.strip() or None)]
            if self.narration.strip()
            else []
        )
        return Shot(
            index=index,
            type=self.type,
            camera=self.camera,
            direction=self.direction,
            duration_s=self.duration_s,
            visual_prompt=self.visual_prompt,
            narration=narration,
            characters=split_names(self.characters),
            transition=self.transition,
            motion_strength=self.motion_strength,
        )


class ShotListAnswer(ShapedAnswer):
    shots: Annotated[list[ShotAnswer], Field(min_length=1)]

    @classmethod
    def example(cls) -> Self:
        return cls(
            shots=[
                ShotAnswer.example(),
                ShotAnswer(
                    type=ShotType.CLOSE_UP,
                    camera=CameraMove.PUSH_IN,
                    duration_s=3.0,
                    visual_prompt="close on a glowing paper lantern held in small hands",
                    narration='"It is still warm," she said.',
                    speaker="Mara",
                    characters="Mara",
                    transition=Transition.CROSSFADE,
                    motion_strength=0.2,
                ),
            ]
        )


class PromptRewriteAnswer(ShapedAnswer):
    visual_prompt: Annotated[str, Field(min_length=1, max_length=1000)]

    @classmethod
    def example(cls) -> Self:
        return cls(visual_prompt="two knights face each other on a misty field, swords lowered")
