"""Animals, creatures and machines, drawn in profile in the same flat storybook style as the
people: four-legged animals from one body plan with per-kind proportions, ears, tails and
markings; birds, fish, snakes, dragons and robots from their own.

A kind the animatic does not know is drawn as a small four-legged animal rather than a person,
so a story's creature never turns into someone in a coat.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from shotgraph.pipeline.video.animatic.canvas import Canvas, Point
from shotgraph.pipeline.video.animatic.palette import Rgb, mix, shade
from shotgraph.pipeline.video.animatic.traits import Traits

Light = Callable[[Rgb], Rgb]
"""How the scene's light colours a base colour (darker and bluer at night)."""
Ears = Literal["pointed", "round", "long", "floppy", "horns", "antlers", "none"]
Tail = Literal["bushy", "thin", "short", "tuft", "curly", "none"]
Marking = Literal[
    "none",
    "badger",
    "mane",
    "stripes",
    "spines",
    "shell",
    "wool",
    "spots",
    "trunk",
    "comb",
    "spout",
    "beak",
    "fin",
]
Plan = Literal["four_legs", "bird", "upright", "swimmer", "fish", "snake", "dragon", "robot"]


@dataclass(frozen=True)
class Anatomy:
    """A kind's body in fractions of its drawn height; `scale` is its height next to a person."""

    plan: Plan
    scale: float
    fur: Rgb
    belly: Rgb | None = None
    length: float = 1.4
    leg: float = 0.3
    body: float = 0.32
    head: float = 0.14
    neck: float = 0.08
    snout: float = 0.12
    ears: Ears = "pointed"
    tail: Tail = "thin"
    marking: Marking = "none"


_CREAM = (236, 226, 204)


def _table(text: str) -> dict[str, Anatomy]:
    """One kind a row, columns as in Anatomy; colours as `r,g,b`, `-` for none."""

    def colour(cell: str) -> Rgb | None:
        if cell == "-":
            return None
        r, g, b = (int(part) for part in cell.split(","))
        return (r, g, b)

    kinds: dict[str, Anatomy] = {}
    for row in text.strip().splitlines()[1:]:
        kind, plan, scale, fur, belly, *sizes, ears, tail, marking = row.split()
        length, leg, body, head, neck, snout = (float(size) for size in sizes)
        kinds[kind] = Anatomy(
            plan, float(scale), colour(fur) or _CREAM, colour(belly), length, leg, body, head,
            neck, snout, ears, tail, marking,
        )  # type: ignore[arg-type]  # fmt: skip
    return kinds


