"""The finished-film message both bots post: what a member reads and taps under a film.

One message per film, worth sharing: the story's title (the job record's, the one the
progress message showed), who made it, how long it runs, how it was made (style, format,
seed), and buttons for what people do next. The LLM cost is not here: it goes to the author
alone (`cost_text`). The platforms draw the same lines and buttons in their own widgets.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from shotgraph.bot.progress import film_summary
from shotgraph.models import AspectRatio, JobResult
from shotgraph.queue.records import JobRecord


class FilmAction(StrEnum):
    """What a button under a finished film does; the value goes into its callback / custom id."""

    RESEED = "reseed"
    """The same story again with a new seed: a new look."""
    REFORMAT = "reformat"
    """The same story in the other format (vertical <-> landscape)."""
    SUBTITLES = "subtitles"
    """Send the film's .srt."""
    DELETE = "delete"
    """Remove the message and the film (its author or a moderator)."""


class FilmButton(BaseModel):
    label: str
    action: FilmAction


FORMAT_NAMES = {AspectRatio.LANDSCAPE: "landscape 16:9", AspectRatio.PORTRAIT: "vertical 9:16"}


def film_lines(record: JobRecord, result: JobResult, author: str) -> list[str]:
    """The message's lines after its title: author, length, how it was made."""
    request = record.request
    made = f"{request.style} · {FORMAT_NAMES[request.aspect]} · seed {request.seed}"
    return [f"by {author}", film_summary(result), made]


def film_title(record: JobRecord) -> str:
    return f"🎬 {record.title}"


def film_buttons(record: JobRecord) -> list[FilmButton]:
    """The buttons under a finished film, in the order they are shown. The storyboard's
    Retake a shot and Storyboard buttons join these when that feature lands."""
    other = "Landscape" if record.request.aspect is AspectRatio.PORTRAIT else "Vertical"
    return [
        FilmButton(label="New seed", action=FilmAction.RESEED),
        FilmButton(label=other, action=FilmAction.REFORMAT),
        FilmButton(label="Subtitles", action=FilmAction.SUBTITLES),
        FilmButton(label="Delete", action=FilmAction.DELETE),
    ]


def film_filename(title: str, suffix: str = ".mp4") -> str:
    """A file name from the film's title, safe on every system: `The Red Kite.mp4`."""
    stem = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return f"{stem[:60] or 'film'}{suffix}"
