"""Reading a chat message or document as a story request."""

from __future__ import annotations

import pytest

from shotgraph.bot.story_input import parse_story_command, story_from_document
from shotgraph.errors import InvalidStory
from shotgraph.models import AspectRatio

STORY = "Mara ran up the green hill at dawn with her red kite."


def test_options_come_before_the_story() -> None:
    parsed = parse_story_command(f'--vertical --title "The Kite" --seed 7 {STORY}')
    assert parsed.aspect is AspectRatio.PORTRAIT
    assert parsed.title == "The Kite"
    assert parsed.seed == 7
    assert parsed.story == STORY
    request = parsed.to_request(max_bytes=10_000)
    assert request.aspect is AspectRatio.PORTRAIT
    assert request.seed == 7


def test_curly_quotes_and_dashes_inside_the_story_are_kept() -> None:
    parsed = parse_story_command(f"--title “Mara’s Kite” {STORY} -- and then --more wind.")
    assert parsed.title == "Mara’s Kite"
    assert parsed.story.endswith("-- and then --more wind.")


def test_a_plain_story_has_no_options() -> None:
    parsed = parse_story_command(f"  {STORY}  ")
    assert parsed.story == STORY
    assert parsed.aspect is None
    assert parsed.title is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"--colour red {STORY}", "I don't know the option --colour"),
        (f"--seed many {STORY}", "--seed"),
    ],
)
def test_bad_options_are_named(text: str, says: str) -> None:
    with pytest.raises(InvalidStory, match=says):
        parse_story_command(text).to_request(max_bytes=10_000)


@pytest.mark.parametrize(
    ("story", "says"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Mara ran.", "too short"),
        ("word " * 3000, "the limit is 10 KB"),
    ],
)
def test_stories_that_cannot_be_filmed_say_why(story: str, says: str) -> None:
    with pytest.raises(InvalidStory, match=says):
        parse_story_command(story).to_request(max_bytes=10_000)


def test_seed_out_of_range_is_a_clear_sentence() -> None:
    with pytest.raises(InvalidStory, match="--seed"):
        parse_story_command(f"--seed -3 {STORY}").to_request(max_bytes=10_000)


def test_documents_must_be_text_files() -> None:
    assert story_from_document(STORY.encode(), "kite.TXT", 10_000) == STORY
    assert story_from_document(STORY.encode("utf-16"), "kite.md", 10_000) == STORY
    with pytest.raises(InvalidStory, match="not a text file"):
        story_from_document(b"%PDF-1.7", "kite.pdf", 10_000)
    with pytest.raises(InvalidStory, match="binary"):
        story_from_document(b"\x00\x01\x02" * 100, "kite.txt", 10_000)
    with pytest.raises(InvalidStory, match="limit"):
        story_from_document(b"word " * 3000, "kite.txt", 10_000)