# Each kind's body plan, height next to a person, colours and proportions (fractions of its
# height), ears, tail and markings. Tuning a creature means editing its row.
ANATOMY = _table(
    """
kind     plan      size fur         belly       long leg  body head neck nose ears    tail  marking
fox      four_legs 0.42 206,98,40   236,226,204 1.5  0.28 0.28 0.13 0.1  0.17 pointed bushy none
badger   four_legs 0.34 128,124,122 60,58,60    1.55 0.14 0.38 0.14 0.0  0.16 round   short badger
wolf     four_legs 0.55 120,118,120 200,196,190 1.5  0.34 0.3  0.14 0.1  0.17 pointed bushy none
dog      four_legs 0.45 170,122,70  236,226,204 1.35 0.32 0.3  0.14 0.12 0.12 floppy  thin  none
cat      four_legs 0.32 120,110,104 210,204,196 1.35 0.3  0.28 0.14 0.08 0.05 pointed thin  none
bear     four_legs 0.8  112,78,50   -           1.35 0.3  0.42 0.16 0.04 0.1  round   short none
rabbit   four_legs 0.3  170,140,110 236,230,220 1.0  0.12 0.36 0.15 0.1  0.06 long    tuft  none
mouse    four_legs 0.17 150,140,134 220,200,196 1.3  0.1  0.34 0.16 0.0  0.12 round   thin  none
squirrel four_legs 0.24 176,92,48   236,226,204 1.0  0.14 0.32 0.15 0.1  0.08 pointed curly none
hedgehog four_legs 0.2  120,94,70   190,164,130 1.4  0.08 0.46 0.13 0.0  0.12 round   none  spines
deer     four_legs 0.85 168,112,66  236,226,204 1.15 0.46 0.24 0.11 0.3  0.12 antlers tuft  spots
horse    four_legs 1.05 126,82,52   -           1.3  0.46 0.26 0.1  0.32 0.2  pointed tuft  mane
donkey   four_legs 0.8  140,130,126 220,214,206 1.2  0.42 0.28 0.11 0.28 0.18 long    tuft  mane
cow      four_legs 0.85 240,236,228 236,190,190 1.45 0.36 0.36 0.12 0.1  0.14 horns   tuft  spots
pig      four_legs 0.5  236,170,170 -           1.4  0.18 0.44 0.15 0.0  0.08 floppy  short none
sheep    four_legs 0.5  244,242,234 60,56,56    1.3  0.26 0.44 0.12 0.04 0.08 floppy  short wool
goat     four_legs 0.55 226,220,208 -           1.25 0.36 0.32 0.12 0.18 0.14 horns   short none
lion     four_legs 0.75 214,164,84  -           1.45 0.34 0.34 0.15 0.1  0.12 round   tuft  mane
tiger    four_legs 0.72 226,128,44  236,226,204 1.55 0.32 0.32 0.15 0.08 0.12 round   thin  stripes
elephant four_legs 1.5  150,150,158 -           1.3  0.4  0.46 0.18 0.0  0.05 floppy  thin  trunk
monkey   four_legs 0.5  132,92,62   222,190,150 1.0  0.3  0.32 0.16 0.12 0.05 round   thin  none
frog     four_legs 0.14 92,160,74   200,220,140 1.1  0.08 0.4  0.2  0.0  0.06 none    none  none
tortoise four_legs 0.22 120,130,82  -           1.5  0.1  0.44 0.14 0.04 0.08 none    short shell
owl      upright   0.3  150,116,80  226,208,170 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
penguin  upright   0.4  40,40,48    244,244,240 1.4  0.3  0.32 0.14 0.08 0.12 none    thin  none
crow     bird      0.24 44,44,54    -           1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
bird     bird      0.16 150,104,70  236,150,100 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
eagle    bird      0.36 104,72,46   246,244,236 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
gull     bird      0.26 236,238,240 150,156,166 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
hen      bird      0.26 196,120,60  200,40,36   1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  comb
duck     swimmer   0.26 236,236,228 240,160,50  1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
fish     fish      0.2  236,140,60  250,210,150 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
whale    fish      1.3  70,94,130   200,206,214 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  spout
dolphin  fish      0.6  120,140,164 220,226,232 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  beak
shark    fish      0.8  118,130,142 236,236,236 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  fin
snake    snake     0.22 96,142,64   210,200,110 1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
dragon   dragon    1.4  70,132,84   220,196,120 1.6  0.3  0.34 0.13 0.3  0.18 horns   thin  spines
robot    robot     0.9  150,164,178 90,200,230  1.4  0.3  0.32 0.14 0.08 0.12 pointed thin  none
    """
)
_UNKNOWN = Anatomy("four_legs", 0.35, (150, 130, 110), _CREAM)


def anatomy_for(kind: str) -> Anatomy:
    return ANATOMY.get(kind, _UNKNOWN)


@dataclass(frozen=True)
class Creature:
    """One creature's look: its kind's anatomy with the traits its description names."""

    anatomy: Anatomy
    traits: Traits

    @property
    def height(self) -> float:
        """Drawn height next to a person of height 1."""
        young = 0.7 if self.traits.young else 1.0
        return self.anatomy.scale * self.traits.size * young

    @property
    def fur(self) -> Rgb:
        base = self.traits.colour or self.anatomy.fur
        return mix(base, (200, 200, 200), 0.3) if self.traits.old else base

    def part(self, name: str, default: Rgb) -> Rgb:
        return self.traits.parts.get(name, default)


def draw_creature(
    canvas: Canvas,
    creature: Creature,
    lit: Light,
    ink: Rgb,
    x: float,
    feet: float,
    size: float,
    facing: float,
) -> None:
    """Draw `creature` standing at (x, feet), `size` pixels tall, looking left or right."""
    side = -1.0 if facing < 0 else 1.0

    def at(dx: float, dy: float) -> Point:
        return (x + side * dx * size, feet - dy * size)

    pen = max(1, round(size * 0.008))
    plan = creature.anatomy.plan
    if plan == "robot":
        _robot(canvas, creature, lit, ink, at, size, pen)
    elif plan in ("bird", "upright", "swimmer"):
        _bird(canvas, creature, lit, ink, at, size, pen)
    elif plan == "fish":
        _fish(canvas, creature, lit, ink, at, size, pen)
    elif plan == "snake":
        _snake(canvas, creature, lit, ink, at, size, pen)
    else:
        _four_legs(canvas, creature, lit, ink, at, size, pen)


