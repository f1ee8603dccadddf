"""The storyboard in chat, for every platform: what its message says, the shot menu, the ids
its buttons carry, and the words of `/edit`, `/reroll` and `/retake`.

The actions themselves are `shotgraph.queue.storyboard.Storyboards` (the API uses them too);
an adapter only draws these views with its library's buttons and turns presses back into
actions. Button ids carry the job id, so they keep working after a restart.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import ShotGraphError
from shotgraph.models import JobResult, Storyboard, StoryboardPanel
from shotgraph.pipeline.video.animatic.caption import SHOT_NAMES
from shotgraph.storage import local_copy, open_storage

# What a storyboard button does; `pick_*` opens the menu of shots for that action.
ActionKind = Literal[
    "approve", "reroll", "edit", "retake", "pick_reroll", "pick_edit", "pick_retake", "menu"
]
# Told, privately, to someone who presses another person's storyboard or film buttons.
NOT_YOURS = "Only the person who sent this story (or a moderator) can use these buttons."
_PREFIX = "sb"
# The shortest custom id limit of the platforms (Telegram's callback data: 64 bytes).
MAX_ACTION_ID = 64
# A menu of shots holds at most this many (Discord's select menus take 25 options).
MENU_SIZE = 25


class BadEdit(ShotGraphError):
    """An /edit, /reroll or /retake whose words cannot be read."""


class StoryboardAction(BaseModel):
    kind: ActionKind
    job_id: str
    number: int | None = None

    @property
    def id(self) -> str:
        """The button's custom id / callback data: `sb:<kind>:<job>[:<shot>]`."""
        parts = [_PREFIX, self.kind, self.job_id]
        if self.number is not None:
            parts.append(str(self.number))
        return ":".join(parts)


def parse_action(data: str) -> StoryboardAction | None:
    """The action behind a button id, or None when the id is not a storyboard button's."""
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != _PREFIX:
        return None
    try:
        return StoryboardAction(
            kind=parts[1],  # type: ignore[arg-type]
            job_id=parts[2],
            number=int(parts[3]) if len(parts) == 4 else None,
        )
    except ValueError:
        return None


async def sheet_on_disk(settings: Settings, board: Storyboard) -> Path:
    """The contact sheet as a file on this machine, for an upload (fetched from an S3 store)."""
    sheet = await asyncio.to_thread(local_copy, open_storage(settings), board.sheet, settings)
    if sheet is None:
        raise FileNotFoundError(f"the storyboard sheet {board.sheet} is not in the store")
    return sheet


def storyboard_caption(title: str, board: Storyboard, limit: int) -> str:
    """The words that go with the contact sheet: what it is, what the film will take, and
    what the buttons do."""
    film_s = sum(panel.duration_s for panel in board.panels)
    text = (
        f"🎞 Storyboard: {title}\n"
        f"{len(board.panels)} shots, {spell_seconds(film_s)} of film. Rendering it should take "
        f"about {spell_seconds(board.render_estimate_s)} of GPU time.\n"
        "Render it as it is, re-roll a shot to draw it again, or edit a shot's picture or "
        "narration."
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def edit_help(command_prefix: str = "/") -> str:
    return (
        f"Send {command_prefix}edit N followed by the new narration of shot N, or "
        f"{command_prefix}edit N picture: and a new picture description; "
        f"{command_prefix}reroll N draws shot N again."
    )


def shot_label(panel: StoryboardPanel, width: int = 60) -> str:
    """`3 · CLOSE-UP · "Mine," Pell whispered…`, for a menu of shots."""
    words = panel.narration or panel.visual_prompt
    label = f"{panel.number} · {SHOT_NAMES[panel.type]} · {words}"
    return label if len(label) <= width else label[: width - 1] + "…"


def shot_menu(board: Storyboard) -> list[StoryboardPanel]:
    """The shots a menu offers; a longer film's later shots are reached by command."""
    return board.panels[:MENU_SIZE]


def version_label(versions: list[JobResult]) -> str:
    """`v2` for a retake's film; nothing for a film that has had no retake."""
    return f"v{len(versions)}" if len(versions) > 1 else ""


_PICTURE = re.compile(r"^(picture|image|visual)\s*:\s*", re.IGNORECASE)
_NARRATION = re.compile(r"^(narration|text|words)\s*:\s*", re.IGNORECASE)


def parse_shot_command(args: str, needs_words: bool) -> tuple[int, str | None, str | None]:
    """`N [picture: words | narration: words | words]` -> (N, picture, narration).

    Plain words are the narration: the line a person most often wants to change."""
    number_text, _, rest = args.strip().partition(" ")
    if not number_text.isdigit() or int(number_text) < 1:
        raise BadEdit(f"Start with the shot's number, as on the storyboard. {edit_help()}")
    rest = rest.strip()
    if not rest:
        if needs_words:
            raise BadEdit(f"Say what shot {number_text} should become. {edit_help()}")
        return int(number_text), None, None
    if _PICTURE.match(rest):
        return int(number_text), _PICTURE.sub("", rest), None
    return int(number_text), None, _NARRATION.sub("", rest)
