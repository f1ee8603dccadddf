"""The rules planner against a story set of our own (tests/stories), with what a reader would
expect written down by hand: who each character is (person, fox, robot...), where and when each
scene happens (place, season, weather, what kind of place), and what each shot shows.

A shot is picked by words of its narration; its expected props and kinds must be in the plan
(more may be there). Scenes are listed in order; a set of places means any of them will do,
where a reader could see the scene either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from shotgraph.intake import clean_story, split_title
from shotgraph.models import Place, Season, ShotPlan, Weather
from shotgraph.pipeline.planning.rules.text import words
from shotgraph.pipeline.planning.rules.vocabulary import THINGS
from tests.unit.pipeline.planning.planning_helpers import make_plan

STORIES = Path(__file__).resolve().parents[3] / "stories"


@dataclass(frozen=True)
class SceneIs:
    place: Place | frozenset[Place]
    season: Season | None = None
    weather: Weather = Weather.CLEAR
    features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ShotShows:
    props: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Expected:
    kinds: dict[str, str]
    """Every character, and their kind: no place and no one else."""
    scenes: list[SceneIs]
    shots: dict[str, ShotShows] = field(default_factory=dict)


EXPECTED: dict[str, Expected] = {
    "fox-and-crow": Expected(
        kinds={"the fox": "fox", "the crow": "crow"},
        scenes=[SceneIs(Place.FOREST, features=frozenset({"oak"}))],
        shots={
            "piece of cheese": ShotShows(frozenset({"cheese"}), frozenset({"crow"})),
            "trotted through the woods": ShotShows(frozenset({"cheese"}), frozenset({"fox"})),
            "the cheese fell": ShotShows(frozenset({"cheese"}), frozenset({"crow"})),
        },
    ),
    "tortoise-and-hare": Expected(
        kinds={"the tortoise": "tortoise", "the hare": "rabbit"},
        scenes=[SceneIs(frozenset({Place.FIELDS, Place.ROAD, Place.VILLAGE}), Season.SUMMER)],
        shots={"under a tree": ShotShows(frozenset({"tree"}), frozenset({"rabbit"}))},
    ),
    "the-storm-at-sea": Expected(
        kinds={"Tomas": "person"},
        scenes=[
            SceneIs(Place.SEA, features=frozenset({"harbour"})),
            SceneIs(Place.SEA, weather=Weather.STORM, features=frozenset({"lighthouse", "cliff"})),
        ],
        shots={
            "rowed his boat": ShotShows(frozenset({"boat"}), frozenset({"person"})),
            "hauled his net": ShotShows(frozenset({"net"})),
            "with a lantern": ShotShows(frozenset({"lantern"})),
        },
    ),
    "the-long-way-to-kepler": Expected(
        kinds={"Lena": "person", "Bolt": "robot"},
        scenes=[
            SceneIs(Place.SPACE, features=frozenset({"spaceship", "planet"})),
            SceneIs(Place.INTERIOR, features=frozenset({"spaceship"})),
            SceneIs(Place.SPACE, features=frozenset({"planet"})),
        ],
        shots={
            "Lena talked to Bolt": ShotShows(kinds=frozenset({"person", "robot"})),
            "drifted through space": ShotShows(frozenset({"ship"})),
        },
    ),
    "the-sled-dog": Expected(
        kinds={"Mira": "person", "Bruno": "dog"},
        scenes=[
            SceneIs(Place.SNOW, Season.WINTER, Weather.SNOW),
            SceneIs(Place.SNOW, Season.WINTER, Weather.SNOW),
        ],
        shots={"pulled her sled": ShotShows(frozenset({"sled"}), frozenset({"dog"}))},
    ),
    "the-city-bus": Expected(
        kinds={"Sam": "person"},
        scenes=[SceneIs(Place.CITY, weather=Weather.RAIN)],
        shots={
            "the red bus": ShotShows(frozenset({"bus", "umbrella"})),
        },
    ),
    "the-woman-and-the-cat": Expected(
        kinds={"the woman": "person", "the cat": "cat"},
        scenes=[SceneIs(Place.VILLAGE, Season.AUTUMN), SceneIs(Place.VILLAGE, Season.AUTUMN)],
        shots={
            "little cottage": ShotShows(frozenset({"cottage"}), frozenset({"person"})),
            "under a cart": ShotShows(frozenset({"cart"}), frozenset({"cat"})),
            "in her basket": ShotShows(frozenset({"basket"})),
        },
    ),
    "la-zorra-y-la-luna": Expected(
        kinds={"Lola": "fox"},
        scenes=[
            SceneIs(
                frozenset({Place.RIVER, Place.FOREST}),
                Season.WINTER,
                Weather.SNOW,
                frozenset({"pine"}),
            )
        ],
        shots={
            "era un queso": ShotShows(frozenset({"cheese"}), frozenset({"fox"})),
            "Saltó al agua": ShotShows(kinds=frozenset({"fox"})),
        },
    ),
    "three-goats-and-the-bridge": Expected(
        kinds={"the goat": "goat"},
        scenes=[SceneIs(Place.RIVER, features=frozenset({"bridge"}))],
        shots={"trip trap": ShotShows(kinds=frozenset({"goat"}))},
    ),
    "the-dragon-in-the-cave": Expected(
        kinds={"Ember": "dragon", "Rowan": "person"},
        scenes=[
            SceneIs(
                frozenset({Place.CAVE, Place.MOUNTAINS}),
                Season.SPRING,
                features=frozenset({"cave"}),
            )
        ],
        shots={
            "basket of apples": ShotShows(frozenset({"basket", "apple"})),
            "with his sword": ShotShows(frozenset({"sword"}), frozenset({"person"})),
            "heap of coins": ShotShows(frozenset({"coin"}), frozenset({"dragon"})),
        },
    ),
    "the-robot-in-the-kitchen": Expected(
        kinds={"Tink": "robot"},
        scenes=[
            SceneIs(Place.INTERIOR, features=frozenset({"kitchen"})),
            SceneIs(Place.INTERIOR, features=frozenset({"kitchen"})),
        ],
        shots={
            "baked bread": ShotShows(frozenset({"bread"}), frozenset({"robot"})),
            "the best cake": ShotShows(frozenset({"cake"})),
        },
    ),
    "the-owl-and-the-mouse": Expected(
        kinds={"the owl": "owl", "the mouse": "mouse"},
        scenes=[SceneIs(Place.FOREST, Season.AUTUMN, Weather.FOG, frozenset({"pine"}))],
        shots={"gather acorns": ShotShows(frozenset({"acorn"}), frozenset({"mouse"}))},
    ),
    "the-night-train": Expected(
        kinds={"Ada": "person"},
        scenes=[
            SceneIs(Place.ROAD, Season.WINTER, features=frozenset({"railway"})),
            SceneIs(Place.ROAD, Season.WINTER, Weather.SNOW, frozenset({"railway"})),
        ],
        shots={
            "caught the night train": ShotShows(frozenset({"train", "letter"})),
            "with a lamp": ShotShows(frozenset({"lamp"})),
        },
    ),
}


async def _plan(name: str) -> ShotPlan:
    text = (STORIES / f"{name}.txt").read_text(encoding="utf-8")
    _, story = split_title(clean_story(text))
    _, plan = await make_plan(story)
    return plan


def test_the_set_has_every_story_and_no_more() -> None:
    assert sorted(p.stem for p in STORIES.glob("*.txt")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_characters_are_who_a_reader_meets(name: str) -> None:
    plan = await _plan(name)
    assert {c.name: c.kind for c in plan.characters} == EXPECTED[name].kinds


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_scenes_are_where_and_when_the_story_says(name: str) -> None:
    plan = await _plan(name)
    expected = EXPECTED[name].scenes
    assert len(plan.scenes) == len(expected)
    for scene, wanted in zip(plan.scenes, expected, strict=True):
        setting = scene.setting
        places = wanted.place if isinstance(wanted.place, frozenset) else {wanted.place}
        assert setting.place in places, scene.source_text
        assert setting.season == wanted.season, scene.source_text
        assert setting.weather == wanted.weather, scene.source_text
        assert wanted.features <= set(setting.features), scene.source_text


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_shots_show_the_things_and_creatures_they_name(name: str) -> None:
    plan = await _plan(name)
    kinds = {c.name: c.kind for c in plan.characters}
    for phrase, wanted in EXPECTED[name].shots.items():
        shot = next((r.shot for r in plan.shots() if phrase in r.shot.narration_text), None)
        assert shot is not None, f"no shot narrates {phrase!r}"
        assert wanted.props <= set(shot.props), (phrase, shot.props)
        if wanted.kinds:
            in_frame = {kinds[n] for n in shot.characters}
            assert wanted.kinds <= in_frame or shot.type.value == "insert", (phrase, in_frame)


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_every_prop_is_named_by_its_shot(name: str) -> None:
    plan = await _plan(name)
    for ref in plan.shots():
        named = {THINGS.get(word.lower()) for word in words(ref.shot.narration_text)}
        assert set(ref.shot.props) <= named, (ref.shot.props, ref.shot.narration_text)
