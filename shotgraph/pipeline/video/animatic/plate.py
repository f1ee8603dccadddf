"""The plate of a shot: its backdrop with the characters (or an object) framed by shot type.

The plate is larger than the frame (camera.PLATE_SCALE) so the camera can move over it. Shot
types differ only in where things go and how large: a close-up is the same figure drawn so big
that the frame holds just the head and shoulders, with the background thrown out of focus.
"""

from __future__ import annotations

import random

import numpy as np

from shotgraph.config import Resolution
from shotgraph.models import Character, Place, Shot, ShotType, fingerprint
from shotgraph.pipeline.video.animatic.backdrop import Ground, draw_backdrop
from shotgraph.pipeline.video.animatic.camera import PLATE_SCALE
from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.creatures import head_point
from shotgraph.pipeline.video.animatic.figures import (
    Pose,
    creature_for,
    draw_character,
    height_of,
    look_for,
)
from shotgraph.pipeline.video.animatic.palette import Palette, mix, palette_for, shade
from shotgraph.pipeline.video.animatic.props import Prop, draw_prop, drawing_for, prop_for
from shotgraph.pipeline.video.animatic.weather import draw_weather
from shotgraph.pipeline.video.protocol import ShotRender

# Where the horizon sits (fraction of plate height) and how far the background is out of focus
# (blur in pixels at 576 rows), per shot type.
_HORIZON = {
    ShotType.EXTREME_WIDE: 0.64,
    ShotType.WIDE: 0.58,
    ShotType.FULL: 0.55,
    ShotType.MEDIUM: 0.55,
    ShotType.MEDIUM_CLOSE_UP: 0.52,
    ShotType.CLOSE_UP: 0.5,
    ShotType.EXTREME_CLOSE_UP: 0.5,
    ShotType.OVER_THE_SHOULDER: 0.52,
    ShotType.INSERT: 0.45,
}
_BLUR = {
    ShotType.MEDIUM_CLOSE_UP: 5.0,
    ShotType.CLOSE_UP: 10.0,
    ShotType.EXTREME_CLOSE_UP: 16.0,
    ShotType.OVER_THE_SHOULDER: 8.0,
    ShotType.INSERT: 12.0,
}
# How tall a person would stand, in frame heights, in the framings that show props on the
# ground beside the figures.
_PROPS_SIZE = {
    ShotType.EXTREME_WIDE: 0.1,
    ShotType.WIDE: 0.32,
    ShotType.FULL: 0.7,
    ShotType.MEDIUM: 0.9,
}
# The tallest thing (next to a person of 1.0) drawn in a room.
_LARGEST_INDOORS = 1.2
# Figure height in frame heights, for the framings that show people from the waist up.
_PORTRAIT_SIZE = {
    ShotType.MEDIUM: 1.55,
    ShotType.MEDIUM_CLOSE_UP: 2.1,
    ShotType.CLOSE_UP: 3.2,
}


def plate_size(resolution: Resolution) -> tuple[int, int]:
    """(width, height) of the plate for a frame size: even, as I420 needs."""
    return (
        round(resolution.width * PLATE_SCALE / 2) * 2,
        round(resolution.height * PLATE_SCALE / 2) * 2,
    )


