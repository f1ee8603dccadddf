"""Visual prompts for a shot: framing, who is in it, what happens, where, when, mood, style.

Written the way text-to-image models read best: short comma-separated phrases, the framing
first, every character described the same way in every shot so that they stay recognisable.
"""

from __future__ import annotations

from shotgraph.models import Character, Mood, Place, Setting, ShotType, TimeOfDay, Weather
from shotgraph.pipeline.planning.rules.text import trim_words

NEGATIVE_PROMPT = (
    "blurry, out of focus, low quality, jpeg artifacts, distorted face, deformed hands, "
    "extra limbs, extra fingers, duplicate figures, text, letters, caption, subtitles, "
    "watermark, logo, signature, frame border"
)
MAX_PROMPT_CHARS = 1000
_ACTION_WORDS = 30
_DESCRIPTION_WORDS = 20

_FRAMING = {
    ShotType.EXTREME_WIDE: "extreme wide shot",
    ShotType.WIDE: "wide shot",
    ShotType.FULL: "full shot",
    ShotType.MEDIUM: "medium shot",
    ShotType.MEDIUM_CLOSE_UP: "medium close-up",
    ShotType.CLOSE_UP: "close-up",
    ShotType.EXTREME_CLOSE_UP: "extreme close-up",
    ShotType.OVER_THE_SHOULDER: "over-the-shoulder shot",
    ShotType.INSERT: "insert shot",
}
_PLACE = {
    Place.HILLS: "among green hills",
    Place.FOREST: "in a forest",
    Place.SEA: "by the sea",
    Place.CITY: "in a city",
    Place.INTERIOR: "indoors",
    Place.MOUNTAINS: "in the mountains",
    Place.DESERT: "in a desert",
    Place.VILLAGE: "in a village",
    Place.TOWN: "in a small town",
    Place.RIVER: "by a river",
    Place.ROAD: "on the road",
    Place.FIELDS: "among open fields",
    Place.SNOW: "in a snowy wilderness",
    Place.CAVE: "in a cave",
    Place.SPACE: "in outer space",
}
_WEATHER = {
    Weather.CLEAR: "",
    Weather.RAIN: "falling rain",
    Weather.SNOW: "falling snow",
    Weather.STORM: "a raging storm",
    Weather.FOG: "thick fog",
}
_LIGHT = {
    TimeOfDay.DAWN: "soft dawn light",
    TimeOfDay.DAY: "clear daylight",
    TimeOfDay.DUSK: "warm dusk light",
    TimeOfDay.NIGHT: "night, moonlight and deep shadows",
}
_ATMOSPHERE = {
    Mood.CALM: "calm, peaceful atmosphere",
    Mood.JOYFUL: "joyful, warm atmosphere",
    Mood.TENSE: "tense, dramatic atmosphere",
    Mood.SAD: "sad, melancholy atmosphere",
    Mood.MYSTERIOUS: "mysterious, hushed atmosphere",
    Mood.TRIUMPHANT: "triumphant, uplifting atmosphere",
}


def visual_prompt(
    shot_type: ShotType,
    *,
    establishing: bool,
    characters: list[Character],
    action: str,
    prop: str | None,
    setting: Setting,
    style: str,
) -> str:
    """The prompt for one shot; `characters` are those in frame, the one speaking first."""
    framing = ("establishing " if establishing else "") + _FRAMING[shot_type]
    parts = [
        framing,
        _subject(shot_type, characters, prop, setting, action),
        trim_words(action, _ACTION_WORDS),
        f"{setting.location}, {_PLACE[setting.place]}",
        f"{setting.season.value}" if setting.season else "",
        _WEATHER[setting.weather],
        _LIGHT[setting.time_of_day],
        _ATMOSPHERE[setting.mood],
        style if "style" in style.lower() else f"{style} style",
    ]
    prompt = ", ".join(part for part in parts if part)
    if len(prompt) > MAX_PROMPT_CHARS:
        prompt = prompt[: MAX_PROMPT_CHARS - 1].rsplit(",", 1)[0] + "…"
    return prompt


def _subject(
    shot_type: ShotType,
    characters: list[Character],
    prop: str | None,
    setting: Setting,
    action: str,
) -> str:
    if shot_type is ShotType.INSERT and prop:
        return f"detail of the {prop}"
    if shot_type is ShotType.OVER_THE_SHOULDER and len(characters) >= 2:
        speaker, listener = characters[0], characters[1]
        return f"over the shoulder of {listener.name}, facing {_who(speaker, action)}"
    if characters:
        return " and ".join(_who(character, action) for character in characters)
    return f"the scenery of {setting.location}"


def _who(character: Character, action: str) -> str:
    """A character's name and description, the description left out when the action already
    says it (a description taken from this very sentence)."""
    if not character.description or character.description.rstrip(".") in action:
        return character.name
    description = trim_words(character.description.rstrip("."), _DESCRIPTION_WORDS)
    return f"{character.name} ({description})"