def head_point(creature: Creature) -> tuple[float, float]:
    """Where the head is, in fractions of the drawn height (forward, up): for close-ups."""
    a = creature.anatomy
    if a.plan in ("four_legs", "dragon"):
        return _head_centre(a)
    if a.plan == "fish":
        return (0.3, 0.5)
    if a.plan == "snake":
        return (0.25, 0.75)
    if a.plan == "robot":
        return (0.0, 0.86)
    return (0.12, 0.78)


def _head_centre(a: Anatomy) -> tuple[float, float]:
    total = a.leg + a.body + a.neck + a.head * 2.4
    return (a.length * 0.5 * (a.body + a.leg) / total, (a.leg + a.body + a.neck) / total)


def _four_legs(canvas, c: Creature, lit, ink, at, size, pen) -> None:
    a = c.anatomy
    total = a.leg + a.body + a.neck + a.head * 2.4
    leg, body, neck, head = a.leg / total, a.body / total, a.neck / total, a.head / total
    half = a.length * 0.5 * (a.body + a.leg) / total
    if c.traits.young:
        head *= 1.18
    fur = lit(c.fur)
    dark, belly = shade(fur, 0.72), lit(c.part("belly", a.belly or shade(c.fur, 1.25)))
    top = leg + body
    # Tail, behind everything.
    tail_colour = lit(c.part("tail", c.fur))
    tip = lit(c.part("tip", _CREAM if a.tail == "bushy" else c.fur))
    if a.tail == "bushy":
        canvas.polygon(
            [
                at(-half * 0.9, top - body * 0.3),
                at(-half * 1.6, top - body * 0.1),
                at(-half * 1.75, top + body * 0.35),
                at(-half * 0.95, top - body * 0.05),
            ],
            tail_colour,
            ink,
            pen,
        )
        canvas.ellipse(at(-half * 1.68, top + body * 0.3), (size * body * 0.22,) * 2, tip)
    elif a.tail == "curly":
        canvas.ellipse(
            at(-half * 1.1, top + body * 0.25),
            (size * body * 0.4, size * body * 0.55),
            tail_colour,
            ink,
            pen,
        )
    elif a.tail in ("thin", "tuft"):
        canvas.line(
            [
                at(-half * 0.95, top - body * 0.2),
                at(-half * 1.35, top - body * 0.5),
                at(-half * 1.5, top - body * 0.9),
            ],
            tail_colour,
            size * 0.025,
        )
        if a.tail == "tuft":
            canvas.ellipse(at(-half * 1.5, top - body * 0.95), (size * 0.03, size * 0.05), dark)
    elif a.tail == "short":
        canvas.ellipse(at(-half * 0.98, top - body * 0.25), (size * 0.04, size * 0.03), dark)
    if a.plan == "dragon":
        canvas.polygon(
            [
                at(-half * 0.8, top - body * 0.3),
                at(-half * 2.1, leg * 0.5),
                at(-half * 0.8, top - body * 0.8),
            ],
            fur,
            ink,
            pen,
        )
        canvas.polygon(
            [
                at(-half * 0.2, top - body * 0.1),
                at(-half * 0.9, top + 0.45),
                at(half * 0.1, top + 0.3),
                at(half * 0.2, top - body * 0.1),
            ],
            shade(fur, 0.8),
            ink,
            pen,
        )
    paw = lit(c.part("paw", shade(c.fur, 0.6) if a.marking != "badger" else (40, 40, 44)))
    legw = size * min(0.07, 0.35 * body)

    def legs(xs: tuple[float, float], colour: Rgb) -> None:
        for fx in xs:
            canvas.line([at(fx * half, top - body * 0.5), at(fx * half, 0.015)], colour, legw)
            canvas.ellipse(at(fx * half + 0.015, 0.01), (legw * 0.7, legw * 0.35), paw)

    legs((-0.5, 0.62), shade(fur, 0.78))
    canvas.ellipse(at(0, leg + body / 2), (half * size, body * size / 2), fur, ink, pen)
    canvas.ellipse(
        at(0.05 * half, leg + body * 0.28), (half * size * 0.7, body * size * 0.22), belly
    )
    _body_marking(canvas, c, at, size, half, leg, body, fur, ink, pen)
    legs((-0.7, 0.42), fur)
    # Neck and head, at the front.
    hx, hy = half * 0.95, top + neck
    canvas.polygon(
        [
            at(half * 0.45, top - body * 0.1),
            at(hx - head * 0.6, hy),
            at(hx + head * 0.5, hy),
            at(half * 0.95, top - body * 0.6),
        ],
        fur,
    )
    if a.marking == "mane":
        mane = lit(c.part("mane", shade(c.fur, 0.55)))
        if a.scale < 0.9:  # a lion's ruff round the head
            canvas.ellipse(at(hx - head * 0.2, hy), (head * size * 1.6, head * size * 1.6), mane)
        else:
            canvas.polygon(
                [
                    at(half * 0.4, top + body * 0.05),
                    at(hx - head * 0.8, hy + head * 0.9),
                    at(hx - head * 0.2, hy + head * 0.6),
                    at(half * 0.7, top - body * 0.1),
                ],
                mane,
            )
    _ears(canvas, c, at, size, hx, hy, head, fur, ink, pen, near=False)
    canvas.ellipse(at(hx, hy), (head * size, head * size * 0.92), fur, ink, pen)
    face = lit(c.part("face", c.fur))
    if face != fur:
        canvas.ellipse(at(hx + head * 0.2, hy), (head * size * 0.8, head * size * 0.7), face)
    sn = a.snout / total
    if a.marking == "trunk":
        canvas.line(
            [
                at(hx + head * 0.7, hy),
                at(hx + head * 1.2, hy - head * 1.2),
                at(hx + head * 1.0, hy - head * 2.2),
            ],
            fur,
            size * head * 0.45,
        )
    elif sn > 0:
        muzzle = lit(c.part("nose", mix(c.fur, _CREAM, 0.55)))
        if c.traits.old:
            muzzle = mix(muzzle, (230, 230, 230), 0.5)
        canvas.polygon(
            [
                at(hx + head * 0.3, hy + head * 0.55),
                at(hx + head * 0.7 + sn, hy - head * 0.15),
                at(hx + head * 0.2, hy - head * 0.75),
            ],
            muzzle,
            ink,
            pen,
        )
        canvas.circle(at(hx + head * 0.7 + sn, hy - head * 0.12), size * head * 0.16, ink)
    if a.marking == "badger":
        canvas.polygon(
            [
                at(hx - head * 0.9, hy + head * 0.35),
                at(hx + head * 0.4, hy + head * 0.7),
                at(hx + head * 0.6 + sn * 0.9, hy - head * 0.05),
                at(hx - head * 0.2, hy + head * 0.05),
            ],
            lit((246, 246, 240)),
        )
        canvas.polygon(
            [
                at(hx - head * 0.4, hy + head * 0.2),
                at(hx + head * 0.4 + sn * 0.6, hy - head * 0.1),
                at(hx + head * 0.3, hy - head * 0.45),
                at(hx - head * 0.5, hy - head * 0.2),
            ],
            lit((40, 40, 44)),
        )
    canvas.circle(at(hx + head * 0.35, hy + head * 0.2), max(1.0, size * head * 0.13), ink)
    _ears(canvas, c, at, size, hx, hy, head, fur, ink, pen, near=True)
    _accessories(canvas, c, lit, ink, at, size, hx, hy, head, pen)


