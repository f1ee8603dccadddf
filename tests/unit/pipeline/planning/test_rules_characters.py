from shotgraph.models import Character
from shotgraph.pipeline.planning.rules.characters import Findings, find_characters
from shotgraph.pipeline.planning.rules.text import normalise, split_sentences
from tests.unit.pipeline.planning.planning_helpers import example


def find(story: str) -> Findings:
    return find_characters(split_sentences(normalise(story)))


def cast_of(story: str) -> dict[str, Character]:
    return {character.name: character for character in find(story).characters}


def test_the_fable_has_its_two_animals() -> None:
    cast = cast_of(example("the-fox-and-the-lantern"))
    assert list(cast) == ["Pell", "Orla"]
    assert cast["Pell"].gender == "male"
    assert cast["Orla"].gender == "female"
    assert "fox" in cast["Pell"].description
    assert "badger" in cast["Orla"].description
    assert cast["Pell"].mentions >= 4


def test_the_lighthouse_story_has_its_people_under_one_name_each() -> None:
    findings = find(example("the-lighthouse-keeper"))
    cast = {character.name: character for character in findings.characters}
    assert set(cast) == {"Ada", "Finn", "Jonah", "Sam", "Mr Hale", "Nell"}
    assert {"Ada Marsh", "Old Ada"} <= set(cast["Ada"].aliases)
    assert cast["Jonah"].aliases == ["Jonah Reed"]
    assert cast["Nell"].aliases == ["Nell Reed"]
    genders = {name: c.gender for name, c in cast.items()}
    assert genders == {
        "Ada": "female",
        "Finn": "male",
        "Jonah": "male",
        "Sam": "male",
        "Mr Hale": "male",
        "Nell": "female",
    }
    assert cast["Mr Hale"].description == "the harbour master"
    assert cast["Nell"].description == "Jonah's wife"
    # Boats, landmarks and God are capitalised but are nobody in the cast.
    assert findings.place_names == ["Skerry Point"]


def test_the_night_market_keeps_its_street_out_of_the_cast() -> None:
    findings = find(example("night-market"))
    assert [(c.name, c.gender) for c in findings.characters] == [("Mei", "female"), ("Jun", "male")]
    assert findings.place_names == ["Lantern Street"]


def test_a_story_without_names_has_no_characters() -> None:
    story = (
        "The rain fell all day. The river rose. By evening the bridge was gone.\n\n"
        "Suddenly the wind stopped. Suddenly the birds sang. Later, the sun came out. "
        "Later, the village woke. Monday came. On Monday the roads were open again."
    )
    assert find(story).characters == []


def test_a_name_seen_once_counts_when_it_speaks_or_is_spoken_to() -> None:
    cast = cast_of('"Wait for me," said Ivo. The boat left. "Come back, Lena!" he shouted.')
    assert set(cast) == {"Ivo", "Lena"}
    assert cast_of("The boat left Ivo behind on the pier.") == {}


def test_a_name_only_ever_starting_sentences_needs_to_act_like_a_person() -> None:
    assert list(cast_of("Mara ran up the hill with her kite. Mara laughed.")) == ["Mara"]
    # Never written in lower case and twice at the start, but no person is meant.
    assert cast_of("Thunder rolled. Thunder cracked over the roofs.") == {}


def test_multi_word_names_possessives_and_honorifics() -> None:
    cast = cast_of(
        "Old Tom mended nets by the harbour. Everyone liked Old Tom's stories. "
        "Mrs Pike sold bread. The baker, Mrs Pike, was kind to Old Tom."
    )
    assert set(cast) == {"Old Tom", "Mrs Pike"}
    assert cast["Mrs Pike"].gender == "female"
    assert cast["Old Tom"].mentions == 3


def test_places_after_in_and_landmarks_after_the_are_not_people() -> None:
    findings = find(
        "Kara sailed the Gull to Port Ewan. In Marlow she sold fish. The Gull was fast. "
        "Kara loved Marlow in spring, and in Marlow she stayed."
    )
    assert [c.name for c in findings.characters] == ["Kara"]
    assert "Marlow" in findings.place_names
