"""Objects for insert shots, picked by the words of the shot: a lantern, a letter, a key..."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Literal

import numpy as np

from shotgraph.pipeline.video.animatic.canvas import Canvas, Point
from shotgraph.pipeline.video.animatic.palette import Palette, mix, shade

Prop = Literal[
    "lantern", "letter", "key", "book", "cup", "boat", "bell", "chest", "apple", "flower", "tree",
    "house", "car", "train", "bicycle", "cart", "rocket", "coin", "crown", "sword", "basket",
    "bottle", "hat", "mushroom", "cheese", "sled",
]  # fmt: skip

# First match wins, so the more specific words come first.
_KEYWORDS: list[tuple[Prop, tuple[str, ...]]] = [
    ("lantern", ("lantern", "lamp", "candle", "torch", "light")),
    ("letter", ("letter", "envelope", "note", "message", "map", "paper")),
    ("key", ("key", "lock")),
    ("book", ("book", "diary", "journal", "page", "logbook")),
    ("cup", ("cup", "tea", "mug", "coffee", "drink", "glass")),
    ("boat", ("boat", "ship", "sail", "vessel")),
    ("bell", ("bell", "ring", "chime")),
]


# The planner's names for things (models.Shot.props) -> the drawing that shows each, and how
# tall it stands next to a person (1.0) when it is in a shot rather than an insert.
_DRAWN_AS: dict[str, tuple[Prop, float]] = {
    **dict.fromkeys(("lantern", "lamp", "candle", "torch"), ("lantern", 0.22)),
    **dict.fromkeys(("letter", "map", "parcel"), ("letter", 0.15)),
    "key": ("key", 0.12),
    **dict.fromkeys(("book", "compass", "telescope", "mirror"), ("book", 0.18)),
    "cup": ("cup", 0.12),
    **dict.fromkeys(("boat", "canoe", "raft", "ship"), ("boat", 0.9)),
    **dict.fromkeys(("bell", "clock", "drum"), ("bell", 0.3)),
    **dict.fromkeys(("chest", "box", "net", "rope", "ladder", "bucket", "tent"), ("chest", 0.35)),
    **dict.fromkeys(
        ("apple", "egg", "pumpkin", "acorn", "carrot", "ball", "stone", "shell"), ("apple", 0.14)
    ),
    **dict.fromkeys(("flower", "rose", "feather"), ("flower", 0.25)),
    "tree": ("tree", 2.2),
    **dict.fromkeys(
        ("house", "cottage", "hut", "barn", "tower", "castle", "windmill"), ("house", 1.9)
    ),
    **dict.fromkeys(("car", "bus", "truck", "tractor", "plane"), ("car", 0.8)),
    "train": ("train", 1.3),
    "bicycle": ("bicycle", 0.6),
    **dict.fromkeys(("cart", "wagon"), ("cart", 0.6)),
    **dict.fromkeys(("sled", "sledge"), ("sled", 0.35)),
    **dict.fromkeys(("rocket", "balloon"), ("rocket", 2.0)),
    **dict.fromkeys(("coin", "ring"), ("coin", 0.1)),
    "crown": ("crown", 0.15),
    "sword": ("sword", 0.5),
    "basket": ("basket", 0.25),
    **dict.fromkeys(("bottle", "honey"), ("bottle", 0.2)),
    **dict.fromkeys(("hat", "scarf", "umbrella", "kite"), ("hat", 0.22)),
    "mushroom": ("mushroom", 0.18),
    **dict.fromkeys(("cheese", "bread", "cake"), ("cheese", 0.14)),
}


# What a ship or a boat is among the stars.
_IN_SPACE: dict[str, tuple[Prop, float]] = dict.fromkeys(("ship", "boat"), ("rocket", 2.0))


def drawing_for(thing: str, *, in_space: bool = False) -> tuple[Prop, float]:
    """How a thing the plan names is drawn, and its height next to a person."""
    if in_space and thing in _IN_SPACE:
        return _IN_SPACE[thing]
    return _DRAWN_AS.get(thing) or (prop_for(thing), 0.3)


def prop_for(text: str) -> Prop:
    words = set(re.findall(r"[a-z]+", text.lower()))
    for prop, keywords in _KEYWORDS:
        if any(keyword in words or f"{keyword}s" in words for keyword in keywords):
            return prop
    return "chest"


def draw_prop(canvas: Canvas, prop: Prop, centre: Point, size: float, palette: Palette) -> None:
    """Draw `prop` about `size` pixels tall, centred on `centre`."""
    _DRAWERS[prop](canvas, centre, size, palette)


def _lantern(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    metal, glow = shade((70, 60, 50), 0.9), mix(p.accent, (255, 236, 170), 0.5)
    canvas.circle((x, y), s * 0.45, mix(glow, p.sky_bottom, 0.6))
    canvas.line(
        [(x - s * 0.12, y - s * 0.42), (x, y - s * 0.55), (x + s * 0.12, y - s * 0.42)],
        metal,
        s * 0.03,
    )
    canvas.polygon(
        [(x - s * 0.2, y - s * 0.3), (x + s * 0.2, y - s * 0.3), (x, y - s * 0.44)], metal, p.ink
    )
    canvas.rect(x - s * 0.16, y - s * 0.3, x + s * 0.16, y + s * 0.3, glow, p.ink)
    canvas.ellipse((x, y + s * 0.02), (s * 0.05, s * 0.11), (255, 250, 220))
    for dx in (-0.16, 0.16):
        canvas.line([(x + dx * s, y - s * 0.3), (x + dx * s, y + s * 0.3)], metal, s * 0.035)
    canvas.rect(x - s * 0.22, y + s * 0.3, x + s * 0.22, y + s * 0.4, metal, p.ink)


def _letter(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    paper = mix(p.paper, (250, 240, 210), 0.5)
    canvas.polygon(
        [
            (x - s * 0.5, y - s * 0.32),
            (x + s * 0.5, y - s * 0.36),
            (x + s * 0.52, y + s * 0.32),
            (x - s * 0.48, y + s * 0.34),
        ],
        paper,
        p.ink,
    )
    for row in range(6):
        ly = y - s * 0.2 + row * s * 0.09
        canvas.line(
            [(x - s * 0.38, ly), (x + s * (0.38 - 0.1 * (row % 3)), ly - s * 0.01)],
            mix(p.ink, paper, 0.45),
            s * 0.012,
        )
    canvas.circle((x + s * 0.32, y + s * 0.22), s * 0.06, (170, 40, 40))


def _key(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    brass = (198, 160, 70)
    canvas.circle((x - s * 0.3, y), s * 0.18, brass)
    canvas.circle((x - s * 0.3, y), s * 0.08, mix(p.near, p.paper, 0.3))
    canvas.line([(x - s * 0.14, y), (x + s * 0.45, y)], brass, s * 0.07)
    for tooth in (0.3, 0.42):
        canvas.line([(x + s * tooth, y), (x + s * tooth, y + s * 0.12)], brass, s * 0.06)


def _book(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    cover, pages = shade(p.accent, 0.6), mix(p.paper, (250, 240, 210), 0.5)
    canvas.polygon(
        [
            (x - s * 0.52, y - s * 0.28),
            (x + s * 0.52, y - s * 0.28),
            (x + s * 0.55, y + s * 0.3),
            (x - s * 0.55, y + s * 0.3),
        ],
        cover,
        p.ink,
    )
    for side in (-1, 1):
        canvas.polygon(
            [
                (x, y - s * 0.22),
                (x + side * s * 0.48, y - s * 0.26),
                (x + side * s * 0.5, y + s * 0.24),
                (x, y + s * 0.26),
            ],
            pages,
            p.ink,
        )
        for row in range(5):
            ly = y - s * 0.14 + row * s * 0.08
            canvas.line(
                [(x + side * s * 0.08, ly), (x + side * s * 0.4, ly)],
                mix(p.ink, pages, 0.5),
                s * 0.01,
            )


def _cup(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    china = mix(p.paper, (230, 236, 244), 0.4)
    canvas.ellipse((x, y + s * 0.32), (s * 0.42, s * 0.08), shade(china, 0.8), p.ink)
    canvas.ellipse((x + s * 0.28, y), (s * 0.13, s * 0.13), china, p.ink, max(1, round(s * 0.04)))
    canvas.polygon(
        [
            (x - s * 0.3, y - s * 0.25),
            (x + s * 0.3, y - s * 0.25),
            (x + s * 0.22, y + s * 0.3),
            (x - s * 0.22, y + s * 0.3),
        ],
        china,
        p.ink,
    )
    canvas.ellipse((x, y - s * 0.25), (s * 0.3, s * 0.07), (120, 78, 50), p.ink)
    for dx in (-0.08, 0.06):
        canvas.line(
            [(x + dx * s, y - s * 0.35), (x + (dx + 0.04) * s, y - s * 0.5)],
            mix(p.paper, p.sky_bottom, 0.5),
            s * 0.02,
        )


def _boat(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.ellipse((x, y + s * 0.32), (s * 0.6, s * 0.06), shade(p.far, 0.7))
    canvas.polygon(
        [
            (x - s * 0.5, y + s * 0.1),
            (x + s * 0.55, y + s * 0.1),
            (x + s * 0.35, y + s * 0.3),
            (x - s * 0.38, y + s * 0.3),
        ],
        shade(p.accent, 0.6),
        p.ink,
    )
    canvas.line([(x, y + s * 0.1), (x, y - s * 0.5)], p.ink, s * 0.025)
    canvas.polygon(
        [(x + s * 0.03, y - s * 0.48), (x + s * 0.42, y + s * 0.04), (x + s * 0.03, y + s * 0.04)],
        p.paper,
        p.ink,
    )
    canvas.polygon(
        [(x - s * 0.03, y - s * 0.36), (x - s * 0.3, y + s * 0.04), (x - s * 0.03, y + s * 0.04)],
        mix(p.paper, p.accent, 0.3),
        p.ink,
    )


def _bell(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    bronze = (176, 128, 60)
    canvas.line([(x, y - s * 0.45), (x, y - s * 0.3)], p.ink, s * 0.05)
    canvas.polygon(
        [
            (x - s * 0.14, y - s * 0.3),
            (x + s * 0.14, y - s * 0.3),
            (x + s * 0.24, y + s * 0.1),
            (x + s * 0.36, y + s * 0.25),
            (x - s * 0.36, y + s * 0.25),
            (x - s * 0.24, y + s * 0.1),
        ],
        bronze,
        p.ink,
    )
    canvas.ellipse((x, y - s * 0.3), (s * 0.14, s * 0.05), bronze, outline=p.ink)
    canvas.circle((x, y + s * 0.3), s * 0.07, shade(bronze, 0.6))


def _chest(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    wood, band = (140, 92, 56), (200, 168, 80)
    canvas.rect(x - s * 0.45, y - s * 0.05, x + s * 0.45, y + s * 0.35, wood, p.ink)
    canvas.ellipse((x, y - s * 0.05), (s * 0.45, s * 0.22), shade(wood, 1.1), p.ink)
    canvas.rect(x - s * 0.45, y - s * 0.04, x + s * 0.45, y + s * 0.02, shade(wood, 0.8))
    for dx in (-0.3, 0.3):
        canvas.rect(x + (dx - 0.03) * s, y - s * 0.2, x + (dx + 0.03) * s, y + s * 0.35, band)
    canvas.rect(x - s * 0.05, y - s * 0.02, x + s * 0.05, y + s * 0.1, band, p.ink)


def _apple(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.circle((x, y + s * 0.05), s * 0.38, (196, 50, 44))
    canvas.circle((x - s * 0.12, y - s * 0.08), s * 0.1, (232, 120, 110))
    canvas.line([(x, y - s * 0.3), (x + s * 0.05, y - s * 0.45)], (90, 60, 40), s * 0.04)
    canvas.ellipse((x + s * 0.15, y - s * 0.38), (s * 0.12, s * 0.05), (80, 140, 70))


def _flower(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.line([(x, y + s * 0.5), (x, y - s * 0.1)], (70, 130, 70), s * 0.04)
    canvas.ellipse((x + s * 0.1, y + s * 0.2), (s * 0.12, s * 0.05), (80, 150, 80))
    for dx, dy in ((0, -0.32), (0.15, -0.2), (-0.15, -0.2), (0.1, -0.04), (-0.1, -0.04)):
        canvas.circle((x + dx * s, y + dy * s), s * 0.1, shade(p.accent, 1.1))
    canvas.circle((x, y - s * 0.17), s * 0.08, (240, 200, 70))


def _tree(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.rect(x - s * 0.06, y, x + s * 0.06, y + s * 0.5, (110, 80, 56), p.ink)
    canvas.ellipse((x, y - s * 0.1), (s * 0.35, s * 0.4), shade(p.mid, 0.85), p.ink)


def _house(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    wall = mix(p.paper, (210, 180, 140), 0.5)
    canvas.rect(x - s * 0.35, y - s * 0.05, x + s * 0.35, y + s * 0.5, wall, p.ink)
    canvas.polygon(
        [(x - s * 0.45, y - s * 0.05), (x, y - s * 0.5), (x + s * 0.45, y - s * 0.05)],
        shade(p.accent, 0.75),
        p.ink,
    )
    canvas.rect(x - s * 0.08, y + s * 0.22, x + s * 0.08, y + s * 0.5, shade(wall, 0.5))
    window = p.accent if p.night else mix(p.sky_bottom, p.ink, 0.2)
    canvas.rect(x - s * 0.27, y + s * 0.08, x - s * 0.14, y + s * 0.2, window, p.ink)
    canvas.rect(x + s * 0.14, y + s * 0.08, x + s * 0.27, y + s * 0.2, window, p.ink)


def _wheel(canvas: Canvas, at: Point, r: float, p: Palette) -> None:
    canvas.circle(at, r, p.ink)
    canvas.circle(at, r * 0.45, (170, 170, 176))


def _car(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    body = shade(p.accent, 0.9)
    canvas.rect(x - s * 0.5, y, x + s * 0.5, y + s * 0.25, body, p.ink)
    canvas.polygon(
        [
            (x - s * 0.3, y),
            (x - s * 0.18, y - s * 0.2),
            (x + s * 0.2, y - s * 0.2),
            (x + s * 0.32, y),
        ],
        body,
        p.ink,
    )
    canvas.polygon(
        [
            (x - s * 0.24, y - s * 0.02),
            (x - s * 0.15, y - s * 0.16),
            (x + s * 0.17, y - s * 0.16),
            (x + s * 0.25, y - s * 0.02),
        ],
        mix(p.sky_bottom, (230, 240, 250), 0.5),
    )
    for dx in (-0.3, 0.3):
        _wheel(canvas, (x + dx * s, y + s * 0.26), s * 0.11, p)


def _train(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    body = (60, 90, 70)
    canvas.rect(x - s * 0.55, y - s * 0.1, x + s * 0.1, y + s * 0.3, body, p.ink)
    canvas.rect(x + s * 0.1, y - s * 0.3, x + s * 0.5, y + s * 0.3, shade(body, 1.2), p.ink)
    canvas.rect(x - s * 0.45, y - s * 0.35, x - s * 0.33, y - s * 0.1, p.ink)
    canvas.rect(x + s * 0.2, y - s * 0.22, x + s * 0.4, y - s * 0.05, p.accent)
    for dx in (-0.4, -0.1, 0.25):
        _wheel(canvas, (x + dx * s, y + s * 0.32), s * 0.1, p)


def _bicycle(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    for dx in (-0.3, 0.3):
        canvas.circle((x + dx * s, y + s * 0.2), s * 0.2, p.ink)
        canvas.circle((x + dx * s, y + s * 0.2), s * 0.17, mix(p.near, p.paper, 0.2))
    frame = shade(p.accent, 0.8)
    canvas.line(
        [
            (x - s * 0.3, y + s * 0.2),
            (x - s * 0.05, y - s * 0.05),
            (x + s * 0.22, y - s * 0.05),
            (x + s * 0.3, y + s * 0.2),
        ],
        frame,
        s * 0.035,
    )
    canvas.line(
        [(x - s * 0.05, y - s * 0.05), (x, y + s * 0.2), (x + s * 0.22, y - s * 0.05)],
        frame,
        s * 0.035,
    )


def _cart(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    wood = (150, 106, 66)
    canvas.rect(x - s * 0.45, y - s * 0.1, x + s * 0.45, y + s * 0.15, wood, p.ink)
    canvas.line([(x + s * 0.45, y + s * 0.05), (x + s * 0.7, y - s * 0.05)], wood, s * 0.04)
    for dx in (-0.28, 0.28):
        canvas.circle((x + dx * s, y + s * 0.2), s * 0.15, shade(wood, 0.7))
        canvas.circle((x + dx * s, y + s * 0.2), s * 0.04, p.ink)


def _rocket(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    hull = (226, 228, 234)
    canvas.polygon(
        [
            (x - s * 0.14, y + s * 0.35),
            (x - s * 0.14, y - s * 0.2),
            (x, y - s * 0.5),
            (x + s * 0.14, y - s * 0.2),
            (x + s * 0.14, y + s * 0.35),
        ],
        hull,
        p.ink,
    )
    for side in (-1, 1):
        canvas.polygon(
            [
                (x + side * s * 0.14, y + s * 0.1),
                (x + side * s * 0.3, y + s * 0.45),
                (x + side * s * 0.14, y + s * 0.35),
            ],
            (196, 60, 50),
            p.ink,
        )
    canvas.circle((x, y - s * 0.12), s * 0.07, (90, 160, 220))
    canvas.polygon(
        [(x - s * 0.1, y + s * 0.36), (x + s * 0.1, y + s * 0.36), (x, y + s * 0.55)],
        (250, 180, 70),
    )


def _coin(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.ellipse((x, y), (s * 0.35, s * 0.35), (214, 176, 60), p.ink)
    canvas.ellipse((x, y), (s * 0.24, s * 0.24), (236, 200, 90))


def _crown(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    gold = (226, 184, 64)
    canvas.polygon(
        [
            (x - s * 0.4, y + s * 0.2),
            (x - s * 0.4, y - s * 0.2),
            (x - s * 0.2, y),
            (x, y - s * 0.3),
            (x + s * 0.2, y),
            (x + s * 0.4, y - s * 0.2),
            (x + s * 0.4, y + s * 0.2),
        ],
        gold,
        p.ink,
    )
    canvas.circle((x, y + s * 0.08), s * 0.05, (190, 40, 60))


def _sword(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.polygon(
        [
            (x - s * 0.03, y + s * 0.2),
            (x - s * 0.03, y - s * 0.45),
            (x, y - s * 0.52),
            (x + s * 0.03, y - s * 0.45),
            (x + s * 0.03, y + s * 0.2),
        ],
        (210, 214, 222),
        p.ink,
    )
    canvas.rect(x - s * 0.14, y + s * 0.2, x + s * 0.14, y + s * 0.25, (180, 140, 60), p.ink)
    canvas.rect(x - s * 0.025, y + s * 0.25, x + s * 0.025, y + s * 0.45, (110, 70, 40))


def _basket(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    wicker = (190, 146, 90)
    handle = [
        (x + math.cos(a) * s * 0.32, y - s * 0.05 - math.sin(a) * s * 0.35)
        for a in np.linspace(0.0, math.pi, 16)
    ]
    canvas.line(handle, shade(wicker, 0.7), s * 0.04)
    canvas.polygon(
        [
            (x - s * 0.45, y - s * 0.05),
            (x + s * 0.45, y - s * 0.05),
            (x + s * 0.35, y + s * 0.35),
            (x - s * 0.35, y + s * 0.35),
        ],
        wicker,
        p.ink,
    )
    for k in range(3):
        yy = y + s * (0.05 + k * 0.1)
        canvas.line([(x - s * 0.4, yy), (x + s * 0.4, yy)], shade(wicker, 0.75), s * 0.02)


def _sled(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    wood, runner = (170, 110, 62), (90, 80, 76)
    canvas.rect(x - s * 0.5, y - s * 0.05, x + s * 0.4, y + s * 0.08, wood, p.ink)
    for dx in (-0.35, 0.2):
        canvas.line([(x + dx * s, y + s * 0.08), (x + dx * s, y + s * 0.25)], runner, s * 0.04)
    canvas.line(
        [(x - s * 0.55, y + s * 0.27), (x + s * 0.45, y + s * 0.27), (x + s * 0.6, y + s * 0.1)],
        runner,
        s * 0.04,
    )


def _bottle(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    glass = mix((90, 150, 110), p.sky_bottom, 0.2)
    canvas.rect(x - s * 0.15, y - s * 0.1, x + s * 0.15, y + s * 0.4, glass, p.ink)
    canvas.rect(x - s * 0.06, y - s * 0.38, x + s * 0.06, y - s * 0.1, glass, p.ink)
    canvas.rect(x - s * 0.07, y - s * 0.45, x + s * 0.07, y - s * 0.38, (150, 110, 70))


def _hat(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    felt = shade(p.accent, 0.5)
    canvas.ellipse((x, y + s * 0.2), (s * 0.5, s * 0.1), felt, p.ink)
    canvas.rect(x - s * 0.25, y - s * 0.25, x + s * 0.25, y + s * 0.2, felt, p.ink)
    canvas.rect(x - s * 0.25, y + s * 0.08, x + s * 0.25, y + s * 0.15, p.accent)


def _mushroom(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.rect(x - s * 0.1, y, x + s * 0.1, y + s * 0.4, (236, 226, 204), p.ink)
    canvas.ellipse((x, y), (s * 0.4, s * 0.25), (196, 56, 44), p.ink)
    for dx, dy in ((-0.2, -0.05), (0.1, -0.12), (0.22, 0.02)):
        canvas.circle((x + dx * s, y + dy * s), s * 0.05, (250, 246, 236))


def _cheese(canvas: Canvas, c: Point, s: float, p: Palette) -> None:
    x, y = c
    canvas.polygon(
        [
            (x - s * 0.45, y + s * 0.25),
            (x + s * 0.45, y + s * 0.25),
            (x + s * 0.45, y - s * 0.05),
            (x - s * 0.45, y - s * 0.25),
        ],
        (240, 200, 90),
        p.ink,
    )
    for dx, dy in ((-0.2, 0.08), (0.15, 0.1), (0.3, 0.0)):
        canvas.circle((x + dx * s, y + dy * s), s * 0.05, (214, 170, 70))


_DRAWERS: dict[Prop, Callable[[Canvas, Point, float, Palette], None]] = {
    "lantern": _lantern,
    "letter": _letter,
    "key": _key,
    "book": _book,
    "cup": _cup,
    "boat": _boat,
    "bell": _bell,
    "chest": _chest,
    "apple": _apple,
    "flower": _flower,
    "tree": _tree,
    "house": _house,
    "car": _car,
    "train": _train,
    "bicycle": _bicycle,
    "cart": _cart,
    "rocket": _rocket,
    "coin": _coin,
    "crown": _crown,
    "sword": _sword,
    "basket": _basket,
    "bottle": _bottle,
    "hat": _hat,
    "mushroom": _mushroom,
    "cheese": _cheese,
    "sled": _sled,
}
