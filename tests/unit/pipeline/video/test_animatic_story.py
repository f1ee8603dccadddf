"""The animatic draws what the plan says: each character's kind with its traits, every place,
season and weather, and the things a shot names."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from shotgraph.config import Resolution
from shotgraph.models import (
    Character,
    Mood,
    Place,
    Scene,
    Season,
    Setting,
    Shot,
    ShotRef,
    ShotType,
    TimeOfDay,
    Weather,
)
from shotgraph.pipeline.video.animatic import AnimaticBackend
from shotgraph.pipeline.video.animatic.creatures import ANATOMY
from shotgraph.pipeline.video.animatic.figures import draw_character_alone
from shotgraph.pipeline.video.animatic.interiors import INTERIORS
from shotgraph.pipeline.video.animatic.palette import palette_for
from shotgraph.pipeline.video.protocol import ShotRender
from tests.unit.pipeline.planning.planning_helpers import example, make_plan

SMALL = Resolution(width=320, height=180)
FOX = Character(name="Pell", kind="fox", description="a young red fox with one white ear")
PAPER = palette_for(Setting(location="paper"))


def plate(
    tmp_path: Path,
    *,
    characters: list[Character] | None = None,
    shot_type: ShotType = ShotType.FULL,
    props: list[str] | None = None,
    **setting: object,
) -> np.ndarray:
    """The RGB plate of one shot."""
    shot = Shot(
        index=0,
        type=shot_type,
        duration_s=2.0,
        visual_prompt="a shot",
        characters=[c.name for c in characters or []],
        props=props or [],
    )
    fields = {"location": "somewhere", "mood": Mood.CALM, **setting}
    scene = Scene(index=0, setting=Setting(**fields), shots=[shot])
    job = ShotRender(
        ref=ShotRef(scene=scene, shot=scene.shots[0]),
        characters=characters or [],
        style="storybook",
        seed=3,
        resolution=SMALL,
        fps=12,
        duration_s=2.0,
    )
    out = tmp_path / "plate.png"
    AnimaticBackend().render(job, out)
    return cv2.cvtColor(cv2.imread(str(out)), cv2.COLOR_BGR2RGB).astype(np.float32)


def near(picture: np.ndarray, colour: tuple[int, int, int], tolerance: float = 40) -> float:
    """The share of pixels within `tolerance` of `colour`."""
    return float((np.abs(picture - np.asarray(colour)).sum(axis=2) < tolerance).mean())


@pytest.mark.parametrize("kind", sorted(ANATOMY))
def test_every_kind_draws_alone_and_unlike_a_person(kind: str) -> None:
    creature = draw_character_alone(Character(name="X", kind=kind), PAPER, 160, 120)
    person = draw_character_alone(Character(name="X"), PAPER, 160, 120)
    assert creature.shape == (120, 160, 3)
    assert near(creature.astype(np.float32), PAPER.paper, 6) < 0.95, "nothing drawn"
    assert np.abs(creature.astype(np.float32) - person).mean() > 4


def test_a_fox_is_fox_coloured_and_a_grey_badger_is_not() -> None:
    fox = draw_character_alone(FOX, PAPER, 200, 150).astype(np.float32)
    badger = draw_character_alone(
        Character(name="Orla", kind="badger", description="an old grey badger"), PAPER, 200, 150
    ).astype(np.float32)
    assert near(fox, (186, 72, 40), 60) > 0.05
    assert near(badger, (186, 72, 40), 60) < 0.005


def test_the_traits_a_phrase_names_are_drawn() -> None:
    plain = draw_character_alone(Character(name="P", kind="fox"), PAPER, 200, 150)
    for description in ("a fox with one white ear", "a fox in a blue hat", "a grey fox"):
        traits = Character(name="P", kind="fox", description=description)
        drawn = draw_character_alone(traits, PAPER, 200, 150)
        assert not np.array_equal(plain, drawn), description
    blue = draw_character_alone(
        Character(name="P", kind="fox", description="a fox in a blue hat"), PAPER, 200, 150
    ).astype(np.float32)
    assert near(plain.astype(np.float32), (62, 104, 176), 50) == 0
    assert near(blue, (62, 104, 176), 50) > 0.002


def test_people_wear_what_their_role_and_phrase_say() -> None:
    def drawn(description: str) -> np.ndarray:
        person = Character(name="Rowan", gender="male", description=description)
        return draw_character_alone(person, PAPER, 160, 200).astype(np.float32)

    plain = drawn("a young man")
    assert near(drawn("a young king"), (226, 184, 64), 40) > near(plain, (226, 184, 64), 40)
    assert not np.array_equal(drawn("a young knight"), plain)
    assert near(drawn("a young man in a green coat"), (76, 140, 80), 40) > 0.05
    assert near(drawn("a young man in a red scarf"), (186, 72, 40), 60) > near(
        plain, (186, 72, 40), 60
    )


def test_a_character_looks_the_same_in_every_shot(tmp_path: Path) -> None:
    first = draw_character_alone(FOX, PAPER, 200, 150)
    again = draw_character_alone(FOX.model_copy(), PAPER, 200, 150)
    assert np.array_equal(first, again)
    wide = plate(tmp_path, characters=[FOX], place=Place.FOREST)
    close = plate(tmp_path, characters=[FOX], shot_type=ShotType.CLOSE_UP, place=Place.FOREST)
    assert near(wide, (186, 72, 40), 60) > 0.003
    assert near(close, (186, 72, 40), 60) > near(wide, (186, 72, 40), 60)


@pytest.mark.parametrize("shot_type", list(ShotType))
def test_every_framing_shows_a_creature(tmp_path: Path, shot_type: ShotType) -> None:
    badger = Character(name="Orla", kind="badger", description="an old grey badger")
    # Over the shoulder, the first is the dark shoulder in front: the fox faces us from behind.
    cast = [badger, FOX] if shot_type is ShotType.OVER_THE_SHOULDER else [FOX, badger]
    picture = plate(tmp_path, characters=cast, shot_type=shot_type, place=Place.HILLS)
    # An extreme wide shot shows the place; the fox in it is a few pixels at this size.
    least = 0.00005 if shot_type is ShotType.EXTREME_WIDE else 0.001
    if shot_type is not ShotType.INSERT:
        assert near(picture, (186, 72, 40), 60) > least, shot_type
    people = [Character(name="Pell"), Character(name="Orla", gender="female")]
    as_people = plate(tmp_path, characters=people, shot_type=shot_type, place=Place.HILLS)
    assert not np.array_equal(picture, as_people) or shot_type is ShotType.INSERT


@pytest.mark.parametrize("place", list(Place))
def test_every_place_draws(tmp_path: Path, place: Place) -> None:
    for shot_type in (ShotType.WIDE, ShotType.MEDIUM):
        picture = plate(tmp_path, characters=[FOX], shot_type=shot_type, place=place)
        assert picture.std() > 12, (place, shot_type)


def test_places_look_unlike_each_other(tmp_path: Path) -> None:
    pictures = {place: plate(tmp_path, shot_type=ShotType.WIDE, place=place) for place in Place}
    places = list(pictures)
    for i, first in enumerate(places):
        for second in places[i + 1 :]:
            difference = np.abs(pictures[first] - pictures[second]).mean()
            assert difference > 6, (first, second)


@pytest.mark.parametrize("feature", sorted(INTERIORS))
def test_each_kind_of_room_draws_its_own(tmp_path: Path, feature: str) -> None:
    room = plate(tmp_path, place=Place.INTERIOR, features=[feature])
    plain = plate(tmp_path, place=Place.INTERIOR)
    assert np.abs(room - plain).mean() > 10


def test_winter_lays_snow_on_the_ground(tmp_path: Path) -> None:
    summer = plate(tmp_path, place=Place.FOREST, season=Season.SUMMER)
    winter = plate(tmp_path, place=Place.FOREST, season=Season.WINTER)
    ground = slice(SMALL.height, None)
    assert winter[ground].mean() > summer[ground].mean() + 40


@pytest.mark.parametrize("weather", [Weather.SNOW, Weather.RAIN, Weather.STORM, Weather.FOG])
def test_weather_changes_the_plate(tmp_path: Path, weather: Weather) -> None:
    clear = plate(tmp_path, place=Place.HILLS)
    changed = plate(tmp_path, place=Place.HILLS, weather=weather)
    assert np.abs(clear - changed).mean() > 5, weather


def test_trees_follow_the_kind_of_wood(tmp_path: Path) -> None:
    birch = plate(tmp_path, place=Place.FOREST, features=["birch"], shot_type=ShotType.WIDE)
    pine = plate(tmp_path, place=Place.FOREST, features=["pine"], shot_type=ShotType.WIDE)
    assert near(birch, (236, 232, 222), 40) > near(pine, (236, 232, 222), 40) + 0.005
    assert np.abs(birch - pine).mean() > 5


def test_the_things_a_shot_names_are_in_it(tmp_path: Path) -> None:
    empty = plate(tmp_path, place=Place.HILLS, shot_type=ShotType.WIDE)
    house = plate(tmp_path, place=Place.HILLS, shot_type=ShotType.WIDE, props=["house"])
    assert np.abs(empty - house).mean() > 1
    cheese = plate(tmp_path, place=Place.HILLS, shot_type=ShotType.INSERT, props=["cheese"])
    lantern = plate(tmp_path, place=Place.HILLS, shot_type=ShotType.INSERT, props=["lantern"])
    assert near(cheese, (240, 200, 90), 40) > 0.02
    assert np.abs(cheese - lantern).mean() > 3


def test_a_room_holds_only_what_fits_in_it(tmp_path: Path) -> None:
    kitchen = {"place": Place.INTERIOR, "features": ["kitchen"], "shot_type": ShotType.WIDE}
    bare = plate(tmp_path, **kitchen)
    assert np.array_equal(bare, plate(tmp_path, props=["house"], **kitchen))
    assert not np.array_equal(bare, plate(tmp_path, props=["cup"], **kitchen))


def test_a_ship_among_the_stars_is_a_rocket(tmp_path: Path) -> None:
    at_sea = plate(tmp_path, place=Place.SEA, shot_type=ShotType.INSERT, props=["ship"])
    in_space = plate(tmp_path, place=Place.SPACE, shot_type=ShotType.INSERT, props=["ship"])
    rocket = plate(tmp_path, place=Place.SPACE, shot_type=ShotType.INSERT, props=["rocket"])
    assert np.array_equal(in_space, rocket)
    assert not np.array_equal(at_sea, in_space)


async def test_the_example_film_shows_a_fox_and_a_badger_in_snow(tmp_path: Path) -> None:
    _, plan = await make_plan(example("the-fox-and-the-lantern"))
    kinds = {c.name: c.kind for c in plan.characters}
    assert kinds == {"Pell": "fox", "Orla": "badger"}
    snowy = [
        ref
        for ref in plan.shots()
        if ref.scene.setting.season is Season.WINTER and ref.scene.setting.place is Place.FOREST
    ]
    seen = {kinds[name] for ref in snowy for name in ref.shot.characters}
    assert seen == {"fox", "badger"}
    assert any("lantern" in ref.shot.props for ref in plan.shots())
    badger_shot = next(ref for ref in snowy if "Orla" in ref.shot.characters)
    setting = badger_shot.scene.setting
    picture = plate(
        tmp_path,
        characters=[plan.character("Orla")],
        shot_type=badger_shot.shot.type,
        place=setting.place,
        season=setting.season,
        time_of_day=TimeOfDay.DAY,
        features=setting.features,
    )
    assert picture[SMALL.height :].mean() > 150, "the ground is not snow"


@pytest.mark.parametrize("feature", ["cliff", "cave", "castle", "windmill", "harbour", "den"])
def test_landmarks_the_scene_names_are_drawn(tmp_path: Path, feature: str) -> None:
    place = {"harbour": Place.SEA, "den": Place.FOREST}.get(feature, Place.HILLS)
    plain = plate(tmp_path, place=place, shot_type=ShotType.WIDE)
    named = plate(tmp_path, place=place, shot_type=ShotType.WIDE, features=[feature])
    assert np.abs(plain - named).mean() > 0.5, feature
