from shotgraph.models import Character, Place, Scene, StoryDigest, TimeOfDay
from shotgraph.pipeline.planning.rules.scenes import MAX_SCENE_WORDS, split_scenes
from shotgraph.pipeline.planning.rules.text import normalise, word_count
from tests.unit.pipeline.planning.planning_helpers import example, word_characters


def scenes_of(story: str, characters: list[Character] | None = None) -> list[Scene]:
    return split_scenes(StoryDigest(text=normalise(story), characters=characters or []))


def test_the_lighthouse_story_moves_through_its_places_and_times() -> None:
    scenes = scenes_of(example("the-lighthouse-keeper"))
    assert 7 <= len(scenes) <= 11
    settings = [scene.setting for scene in scenes]
    assert {Place.SEA, Place.VILLAGE, Place.INTERIOR} <= {s.place for s in settings}
    assert {TimeOfDay.DUSK, TimeOfDay.NIGHT, TimeOfDay.DAWN, TimeOfDay.DAY} <= {
        s.time_of_day for s in settings
    }
    opening = {scene.source_text.split(",")[0]: scene for scene in scenes}
    assert opening["Back at the lighthouse"].setting.location == "the lighthouse"
    assert opening["Back at the lighthouse"].setting.time_of_day is TimeOfDay.NIGHT
    assert opening["Meanwhile"].setting.place is Place.VILLAGE
    kitchen = next(s for s in scenes if s.source_text.startswith("In the warm kitchen"))
    assert kitchen.setting.place is Place.INTERIOR
    assert "kitchen" in kitchen.setting.location
    dawn = next(s for s in scenes if s.source_text.startswith("At dawn"))
    assert dawn.setting.time_of_day is TimeOfDay.DAWN
    assert any(s.setting.mood.value == "tense" for s in scenes)


def test_the_short_stories_get_a_scene_per_time_of_day() -> None:
    fable = scenes_of(example("the-fox-and-the-lantern"))
    assert [s.setting.time_of_day for s in fable] == [TimeOfDay.DAY, TimeOfDay.NIGHT]
    assert fable[1].source_text.startswith("That night")
    assert {s.setting.place for s in fable} == {Place.FOREST}
    market = scenes_of(example("night-market"))
    assert [s.setting.place for s in market] == [Place.CITY, Place.CITY]
    assert market[1].source_text.startswith("At midnight")


def test_scenes_cover_the_story_in_order() -> None:
    story = normalise(example("the-lighthouse-keeper"))
    scenes = scenes_of(story)
    assert [scene.index for scene in scenes] == list(range(len(scenes)))
    assert word_characters("".join(s.source_text for s in scenes)) == word_characters(story)
    assert all(scene.shots == [] for scene in scenes)


def test_three_sentences_are_one_scene_whatever_their_cues() -> None:
    story = "Mara slept by the fire. The next morning she woke early. Later that night she sailed."
    assert len(scenes_of(story)) == 1


def test_a_story_without_paragraphs_still_gets_several_bounded_scenes() -> None:
    story = " ".join(normalise(example("the-lighthouse-keeper")).split())
    scenes = scenes_of(story)
    assert len(scenes) >= 5
    longest_sentence = 60
    assert all(word_count(s.source_text) <= MAX_SCENE_WORDS + longest_sentence for s in scenes)


def test_tiny_paragraphs_merge_into_one_scene() -> None:
    story = "Rain.\n\nMore rain.\n\nThe roof leaked.\n\nShe slept."
    assert len(scenes_of(story)) == 1


def test_a_scene_without_cues_carries_the_place_and_time_before_it() -> None:
    story = (
        "At night the harbour was quiet and the boats rocked on the black water. "
        "Mara waited on the pier with a lamp, watching for her brother's sail.\n\n"
        "Later, Mara counted the hours and the minutes and the slow ticking of the clock "
        "until her eyes closed. She did not see the sail. She did not hear the oars. "
        + "She dreamed of nothing at all for a long while. "
        * 4
    )
    scenes = scenes_of(story, [Character(name="Mara", gender="female")])
    assert len(scenes) == 2
    assert scenes[1].setting.place is Place.SEA
    assert scenes[1].setting.location == scenes[0].setting.location == "the harbour"
    assert scenes[1].setting.time_of_day is TimeOfDay.NIGHT
    assert scenes[1].title == "The harbour at night"


def test_scenes_list_their_characters_and_carry_them_through_pronouns() -> None:
    story = (
        "Mara ran to the harbour at dawn, her coat flapping in the cold wind. Tom was waiting "
        "there with the boat and a basket of bread for the long crossing.\n\n"
        "The next morning she climbed the hill alone. She looked back at the sea for a long "
        "time, and then she walked on towards the high pass and the snow."
    )
    cast = [Character(name="Mara", gender="female"), Character(name="Tom", gender="male")]
    scenes = scenes_of(story, cast)
    assert [scene.characters for scene in scenes] == [["Mara", "Tom"], ["Mara"]]


def test_a_story_with_no_usable_text_still_gets_a_scene() -> None:
    scenes = split_scenes(StoryDigest(text=""))
    assert len(scenes) == 1
    assert scenes[0].setting.location
