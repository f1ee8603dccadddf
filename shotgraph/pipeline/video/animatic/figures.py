"""Stylised figures for the characters: the same person looks the same in every shot.

A character's look (height, build, colours, hair or hat) comes from a hash of their name and a
few words of their description, so it needs no state and no model. One drawing routine serves
every framing: a close-up is the same figure drawn large with the frame cutting it off.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from shotgraph.models import Character, fingerprint
from shotgraph.pipeline.video.animatic.canvas import Canvas, Point
from shotgraph.pipeline.video.animatic.creatures import Creature, anatomy_for, draw_creature
from shotgraph.pipeline.video.animatic.palette import Palette, Rgb, mix, shade
from shotgraph.pipeline.video.animatic.traits import traits_of

Headwear = Literal["none", "cap", "tall_hat", "hood", "long_hair", "bun", "crown", "helmet"]

# What someone's role puts on their head: "a young knight", "the old king", "an astronaut".
_ROLE_HEADWEAR: dict[str, Headwear] = {
    **dict.fromkeys(("king", "queen", "prince", "princess"), "crown"),
    **dict.fromkeys(("knight", "soldier", "astronaut", "diver"), "helmet"),
    **dict.fromkeys(("sailor", "fisherman", "captain", "conductor", "pilot"), "cap"),
}

_COATS: list[Rgb] = [
    (178, 74, 62), (64, 104, 150), (86, 132, 92), (196, 148, 64), (120, 84, 140),
    (70, 70, 84), (160, 100, 60), (60, 130, 138), (200, 120, 140), (110, 116, 60),
]  # fmt: skip
_SKINS: list[Rgb] = [
    (248, 214, 186),
    (230, 188, 150),
    (196, 144, 104),
    (150, 102, 72),
    (104, 70, 50),
]
_HAIRS: list[Rgb] = [
    (40, 30, 26),
    (92, 60, 38),
    (160, 110, 60),
    (214, 180, 110),
    (140, 140, 140),
    (120, 40, 30),
]
_GREY_HAIR: Rgb = (140, 140, 140)


@dataclass(frozen=True)
class Look:
    height: float
    """Relative to an average adult (1.0)."""
    build: float
    coat: Rgb
    skin: Rgb
    hair: Rgb
    headwear: Headwear
    dress: bool
    beard: bool
    scarf: Rgb | None = None


def look_for(character: Character) -> Look:
    """A person's look: drawn from their name, with what their description says (age, size,
    the colour of their coat, a hat) taking precedence."""
    rng = random.Random(fingerprint("look", character.name.lower()))
    words = f"{character.name} {character.description}".lower()
    traits = traits_of(character.description)
    height = rng.uniform(0.9, 1.06) * (1.08 if traits.size > 1 else 1.0)
    if any(word in words for word in ("child", "girl", "boy", "little", "young son", "daughter")):
        height *= 0.68
    headwear: Headwear
    if "hood" in words or "cloak" in words:
        headwear = "hood"
    elif "hat" in words or "cap" in words:
        headwear = "tall_hat" if rng.random() < 0.5 else "cap"
    elif character.gender == "female":
        headwear = rng.choice(["long_hair", "long_hair", "bun"])
    else:
        headwear = rng.choice(["none", "none", "cap", "tall_hat"])
    named = set(re.findall(r"[a-z]+", words))
    headwear = next((_ROLE_HEADWEAR[w] for w in _ROLE_HEADWEAR if w in named), headwear)
    old = any(word in words for word in ("old", "grey", "gray", "aged", "elderly", "grand"))
    hair = (150, 150, 150) if old else rng.choice(_HAIRS)
    if not old and hair == _GREY_HAIR:
        hair = _HAIRS[1]  # grey hair says old: only the old have it
    # Drawn in this order so that a person the description says nothing more about looks as
    # they always have.
    build = rng.uniform(0.85, 1.18)
    coat = rng.choice(_COATS)
    return Look(
        height=height,
        build=build,
        coat=traits.garment or traits.colour or coat,
        skin=rng.choice(_SKINS),
        hair=hair,
        headwear=headwear,
        dress=character.gender == "female" and rng.random() < 0.7,
        beard=character.gender == "male" and (old or "beard" in words or rng.random() < 0.2),
        scarf=traits.scarf,
    )


def creature_for(character: Character) -> Creature | None:
    """The creature a character is drawn as; None for a person."""
    if character.kind == "person":
        return None
    return Creature(anatomy_for(character.kind), traits_of(character.description))


def height_of(character: Character) -> float:
    """How tall the character stands next to an average adult (1.0)."""
    creature = creature_for(character)
    return creature.height if creature else look_for(character).height


def draw_character(
    canvas: Canvas,
    character: Character,
    palette: Palette,
    x: float,
    feet: float,
    size: float,
    pose: Pose,
) -> None:
    """Draw anyone, person or creature, feet at (x, feet); `size` is the height of an average
    adult at that distance, so a fox stands knee-high to a person beside it."""
    creature = creature_for(character)
    if creature is None:
        draw_figure(canvas, look_for(character), palette, x, feet, size, pose)
        return

    def lit(colour: Rgb) -> Rgb:
        return pose.silhouette or _lit(colour, palette)

    facing = pose.facing or (1.0 if fingerprint("facing", character.name) < "8" else -1.0)
    ink = pose.silhouette or palette.ink
    draw_creature(canvas, creature, lit, ink, x, feet, size * creature.height, facing)


def draw_character_alone(
    character: Character, palette: Palette, width: int, height: int
) -> np.ndarray:
    """One character on plain paper, filling the picture: a reference image of how the
    animatic draws them (RGB, `height` x `width`)."""
    canvas = Canvas(width, height, palette.paper)
    tall = height_of(character)
    # How wide the drawing is for its height: a standing person, or a creature in profile.
    creature = creature_for(character)
    upright = creature is None or creature.anatomy.plan in ("robot", "upright")
    wide = 0.45 if upright else 1.7
    size = min(height * 0.86, width * 0.9 / wide) / tall
    draw_character(canvas, character, palette, width / 2, height * 0.93, size, Pose(facing=1.0))
    return canvas.image


@dataclass(frozen=True)
class Pose:
    facing: float = 0.0
    """-1 looks left, 1 looks right, 0 at the camera."""
    arm_raised: bool = False
    silhouette: Rgb | None = None
    """Draw every part in this one colour (a foreground shoulder, a figure against the light)."""


def draw_figure(
    canvas: Canvas,
    look: Look,
    palette: Palette,
    x: float,
    feet: float,
    size: float,
    pose: Pose,
) -> None:
    """Draw a standing figure whose feet are at (x, feet) and who is `size` pixels tall."""
    u = size * look.height
    b = look.build

    def at(dx: float, dy: float) -> Point:
        return (x + dx * u, feet - dy * u)

    def colour(base: Rgb) -> Rgb:
        return pose.silhouette or _lit(base, palette)

    ink = pose.silhouette or palette.ink
    stroke = max(1, round(u * 0.004))
    coat, skin, hair = colour(look.coat), colour(look.skin), colour(look.hair)
    trousers = colour(shade(look.coat, 0.55))
    face = pose.facing * 0.012

    if look.headwear == "long_hair":
        canvas.polygon([at(-0.08, 0.93), at(0.08, 0.93), at(0.095, 0.74), at(-0.095, 0.74)], hair)
    for side in (-1, 1):
        canvas.line([at(side * 0.035 * b, 0.45), at(side * 0.05 * b, 0.03)], trousers, u * 0.06 * b)
        canvas.ellipse(at(side * 0.05 * b + pose.facing * 0.02, 0.02), (u * 0.04, u * 0.02), ink)
    hem = 0.2 if look.dress else 0.42
    hem_half = 0.16 if look.dress else 0.1
    canvas.polygon(
        [at(-0.11 * b, 0.8), at(0.11 * b, 0.8), at(0.09 * b, 0.55), at(hem_half * b, hem),
         at(-hem_half * b, hem), at(-0.09 * b, 0.55)],
        coat,
        ink,
        stroke,
    )  # fmt: skip
    for side in (-1, 1):
        raised = pose.arm_raised and side == (1 if pose.facing >= 0 else -1)
        hand = at(side * 0.2, 0.97) if raised else at(side * 0.135 * b, 0.47)
        elbow = at(side * 0.19, 0.8) if raised else at(side * 0.14 * b, 0.62)
        canvas.line([at(side * 0.1 * b, 0.78), elbow, hand], coat, u * 0.048)
        canvas.circle(hand, u * 0.026, skin)
    canvas.rect(*at(-0.022, 0.845), *at(0.022, 0.79), skin)
    if look.scarf:
        scarf = colour(look.scarf)
        canvas.line([at(-0.05, 0.8), at(0.05, 0.8)], scarf, u * 0.04)
        canvas.line([at(0.03, 0.8), at(0.05, 0.68)], scarf, u * 0.03)
    head = at(0.0, 0.905)
    radii = (u * 0.062, u * 0.074)
    if look.headwear in ("none", "long_hair", "bun", "cap"):
        canvas.ellipse(at(-face * 0.5, 0.925), (radii[0] * 1.08, radii[1] * 0.95), hair)
    if look.headwear == "bun":
        canvas.circle(at(-pose.facing * 0.05, 0.985), u * 0.03, hair)
    if look.headwear == "hood":
        canvas.ellipse(
            at(0.0, 0.915), (radii[0] * 1.35, radii[1] * 1.3), shade(coat, 0.8), ink, stroke
        )
    canvas.ellipse(head, radii, skin, outline=ink, width=stroke)
    if look.headwear in ("none", "long_hair", "bun"):
        canvas.ellipse(at(-face * 0.3, 0.955), (radii[0] * 1.02, radii[1] * 0.42), hair)
    if look.beard:
        canvas.ellipse(at(face, 0.865), (radii[0] * 0.8, radii[1] * 0.45), hair)
    _face(canvas, at, u, face, ink, pose.silhouette is None)
    if look.headwear == "cap":
        canvas.ellipse(
            at(0.0, 0.955), (radii[0] * 1.05, radii[1] * 0.5), shade(coat, 0.7), ink, stroke
        )
        canvas.ellipse(at(pose.facing * 0.06 + 0.0, 0.94), (u * 0.05, u * 0.012), shade(coat, 0.6))
    if look.headwear == "crown":
        gold = colour((226, 184, 64))
        points = [(-0.06, 0.975), (-0.065, 1.03), (-0.03, 1.0), (0.0, 1.04), (0.03, 1.0),
                  (0.065, 1.03), (0.06, 0.975)]  # fmt: skip
        canvas.polygon([at(dx, dy) for dx, dy in points], gold, ink, stroke)
    if look.headwear == "helmet":
        metal = colour((176, 180, 190))
        canvas.ellipse(at(0.0, 0.95), (radii[0] * 1.15, radii[1] * 0.75), metal, ink, stroke)
        canvas.rect(*at(-0.07, 0.95), *at(0.07, 0.93), shade(metal, 0.8))
    if look.headwear == "tall_hat":
        hat = colour((46, 40, 40))
        canvas.rect(*at(-0.055, 1.08), *at(0.055, 0.96), hat, ink)
        canvas.ellipse(at(0.0, 0.96), (u * 0.1, u * 0.016), hat, outline=ink, width=stroke)


def _face(
    canvas: Canvas,
    at: Callable[[float, float], Point],
    u: float,
    facing: float,
    ink: Rgb,
    features: bool,
) -> None:
    """Eyes and a mouth, once the head is big enough for them to read."""
    if not features or u * 0.008 < 0.8:
        return
    for side in (-1, 1):
        eye = at(side * 0.024 + facing * 1.4, 0.91)
        if u * 0.012 > 4:
            canvas.ellipse(
                eye,
                (u * 0.012, u * 0.008),
                (250, 248, 240),
                outline=ink,
                width=max(1, round(u * 0.002)),
            )
            canvas.circle((eye[0] + facing * u * 0.3, eye[1]), u * 0.0065, ink)
            brow = at(side * 0.024 + facing * 1.4, 0.928)
            canvas.line(
                [
                    (brow[0] - u * 0.013, brow[1] + u * 0.002),
                    (brow[0] + u * 0.013, brow[1] - u * 0.001),
                ],
                ink,
                u * 0.004,
            )
        else:
            canvas.circle(eye, u * 0.008, ink)
    canvas.line(
        [at(facing * 1.2 - 0.015, 0.868), at(facing * 1.2 + 0.015, 0.868)], ink, max(1.0, u * 0.004)
    )


def _lit(colour: Rgb, palette: Palette) -> Rgb:
    """Figures take the light of the scene: darker and bluer at night, warm at dusk."""
    if palette.night:
        return shade(mix(colour, palette.sky_bottom, 0.35), 0.7)
    return mix(colour, palette.light, 0.08)
