"""Casting: a voice part for every character who speaks, decided once for the whole film.

The parts are backend-neutral (a gender, a rank among the characters of that gender, an age),
so the same character keeps the same part whether a shot is spoken by edge-tts or, after a
failure, by espeak-ng; each backend turns a part into one of its own voices.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from shotgraph.models import Character, ShotPlan

VoiceGender = Literal["female", "male"]
Age = Literal["child", "adult", "elder"]

# Words of a character's description that say how old they sound ("a young red fox", "her
# little brother Jun", "an old grey badger"). A child's word wins: "a ten-year-old boy".
# fmt: off
_CHILD_WORDS = frozenset({
    "young", "little", "boy", "girl", "child", "kid", "baby", "toddler", "grandson",
    "granddaughter", "lad", "lass",
})
_ELDER_WORDS = frozenset({
    "old", "elderly", "aged", "grandmother", "grandfather", "grandma", "grandpa", "granny",
})
# fmt: on


class Part(BaseModel):
    """How one character should sound: a woman's or a man's voice, and which one."""

    model_config = {"frozen": True}

    gender: VoiceGender
    rank: int = Field(default=0, ge=0)
    """Position among the parts of the same gender, in order of importance: the first woman
    gets the first female voice, the second woman the next one, and so on. No two parts share
    a gender and a rank, so no two characters share a voice."""
    age: Age = "adult"


class Casting(BaseModel):
    """Speaker name -> part. A speaker without a part is read by the narrator's voice."""

    parts: dict[str, Part] = Field(default_factory=dict)

    def part(self, speaker: str | None) -> Part | None:
        return self.parts.get(speaker) if speaker is not None else None

    def for_speakers(self, speakers: set[str]) -> Casting:
        """Only the parts of these speakers: what one shot's artefact depends on."""
        return Casting(parts={name: p for name, p in self.parts.items() if name in speakers})


def cast_plan(plan: ShotPlan) -> Casting:
    """Parts for everyone the plan gives a line to, most-mentioned characters first.

    A character of unknown gender (or one the plan does not describe) gets the gender that has
    fewer parts so far, so the voices stay as varied as they can be.
    """
    speakers = {line.speaker for ref in plan.shots() for line in ref.shot.narration if line.speaker}
    described = sorted(plan.characters, key=lambda c: -c.mentions)
    cast = [c for c in described if c.name in speakers]
    cast += [Character(name=name) for name in sorted(speakers - {c.name for c in cast})]
    counts: dict[VoiceGender, int] = {"female": 0, "male": 0}
    parts: dict[str, Part] = {}
    for character in cast:
        gender = character.gender
        voice: VoiceGender = gender if gender != "unknown" else min(counts, key=counts.__getitem__)
        parts[character.name] = Part(gender=voice, rank=counts[voice], age=_age(character))
        counts[voice] += 1
    return Casting(parts=parts)


def _age(character: Character) -> Age:
    described = set(re.findall(r"[^\W\d_]+", character.description.lower()))
    if described & _CHILD_WORDS:
        return "child"
    return "elder" if described & _ELDER_WORDS else "adult"