def draw_plate(job: ShotRender) -> np.ndarray:
    """The shot's picture as an RGB array of `plate_size(job.resolution)`."""
    shot, setting = job.ref.shot, job.ref.scene.setting
    rng = random.Random(fingerprint("plate", job.ref.id, job.seed, job.style))
    width, height = plate_size(job.resolution)
    palette = palette_for(setting)
    canvas = Canvas(width, height)
    text = f"{setting.location} {shot.visual_prompt} {shot.narration_text}"
    horizon = _HORIZON[shot.type] + rng.uniform(-0.04, 0.04)
    ground = draw_backdrop(canvas, palette, setting.place, horizon, rng, text, setting.features)
    frame = _Frame(canvas, job.resolution, rng)
    in_space = setting.place is Place.SPACE or "spaceship" in setting.features
    indoors = setting.place in (Place.INTERIOR, Place.CAVE)
    if shot.type in _PROPS_SIZE and shot.props:
        _props_in_shot(canvas, frame, palette, ground, shot, rng, indoors, in_space)
    if shot.type in _BLUR:
        canvas.soften(_BLUR[shot.type] * job.resolution.height / 576)
    people = job.characters or _extras(job)
    if shot.type is ShotType.INSERT:
        thing = shot.props[0] if shot.props else prop_for(text)
        _insert(canvas, frame, palette, drawing_for(thing, in_space=in_space)[0], indoors)
    elif shot.type is ShotType.OVER_THE_SHOULDER:
        _over_the_shoulder(canvas, frame, palette, people)
    elif shot.type is ShotType.EXTREME_CLOSE_UP:
        _extreme_close_up(canvas, frame, palette, people[0])
    else:
        _group(canvas, frame, palette, ground, shot.type, people, rng)
    outdoors = setting.place not in (Place.INTERIOR, Place.CAVE, Place.SPACE)
    draw_weather(canvas, palette, rng, outdoors and shot.type is not ShotType.INSERT)
    canvas.vignette(0.5, palette.ink)
    return canvas.image


class _Frame:
    """The frame's rectangle at rest, centred in the plate, with a seeded nudge sideways."""

    def __init__(self, canvas: Canvas, resolution: Resolution, rng: random.Random) -> None:
        self.width, self.height = resolution.width, resolution.height
        self.top = (canvas.height - self.height) / 2
        self.bottom = self.top + self.height
        self.left = (canvas.width - self.width) / 2
        self.centre = canvas.width / 2 + rng.uniform(-0.06, 0.06) * self.width
        # Figures are sized by this rather than the height, so a tall 9:16 frame still fits two.
        self.unit = min(self.height, self.width * 1.25)


def _extras(job: ShotRender) -> list[Character]:
    """Someone to film when a people shot names nobody: the same stranger across a scene."""
    if job.ref.shot.type in (ShotType.EXTREME_WIDE, ShotType.WIDE, ShotType.INSERT):
        return []
    return [Character(name=f"stranger {job.ref.scene.index}")]


# A creature's drawn height in frame heights, for the framings that come close.
_CREATURE_PORTRAIT = {
    ShotType.MEDIUM: 0.5,
    ShotType.MEDIUM_CLOSE_UP: 0.68,
    ShotType.CLOSE_UP: 0.9,
}


def _group(
    canvas: Canvas,
    frame: _Frame,
    palette: Palette,
    ground: Ground,
    shot_type: ShotType,
    people: list[Character],
    rng: random.Random,
) -> None:
    if not people:
        return
    portrait = shot_type in _PORTRAIT_SIZE
    if portrait:
        shown = people[:2] if shot_type is not ShotType.CLOSE_UP else people[:1]
        size = frame.unit * _PORTRAIT_SIZE[shot_type]
        spacing = min(frame.width * 0.42, size * 0.34)
    else:
        shown = people[:4]
        size = frame.unit * {ShotType.EXTREME_WIDE: 0.1, ShotType.WIDE: 0.32}.get(shot_type, 0.7)
        # A cast of small creatures is drawn larger, as picture books do.
        tallest = max(height_of(person) for person in shown)
        size *= min(3.0, max(1.0, 1.0 / tallest))
        spacing = min(frame.width * 0.8 / max(1, len(shown)), size * 0.45)
    if any(creature_for(person) for person in shown):
        spacing = max(spacing, frame.width * (0.5 if portrait else 0.28) / max(1, len(shown) - 1))
    for position, person in enumerate(shown):
        offset = position - (len(shown) - 1) / 2
        x = frame.centre + offset * spacing * rng.uniform(0.9, 1.1)
        facing = -float(np.sign(offset)) if offset else rng.choice([-0.5, 0.0, 0.5])
        creature = creature_for(person)
        if creature and portrait:
            drawn = frame.height * _CREATURE_PORTRAIT[shot_type]
            side = -1.0 if facing < 0 else 1.0
            if len(shown) == 1:
                x = frame.centre - side * head_point(creature)[0] * drawn * 0.6
            feet = frame.bottom - frame.height * 0.06
            pose = Pose(facing=side)
            draw_character(canvas, person, palette, x, feet, drawn / creature.height, pose)
            continue
        look = look_for(person)
        if portrait:
            feet = frame.top + frame.height * 0.1 + size * look.height * 1.02
        elif shot_type is ShotType.FULL:
            feet = frame.bottom - frame.height * 0.07
        else:
            feet = ground.floor + rng.uniform(-0.02, 0.02) * frame.height
        pose = Pose(facing=facing or (rng.choice([-1.0, 1.0]) if creature else 0.0),
                    arm_raised=rng.random() < 0.25)  # fmt: skip
        draw_character(canvas, person, palette, x, feet, size, pose)


