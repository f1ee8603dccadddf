"""What both bots share without a chat: the changed requests behind New seed and Vertical,
ages and quota in words, the voice list."""

from __future__ import annotations

from shotgraph.bot.core import changed_request, quota_text, spell_age, voices_text
from shotgraph.bot.finished import FilmAction
from shotgraph.models import AspectRatio, StoryRequest
from shotgraph.queue.limits import QuotaUsage

REQUEST = StoryRequest(story="Mara ran up the hill at dawn.", seed=5, style="ink", voice="x")


def test_new_seed_changes_only_the_seed_and_the_other_format_only_the_format() -> None:
    reseeded = changed_request(REQUEST, FilmAction.RESEED)
    assert reseeded.seed != REQUEST.seed
    assert reseeded.model_dump(exclude={"seed"}) == REQUEST.model_dump(exclude={"seed"})
    vertical = changed_request(REQUEST, FilmAction.REFORMAT)
    assert vertical.aspect is AspectRatio.PORTRAIT
    assert vertical.model_dump(exclude={"aspect"}) == REQUEST.model_dump(exclude={"aspect"})
    assert changed_request(vertical, FilmAction.REFORMAT).aspect is AspectRatio.LANDSCAPE


def test_ages_and_quota_read_as_words() -> None:
    assert spell_age(20) == "just now"
    assert spell_age(5 * 60 + 40) == "5 min ago"
    assert spell_age(3 * 3600 + 120) == "3 h 2 min ago"
    assert spell_age(2 * 86_400 + 5) == "2 days ago"
    usage = QuotaUsage(
        active=0, max_active=2, today=1, max_per_day=10, resets_in_s=3600, not_counted=1
    )
    text = quota_text(usage)
    assert text.startswith("Today 1 of your 10 films are used; 9 left.")
    assert "Not counted: 1 film cancelled before drawing" in text
    assert "Not counted" not in quota_text(usage.model_copy(update={"not_counted": 0}))


def test_voices_are_listed_for_a_language_and_an_unknown_one_is_said_so() -> None:
    spanish = voices_text("es")
    assert spanish.splitlines()[1] == "es-ES-ElviraNeural (female)"
    assert "es-MX-JorgeNeural (male)" in spanish
    assert "I have no voice list for 'xx'" in voices_text("xx")
