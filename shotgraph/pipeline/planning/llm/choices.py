"""The allowed values of the enum fields, spelt out for the prompts from the domain enums, so a
prompt can never offer a value the models would refuse."""

from __future__ import annotations

from enum import StrEnum

from shotgraph.models import CameraMove, Direction, Mood, Place, ShotType, TimeOfDay, Transition


def _options(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)


CHOICES: dict[str, str] = {
    "places": _options(Place),
    "times": _options(TimeOfDay),
    "moods": _options(Mood),
    "shot_types": _options(ShotType),
    "camera_moves": _options(CameraMove),
    "directions": _options(Direction),
    "transitions": _options(Transition),
}