def _body_marking(canvas, c, at, size, half, leg, body, fur, ink, pen) -> None:
    m = c.anatomy.marking
    if m == "stripes":
        for k in range(-3, 4):
            canvas.line(
                [
                    at(k * half * 0.22, leg + body * 0.95),
                    at(k * half * 0.22 - 0.02, leg + body * 0.4),
                ],
                ink,
                size * 0.02,
            )
    elif m == "spots":
        for k, (dx, dy) in enumerate([(-0.4, 0.7), (0.1, 0.8), (0.4, 0.6), (-0.1, 0.55)]):
            canvas.ellipse(
                at(dx * half, leg + body * dy),
                (size * body * (0.16 + 0.03 * k),) * 2,
                shade(fur, 0.55) if c.anatomy.fur[0] > 200 else mix(fur, _CREAM, 0.6),
            )
    elif m == "spines":
        for k in range(9):
            t = k / 8
            base = at((t - 0.5) * half * 1.8, leg + body * (0.5 + 0.5 * math.sin(t * math.pi)))
            tipp = at((t - 0.5) * half * 2.1, leg + body * (0.75 + 0.55 * math.sin(t * math.pi)))
            canvas.line([base, tipp], shade(fur, 0.6), size * 0.02)
    elif m == "shell":
        canvas.ellipse(
            at(0, leg + body * 0.6),
            (half * size * 0.95, body * size * 0.6),
            shade(fur, 0.8),
            ink,
            pen,
        )
        for k in (-0.4, 0.0, 0.4):
            canvas.ellipse(
                at(k * half, leg + body * 0.7),
                (half * size * 0.18, body * size * 0.2),
                shade(fur, 0.6),
            )
    elif m == "wool":
        for k in range(7):
            canvas.circle(
                at((k / 6 - 0.5) * half * 1.7, leg + body * (0.7 + 0.2 * (k % 2))),
                size * body * 0.3,
                shade(fur, 0.96),
            )