def _extreme_close_up(canvas: Canvas, frame: _Frame, palette: Palette, person: Character) -> None:
    creature = creature_for(person)
    eyes = frame.top + frame.height * 0.48
    if creature is not None:
        drawn = frame.height * 2.2
        forward, up = head_point(creature)
        x = frame.centre - forward * drawn
        draw_character(canvas, person, palette, x, eyes + up * drawn, drawn / creature.height,
                       Pose(facing=1.0))  # fmt: skip
        return
    look = look_for(person)
    size = frame.unit * 8.5 / look.height
    draw_character(canvas, person, palette, frame.centre, eyes + size * look.height * 0.91, size,
                   Pose())  # fmt: skip


def _over_the_shoulder(
    canvas: Canvas, frame: _Frame, palette: Palette, people: list[Character]
) -> None:
    near, far = people[0], people[1] if len(people) > 1 else people[0]
    far_height, near_height = height_of(far), height_of(near)
    far_size = frame.unit * (2.0 if creature_for(far) is None else 0.75 / far_height)
    far_feet = frame.top + frame.height * 0.12 + far_size * far_height
    if creature_for(far) is not None:
        far_feet = frame.bottom - frame.height * 0.12
    draw_character(canvas, far, palette, frame.centre + frame.width * 0.16, far_feet, far_size,
                   Pose(facing=-1.0))  # fmt: skip
    near_size = frame.unit * (3.4 if creature_for(near) is None else 1.3) / near_height
    silhouette = shade(mix(palette.ink, palette.near, 0.3), 0.8)
    draw_character(
        canvas,
        near,
        palette,
        frame.left + frame.width * 0.12 - (frame.height - frame.unit) * 0.3,
        frame.bottom + near_size * near_height * (0.55 if creature_for(near) is None else 0.3),
        near_size,
        Pose(facing=1.0, silhouette=silhouette),
    )


def _props_in_shot(
    canvas: Canvas,
    frame: _Frame,
    palette: Palette,
    ground: Ground,
    shot: Shot,
    rng: random.Random,
    indoors: bool,
    in_space: bool,
) -> None:
    """The things the shot names, standing on the ground beside whoever is in it; indoors,
    only what fits in a room (the house a kitchen belongs to is not drawn inside it)."""
    person = frame.unit * _PROPS_SIZE[shot.type]
    for position, thing in enumerate(shot.props):
        drawing, height = drawing_for(thing, in_space=in_space)
        if indoors and height > _LARGEST_INDOORS:
            continue
        size = min(person * height, frame.height * 0.8)
        side = 1 if position % 2 == 0 else -1
        x = frame.centre + side * frame.width * rng.uniform(0.26, 0.36)
        floor = ground.floor + rng.uniform(0.0, 0.03) * frame.height
        draw_prop(canvas, drawing, (x, floor - size * 0.5), size, palette)


def _insert(canvas: Canvas, frame: _Frame, palette: Palette, drawing: Prop, indoors: bool) -> None:
    """The thing large and close: on a table indoors, on the ground (snow, grass) outside."""
    table_top = frame.top + frame.height * 0.62
    wood = mix((132, 92, 62), palette.near, 0.3) if indoors else shade(palette.near, 0.95)
    canvas.gradient(shade(wood, 1.1), shade(wood, 0.75), table_top, canvas.height)
    size = min(frame.height * 0.62, frame.width * 0.7)
    centre = (frame.centre, table_top - size * 0.12)
    canvas.ellipse((centre[0], table_top + size * 0.3), (size * 0.5, size * 0.06), shade(wood, 0.7))
    draw_prop(canvas, drawing, centre, size, palette)
