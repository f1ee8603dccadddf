"""The fallbacks a film's result records become a few lines in its finished message, on both
platforms."""

from __future__ import annotations

from shotgraph.bot.delivery import Delivery
from shotgraph.bot.discord_bot import result_embed
from shotgraph.bot.fallbacks import MAX_LINES, fallback_lines
from shotgraph.models import StoryRequest
from shotgraph.queue.records import JobRecord, Owner
from tests.helpers.results import job_result

MUSIC = "music: MusicGen needs a GPU, no CUDA GPU found; using procedural synthesis"
NARRATION = "edge-tts failed (HTTP 403); spoke with espeak-ng"


def test_each_fallback_is_a_line_and_narration_shots_fold_into_one() -> None:
    result = job_result(
        notes=[
            MUSIC,
            f"narration s1-1: {NARRATION}",
            f"narration s1-2: {NARRATION}",
            "shot s2-1: picture prompt rewritten after moderation flagged it for S1",
        ]
    )

    assert fallback_lines(result) == [
        MUSIC,
        f"narration (2 shots): {NARRATION}",
        "safety: 1 picture prompt rewritten after moderation flagged them",
    ]


def test_a_film_without_fallbacks_says_nothing_and_many_are_counted() -> None:
    assert fallback_lines(job_result()) == []
    many = job_result(notes=[f"video {n}: fell back" for n in range(MAX_LINES + 3)])
    lines = fallback_lines(many)
    assert len(lines) == MAX_LINES + 1
    assert lines[-1].startswith("and 3 more")


def test_the_discord_finished_message_shows_what_fell_back() -> None:
    record = JobRecord(
        job_id="0123456789abcdef",
        owner=Owner(platform="discord", user_id="1", chat_id="2"),
        request=StoryRequest(story="Mara ran up the hill at dawn with her kite."),
        title="The Kite",
    )
    result = job_result(record.job_id, notes=[MUSIC])

    embed = result_embed(record, result, Delivery(kind="upload"), thumbnail=False)

    fields = {field.name: field.value for field in embed.fields}
    assert fields["Fell back"] == f"⚠️ {MUSIC}"
    assert "Fell back" not in {
        f.name for f in result_embed(record, job_result(), Delivery(kind="upload"), False).fields
    }