def _ears(canvas, c, at, size, hx, hy, head, fur, ink, pen, *, near: bool) -> None:
    kind = c.anatomy.ears
    # The near ear takes the colour the phrase names ("one white ear"); the far one stays fur.
    colour = c.part("ear", c.fur) if near else shade(c.fur, 0.8)
    dx = head * (0.05 if near else -0.35)
    if kind == "pointed":
        canvas.polygon(
            [
                at(hx + dx - head * 0.35, hy + head * 0.6),
                at(hx + dx, hy + head * 1.55),
                at(hx + dx + head * 0.3, hy + head * 0.55),
            ],
            colour,
            ink,
            pen,
        )
    elif kind == "round":
        canvas.circle(at(hx + dx - head * 0.1, hy + head * 0.85), size * head * 0.36, colour)
    elif kind == "long":
        canvas.ellipse(
            at(hx + dx - head * 0.2, hy + head * 1.6),
            (size * head * 0.25, size * head * 0.9),
            colour,
            ink,
            pen,
        )
    elif kind == "floppy":
        canvas.ellipse(
            at(hx + dx - head * 0.3, hy + head * 0.3),
            (size * head * 0.3, size * head * 0.6),
            shade(colour, 0.85),
            ink,
            pen,
        )
    elif kind == "horns" and near:
        horn = (230, 220, 190)
        canvas.line(
            [
                at(hx - head * 0.2, hy + head * 0.7),
                at(hx - head * 0.5, hy + head * 1.4),
                at(hx - head * 0.1, hy + head * 1.8),
            ],
            horn,
            size * head * 0.22,
        )
    elif kind == "antlers" and near:
        horn = (150, 110, 70)
        base = at(hx - head * 0.2, hy + head * 0.8)
        top = at(hx - head * 0.6, hy + head * 2.6)
        canvas.line([base, top], horn, size * head * 0.12)
        for t in (0.35, 0.65):
            start = (base[0] + (top[0] - base[0]) * t, base[1] + (top[1] - base[1]) * t)
            canvas.line(
                [
                    start,
                    (
                        start[0] + (at(hx + head, hy)[0] - at(hx, hy)[0]),
                        start[1] - size * head * 0.5,
                    ),
                ],
                horn,
                size * head * 0.1,
            )


def _accessories(canvas, c, lit, ink, at, size, hx, hy, head, pen) -> None:
    t = c.traits
    if t.scarf:
        scarf = lit(t.scarf)
        canvas.line(
            [at(hx - head * 1.1, hy - head * 1.1), at(hx + head * 0.2, hy - head * 1.3)],
            scarf,
            size * head * 0.45,
        )
        canvas.line(
            [at(hx - head * 0.9, hy - head * 1.2), at(hx - head * 1.2, hy - head * 2.2)],
            scarf,
            size * head * 0.3,
        )
    if t.spectacles:
        canvas.ellipse(
            at(hx + head * 0.35, hy + head * 0.2),
            (size * head * 0.3,) * 2,
            (230, 236, 240),
            ink,
            pen,
        )
        canvas.circle(at(hx + head * 0.38, hy + head * 0.2), max(1.0, size * head * 0.12), ink)
    if t.hat:
        hat = lit(t.hat)
        canvas.ellipse(
            at(hx, hy + head * 0.85), (size * head * 1.1, size * head * 0.2), hat, ink, pen
        )
        canvas.rect(
            *at(hx - head * 0.6, hy + head * 1.7), *at(hx + head * 0.6, hy + head * 0.7), hat, ink
        )


