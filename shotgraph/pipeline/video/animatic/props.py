"""Objects for insert shots, picked by the words of the shot: a lantern, a letter, a key..."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from shotgraph.pipeline.video.animatic.canvas import Canvas, Point
from shotgraph.pipeline.video.animatic.palette import Palette, mix, shade

Prop = Literal["lantern", "letter", "key", "book", "cup", "boat", "bell", "chest"]

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


_DRAWERS: dict[Prop, Callable[[Canvas, Point, float, Palette], None]] = {
    "lantern": _lantern,
    "letter": _letter,
    "key": _key,
    "book": _book,
    "cup": _cup,
    "boat": _boat,
    "bell": _bell,
    "chest": _chest,
}
