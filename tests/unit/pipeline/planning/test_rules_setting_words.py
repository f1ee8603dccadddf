import pytest

from shotgraph.models import Mood, Place, TimeOfDay
from shotgraph.pipeline.planning.rules.setting_words import (
    location_of,
    locations_in,
    mood_of,
    opening_setting,
    opens_in_parallel,
    opens_with_time_cue,
    place_of,
    time_of,
)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Waves broke along the beach below the harbour.", Place.SEA),
        ("Deep in the woods the trees grew close.", Place.FOREST),
        ("The market filled the street from end to end.", Place.CITY),
        ("Inside the kitchen the kettle sang.", Place.INTERIOR),
        ("Snow lay on the peak of the mountain.", Place.MOUNTAINS),
        ("The dunes rolled away, sand to the horizon.", Place.DESERT),
        ("Smoke rose from every cottage in the village.", Place.VILLAGE),
        ("Sheep grazed in the meadow by the river.", Place.HILLS),
    ],
)
def test_place_words_choose_the_backdrop(text: str, place: Place) -> None:
    assert place_of(text) is place


def test_no_place_words_choose_nothing_so_the_scene_before_carries_on() -> None:
    assert place_of("She waited and waited.") is None
    assert time_of("She waited and waited.") is None


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("At dawn the boats went out.", TimeOfDay.DAWN),
        ("They ate at noon in the sunshine.", TimeOfDay.DAY),
        ("When the sun goes down, the market opens.", TimeOfDay.DUSK),
        ("The moon rose over the silent night.", TimeOfDay.NIGHT),
    ],
)
def test_time_words_choose_the_time_of_day(text: str, time: TimeOfDay) -> None:
    assert time_of(text) is time


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("Thunder shook the house and she screamed in fear.", Mood.TENSE),
        ("They laughed and danced with joy.", Mood.JOYFUL),
        ("He wept at the grave, his tears cold.", Mood.SAD),
        ("A strange whisper came out of the fog.", Mood.MYSTERIOUS),
        ("The crowd cheered the hero's victory.", Mood.TRIUMPHANT),
        ("She folded the washing and put the kettle on.", Mood.CALM),
    ],
)
def test_mood_words_choose_the_mood(text: str, mood: Mood) -> None:
    assert mood_of(text) is mood


def test_one_mood_word_does_not_colour_a_long_scene() -> None:
    calm = "She walked along the lane and looked at the hedges. " * 30
    assert mood_of(calm + "She smiled.") is Mood.CALM


@pytest.mark.parametrize(
    "sentence",
    [
        "Later that night, the wind rose.",
        "The next morning she was gone.",
        "Years later, nobody remembered.",
        "At dawn the storm blew itself out.",
        "That evening at dusk they climbed the tower.",
        "One morning a letter came.",
    ],
)
def test_time_cues_open_a_new_scene(sentence: str) -> None:
    assert opens_with_time_cue(sentence)


@pytest.mark.parametrize(
    "sentence", ["She was late.", "Nobody later saw her.", "This evening she rested."]
)
def test_other_openings_are_not_time_cues(sentence: str) -> None:
    assert not opens_with_time_cue(sentence)


def test_place_cues_name_where_the_scene_goes() -> None:
    assert opening_setting("Back at the lighthouse, the lamp burned.") == (
        Place.SEA,
        "the lighthouse",
    )
    assert opening_setting("Meanwhile, in the village, people waited.") == (
        Place.VILLAGE,
        "the village",
    )
    assert opening_setting("At the top, in the lamp room, she trimmed the wick.") is None
    assert opening_setting("She went to the market.") is None
    assert opens_in_parallel("Meanwhile, in the village, people waited.")


def test_locations_are_short_phrases_from_the_text() -> None:
    text = (
        "Behind Lantern Street the old market woke. In her kitchen Mei cooked. The market hummed."
    )
    assert location_of(text, Place.CITY) == "the old market"
    assert location_of(text, Place.INTERIOR) == "the kitchen"
    assert locations_in(text) == ["Lantern Street", "the old market", "the kitchen"]
