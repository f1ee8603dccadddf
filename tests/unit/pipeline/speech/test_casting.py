"""Casting: one part per speaking character, by gender and importance, for the whole film."""

from __future__ import annotations

from shotgraph.models import Character, Scene, Setting, Shot, ShotPlan, ShotType, SpokenLine
from shotgraph.pipeline.speech.casting import Part, cast_plan


def _plan(*speakers: str | None) -> ShotPlan:
    shots = [
        Shot(
            index=0,
            type=ShotType.MEDIUM,
            duration_s=3.0,
            visual_prompt="a hill",
            narration=[SpokenLine(text="Words.", speaker=speaker)],
        )
        for speaker in speakers
    ]
    return ShotPlan(
        title="T",
        characters=[
            Character(name="Ann", gender="female", mentions=2),
            Character(name="Tom", gender="male", mentions=4),
            Character(name="Mara", gender="female", mentions=7),
            Character(name="Quiet", gender="male", mentions=9),
        ],
        scenes=[Scene(index=0, setting=Setting(location="hill"), shots=shots)],
    )


def test_each_speaker_gets_a_part_by_gender_most_mentioned_first() -> None:
    casting = cast_plan(_plan("Ann", None, "Tom", "Mara", "Ann", "Stranger"))
    assert casting.parts == {
        "Mara": Part(gender="female", rank=0),
        "Tom": Part(gender="male", rank=0),
        "Ann": Part(gender="female", rank=1),
        # Not described: a man's voice, as fewer men than women speak so far.
        "Stranger": Part(gender="male", rank=1),
    }
    # Someone who never speaks takes no voice from those who do.
    assert casting.part("Quiet") is None
    assert casting.part(None) is None


def test_characters_of_unknown_gender_balance_the_voices() -> None:
    plan = _plan("A", "B", "C")
    plan.characters = []
    assert cast_plan(plan).parts == {
        "A": Part(gender="female", rank=0),
        "B": Part(gender="male", rank=0),
        "C": Part(gender="female", rank=1),
    }


def test_a_shot_depends_only_on_its_own_speakers() -> None:
    casting = cast_plan(_plan("Ann", "Tom", "Mara"))
    assert casting.for_speakers({"Tom"}).parts == {"Tom": Part(gender="male", rank=0)}


def test_the_description_says_how_old_a_character_sounds() -> None:
    plan = _plan("Pell", "Orla", "Ann")
    plan.characters = [
        Character(name="Pell", gender="male", description="a young red fox with one white ear"),
        Character(name="Orla", gender="female", description="an old grey badger"),
        Character(name="Ann", gender="female", description="a ten-year-old girl"),
    ]
    parts = cast_plan(plan).parts
    assert [parts[name].age for name in ("Pell", "Orla", "Ann")] == ["child", "elder", "child"]
