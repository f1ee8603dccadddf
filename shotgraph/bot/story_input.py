"""Turning what a chat user sent into a StoryRequest: options, the story, or a document.

Options come first as simple words, `/story --vertical --title "The Lighthouse" Once...`;
the first word that is not an option starts the story, so a story may contain `--` freely.
Values may be quoted with straight or curly quotes, since phones type curly ones.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pydantic import BaseModel, ValidationError

from shotgraph.errors import InvalidStory
from shotgraph.intake import clean_story, decode_story, too_big_message
from shotgraph.models import AspectRatio, Captions, StoryRequest

# Fewer words than this is a sentence, not a story anybody would want filmed.
MIN_STORY_WORDS = 5
# Document types accepted as stories.
STORY_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})

_OPTION = re.compile(
    r"""\s*--(?P<name>[a-z][a-z-]*)
        (?:[ =](?P<value>"[^"]*"|“[^”]*”|'[^']*'|[^\s"“']\S*))?""",
    re.VERBOSE,
)
_FLAGS = {
    "vertical": ("aspect", AspectRatio.PORTRAIT),
    "portrait": ("aspect", AspectRatio.PORTRAIT),
    "landscape": ("aspect", AspectRatio.LANDSCAPE),
    "horizontal": ("aspect", AspectRatio.LANDSCAPE),
}
_VALUED = {"title", "style", "seed", "language", "voice", "captions"}

CAPTIONS_HELP = "burned (in the picture), soft (a track most chat players hide) or off"
OPTIONS_HELP = (
    "--vertical (9:16, for phones) or --landscape (16:9, the default), "
    '--title "Your title", --style "watercolour, warm", --seed 7, --language es, '
    "--voice NAME (/voices lists them), --captions burned|soft|off"
)


class StoryInput(BaseModel):
    """What the user asked for, before it is checked as a StoryRequest."""

    story: str = ""
    title: str | None = None
    style: str | None = None
    aspect: AspectRatio | None = None
    seed: int | None = None
    language: str | None = None
    voice: str | None = None
    captions: Captions | None = None

    def with_story(self, story: str) -> StoryInput:
        return self.model_copy(update={"story": story})

    def to_request(self, max_bytes: int) -> StoryRequest:
        """The checked request, or InvalidStory with one sentence saying what to fix."""
        story = clean_story(self.story)
        size = len(story.encode())
        if size > max_bytes:
            raise InvalidStory(too_big_message("The story", size, max_bytes))
        if len(story.split()) < MIN_STORY_WORDS:
            raise InvalidStory(
                f"That is too short to film: write at least {MIN_STORY_WORDS} words, "
                "a few sentences work best."
            )
        values = self.model_dump(exclude_none=True, exclude={"story"})
        try:
            return StoryRequest(story=story, **values)
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = ".".join(str(part) for part in problem["loc"])
            raise InvalidStory(f"The option --{field} is not right: {problem['msg']}.") from exc


def parse_story_command(text: str) -> StoryInput:
    """Split `--option value ... story text` into options and the story."""
    values: dict[str, object] = {}
    position = 0
    while match := _OPTION.match(text, position):
        name, raw = match["name"], match["value"]
        if name in _FLAGS:
            field, value = _FLAGS[name]
            values[field] = value
            # A flag takes no value: what matched as one is the story's first word.
            position = match.start("value") - 1 if raw else match.end()
        elif name in _VALUED and raw:
            values[name] = _unquote(raw)
            position = match.end()
        else:
            raise InvalidStory(f"I don't know the option --{name}. Options: {OPTIONS_HELP}.")
    try:
        return StoryInput(story=text[position:].strip(), **values)
    except ValidationError as exc:
        field = ".".join(str(part) for part in exc.errors()[0]["loc"])
        raise InvalidStory(f"The option --{field} needs a different value.") from exc


def story_from_document(data: bytes, filename: str, max_bytes: int) -> str:
    """The text of an uploaded `.txt` or `.md` file, refused clearly when it is anything else."""
    check_document(filename, len(data), max_bytes)
    return decode_story(data, max_bytes, filename)


def check_document(filename: str, size: int | None, max_bytes: int) -> None:
    """Refuse a story file by its name and announced size, before it is downloaded (an
    attachment may be hundreds of MiB)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in STORY_SUFFIXES:
        kinds = ", ".join(sorted(STORY_SUFFIXES))
        raise InvalidStory(f"{filename} is not a text file; send the story as {kinds}.")
    if size is not None and size > max_bytes:
        raise InvalidStory(too_big_message(filename, size, max_bytes))


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] in "\"“'" and raw[-1] in "\"”'":
        return raw[1:-1].strip()
    return raw
