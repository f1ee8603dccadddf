"""The platform-neutral storyboard pieces: button ids, the /edit words, the progress line."""

from __future__ import annotations

import pytest

from shotgraph.bot.progress import ProgressTracker, status_line
from shotgraph.bot.storyboard import (
    MAX_ACTION_ID,
    BadEdit,
    StoryboardAction,
    parse_action,
    parse_shot_command,
)
from shotgraph.models import StageEvent, StoryRequest
from shotgraph.queue.records import JobRecord, JobStatus, Owner


def test_button_ids_carry_the_job_and_shot_and_fit_every_platform() -> None:
    action = StoryboardAction(kind="reroll", job_id="0123456789abcdef", number=12)

    assert action.id == "sb:reroll:0123456789abcdef:12"
    assert len(action.id) <= MAX_ACTION_ID
    assert parse_action(action.id) == action
    assert parse_action("sb:approve:0123456789abcdef") == StoryboardAction(
        kind="approve", job_id="0123456789abcdef"
    )


@pytest.mark.parametrize(
    "data", ["cancel:0123456789abcdef", "sb:explode:abc", "sb:reroll:abc:two", "sb", ""]
)
def test_other_ids_are_not_storyboard_actions(data: str) -> None:
    assert parse_action(data) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("2 The fox ran home.", (2, None, "The fox ran home.")),
        ("2 narration: The fox ran home.", (2, None, "The fox ran home.")),
        ("3 picture: a red fox in snow", (3, "a red fox in snow", None)),
        ("3 Picture:a red fox", (3, "a red fox", None)),
    ],
)
def test_edit_words_say_the_shot_and_what_changes(
    args: str, expected: tuple[int, str | None, str | None]
) -> None:
    assert parse_shot_command(args, needs_words=True) == expected


@pytest.mark.parametrize("args", ["", "two the fox", "0 words", "-1 words"])
def test_an_edit_without_a_shot_number_is_refused_with_how_to(args: str) -> None:
    with pytest.raises(BadEdit, match="shot's number"):
        parse_shot_command(args, needs_words=True)


def test_an_edit_without_words_is_refused_but_a_reroll_needs_none() -> None:
    with pytest.raises(BadEdit, match="Say what shot 4 should become"):
        parse_shot_command("4", needs_words=True)
    assert parse_shot_command("4", needs_words=False) == (4, None, None)


def test_a_storyboard_event_puts_the_progress_at_awaiting_approval() -> None:
    record = JobRecord(
        job_id="0123456789abcdef",
        owner=Owner(platform="telegram", user_id="1"),
        request=StoryRequest(story="A fox."),
        title="Fox",
    )
    tracker = ProgressTracker(record)

    tracker.apply(StageEvent(kind="storyboard", message="ready"))

    view = tracker.view()
    assert view.status is JobStatus.AWAITING_APPROVAL
    assert view.can_cancel
    assert "storyboard is ready" in status_line(view)
