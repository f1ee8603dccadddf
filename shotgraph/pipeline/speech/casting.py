"""Casting: a voice part for every character who speaks, decided once for the whole film.

The parts are backend-neutral (a gender and a rank among the characters of that gender), so the
same character keeps the same part whether a shot is spoken by edge-tts or, after a failure, by
espeak-ng; each backend turns a part into one of its own voices.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shotgraph.models import ShotPlan

Gender = Literal["female", "male", "unknown"]


class Part(BaseModel):
    """How one character should sound."""

    model_config = {"frozen": True}

    gender: Gender = "unknown"
    rank: int = Field(default=0, ge=0)
    """Position among the cast's characters of the same gender, in order of importance: the
    first woman gets the first female voice, the second woman the next one, and so on."""


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

    A speaker the plan does not describe still gets a part of their own (of unknown gender),
    so two such speakers never share a voice.
    """
    speakers = {line.speaker for ref in plan.shots() for line in ref.shot.narration if line.speaker}
    described = sorted(plan.characters, key=lambda c: -c.mentions)
    genders: dict[str, Gender] = {c.name: c.gender for c in described if c.name in speakers}
    for name in sorted(speakers - genders.keys()):
        genders[name] = "unknown"
    counts: dict[Gender, int] = {}
    parts: dict[str, Part] = {}
    for name, gender in genders.items():
        parts[name] = Part(gender=gender, rank=counts.get(gender, 0))
        counts[gender] = counts.get(gender, 0) + 1
    return Casting(parts=parts)