def _bird(canvas, c: Creature, lit, ink, at, size, pen) -> None:
    a = c.anatomy
    fur = lit(c.fur)
    breast = lit(c.part("chest", a.belly or shade(c.fur, 1.3)))
    beak = lit(c.part("beak", (236, 170, 50)))
    if a.plan == "upright":
        canvas.line([at(-0.06, 0.12), at(-0.06, 0.0)], beak, size * 0.025)
        canvas.line([at(0.06, 0.12), at(0.06, 0.0)], beak, size * 0.025)
        canvas.ellipse(at(0, 0.42), (size * 0.24, size * 0.34), fur, ink, pen)
        canvas.ellipse(at(0.03, 0.38), (size * 0.16, size * 0.26), breast)
        canvas.ellipse(at(-0.12, 0.42), (size * 0.1, size * 0.24), shade(fur, 0.75))
        canvas.circle(at(0, 0.8), size * 0.18, fur)
        if a.ears == "pointed":
            for dx in (-0.12, 0.12):
                canvas.polygon([at(dx - 0.05, 0.9), at(dx, 1.0), at(dx + 0.05, 0.92)], fur)
        for dx in (-0.07, 0.07):
            canvas.circle(
                at(dx, 0.82),
                size * 0.065,
                (250, 236, 170) if a.ears == "pointed" else (250, 250, 250),
            )
            canvas.circle(at(dx + 0.01, 0.82), size * 0.03, ink)
        canvas.polygon([at(-0.025, 0.76), at(0.025, 0.76), at(0.0, 0.7)], beak)
        return
    water = a.plan == "swimmer"
    if not water:
        for dx in (-0.05, 0.06):
            canvas.line([at(dx, 0.3), at(dx + 0.02, 0.0)], beak, size * 0.02)
    canvas.polygon([at(-0.3, 0.45), at(-0.55, 0.62), at(-0.5, 0.4)], shade(fur, 0.7), ink, pen)
    canvas.ellipse(at(0, 0.45 if not water else 0.3), (size * 0.34, size * 0.2), fur, ink, pen)
    canvas.ellipse(at(0.1, 0.4 if not water else 0.26), (size * 0.2, size * 0.12), breast)
    canvas.ellipse(
        at(-0.08, 0.5 if not water else 0.34), (size * 0.22, size * 0.1), shade(fur, 0.78)
    )
    head = (0.3, 0.72) if not water else (0.28, 0.62)
    if water:
        canvas.line([at(0.22, 0.35), at(head[0], head[1])], fur, size * 0.08)
    canvas.circle(at(*head), size * 0.12, fur)
    canvas.polygon(
        [
            at(head[0] + 0.09, head[1] + 0.03),
            at(head[0] + 0.25, head[1] - 0.01),
            at(head[0] + 0.09, head[1] - 0.05),
        ],
        beak,
        ink,
        pen,
    )
    if c.anatomy.marking == "comb":
        canvas.circle(at(head[0], head[1] + 0.12), size * 0.05, lit((200, 40, 36)))
    canvas.circle(at(head[0] + 0.04, head[1] + 0.03), max(1.0, size * 0.022), ink)
    _accessories(canvas, c, lit, ink, at, size, head[0], head[1], 0.1, pen)


def _fish(canvas, c: Creature, lit, ink, at, size, pen) -> None:
    """A fish; a whale (round head, spout, flukes), a dolphin (beak, curved fin) or a shark
    (pointed snout, tall fin, gills) by its marking."""
    a = c.anatomy
    fur, belly = lit(c.fur), lit(c.part("belly", a.belly or shade(c.fur, 1.3)))
    fin = shade(fur, 0.8)
    if a.marking == "spout":
        canvas.polygon(
            [at(-0.4, 0.52), at(-0.62, 0.62), at(-0.58, 0.5), at(-0.62, 0.4)], fin, ink, pen
        )
        canvas.ellipse(at(0.0, 0.5), (size * 0.45, size * 0.22), fur, ink, pen)
        canvas.ellipse(at(0.18, 0.52), (size * 0.27, size * 0.2), fur)
        canvas.ellipse(at(0.05, 0.4), (size * 0.36, size * 0.08), belly)
        spray = lit((210, 230, 245))
        for dx in (-0.05, 0.0, 0.05):
            canvas.line([at(0.15, 0.72), at(0.15 + dx, 0.9)], spray, size * 0.02)
        canvas.circle(at(0.3, 0.47), max(1.0, size * 0.02), ink)
        return
    canvas.polygon([at(-0.35, 0.5), at(-0.62, 0.72), at(-0.58, 0.28)], fin, ink, pen)
    if a.marking == "fin":
        canvas.polygon([at(-0.08, 0.66), at(0.0, 0.95), at(0.12, 0.66)], fin, ink, pen)
    elif a.marking == "beak":
        canvas.polygon([at(-0.1, 0.66), at(0.02, 0.82), at(0.1, 0.66)], fin, ink, pen)
    canvas.ellipse(at(0, 0.5), (size * 0.42, size * 0.18), fur, ink, pen)
    canvas.ellipse(at(0.05, 0.43), (size * 0.32, size * 0.07), belly)
    if a.marking == "fin":
        canvas.polygon([at(0.38, 0.52), at(0.52, 0.47), at(0.38, 0.42)], fur, ink, pen)
        for dx in (0.2, 0.24, 0.28):
            canvas.line([at(dx, 0.55), at(dx - 0.02, 0.45)], ink, size * 0.008)
    elif a.marking == "beak":
        canvas.ellipse(at(0.46, 0.46), (size * 0.08, size * 0.035), fur, ink, pen)
    canvas.polygon([at(-0.05, 0.48), at(0.08, 0.38), at(0.12, 0.5)], shade(fur, 0.75))
    canvas.circle(at(0.28, 0.54), max(1.0, size * 0.025), ink)


def _snake(canvas, c: Creature, lit, ink, at, size, pen) -> None:
    fur = lit(c.fur)
    coil = [at(-0.5 + i * 0.05, 0.08 + 0.05 * math.sin(i * 0.9)) for i in range(16)]
    canvas.line(coil, ink, size * 0.14)
    canvas.line(coil, fur, size * 0.11)
    neck = [at(0.25, 0.1), at(0.32, 0.35), at(0.26, 0.6)]
    canvas.line(neck, fur, size * 0.1)
    canvas.ellipse(at(0.3, 0.68), (size * 0.1, size * 0.07), fur, ink, pen)
    canvas.circle(at(0.33, 0.7), max(1.0, size * 0.02), ink)
    canvas.line([at(0.4, 0.66), at(0.47, 0.64)], (200, 40, 40), size * 0.012)


def _robot(canvas, c: Creature, lit, ink, at, size, pen) -> None:
    metal = lit(c.fur)
    glow = lit(c.part("eyes", c.anatomy.belly or (90, 200, 230)))
    joint = shade(metal, 0.6)
    for dx in (-0.09, 0.09):
        canvas.rect(*at(dx - 0.04, 0.42), *at(dx + 0.04, 0.0), joint, ink)
    canvas.rect(*at(-0.2, 0.76), *at(0.2, 0.4), metal, ink)
    canvas.rect(*at(-0.1, 0.66), *at(0.1, 0.52), glow)
    for dx in (-0.25, 0.25):
        canvas.line([at(dx, 0.72), at(dx * 1.1, 0.45)], joint, size * 0.05)
    canvas.rect(*at(-0.14, 0.96), *at(0.14, 0.78), metal, ink)
    for dx in (-0.06, 0.06):
        canvas.circle(at(dx + 0.03, 0.88), size * 0.03, glow)
    canvas.line([at(0, 0.96), at(0, 1.04)], ink, size * 0.012)
    canvas.circle(at(0, 1.04), size * 0.02, glow)
    _accessories(canvas, c, lit, ink, at, size, 0.0, 0.86, 0.11, pen)
