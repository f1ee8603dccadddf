"""What a character's describing phrase says about how they look: "a young red fox with one
white ear", "an old grey badger", "a tall woman in a green coat", "a robot with a blue hat".

Only words a reader would draw are read: colours (and the body part or garment each belongs
to), size, age, and a hat, scarf or spectacles. The same phrase always gives the same traits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shotgraph.pipeline.video.animatic.palette import Rgb


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


COLOURS: dict[str, Rgb] = {
    "red": (186, 72, 40),
    "ginger": (204, 110, 52),
    "orange": (222, 126, 50),
    "tawny": (184, 132, 72),
    "golden": (222, 176, 70),
    "gold": (222, 176, 70),
    "yellow": (236, 204, 80),
    "brown": (124, 84, 52),
    "chestnut": (140, 70, 40),
    "grey": (138, 138, 140),
    "gray": (138, 138, 140),
    "silver": (190, 194, 200),
    "white": (242, 240, 232),
    "black": (44, 42, 46),
    "blue": (62, 104, 176),
    "green": (76, 140, 80),
    "purple": (120, 78, 150),
    "pink": (222, 150, 170),
    "spotted": (210, 190, 150),
    "rojo": (186, 72, 40),
    "roja": (186, 72, 40),
    "gris": (138, 138, 140),
    "blanco": (242, 240, 232),
    "blanca": (242, 240, 232),
    "negro": (44, 42, 46),
    "negra": (44, 42, 46),
    "marrón": (124, 84, 52),
    "azul": (62, 104, 176),
    "verde": (76, 140, 80),
}
# Body parts and garments a colour can belong to: "one white ear", "a green coat".
PARTS = _set(
    "ear ears tail tip paw paws feet foot nose chest belly face mane wing wings beak eyes "
    "stripe stripes spots"
)
GARMENTS = _set("coat cloak dress shirt jacket jumper sweater shawl apron uniform")
_BIG = _set("big huge giant enormous large great tall fat grande")
_SMALL = _set("small little tiny wee short young baby pequeño pequeña")
_OLD = _set("old elderly aged ancient grey-muzzled grizzled wise viejo vieja")
_YOUNG = _set("young baby cub kitten puppy little joven")
# Spanish names the part first ("la cola blanca"): the part a colour right after it belongs to.
_PARTS_BEFORE = {
    "cola": "tail",
    "oreja": "ear",
    "orejas": "ear",
    "pata": "paw",
    "patas": "paw",
    "sombrero": "hat",
    "bufanda": "scarf",
    "abrigo": "coat",
    "vestido": "dress",
}
_WORD = re.compile(r"[^\W\d_][\w-]*")


@dataclass(frozen=True)
class Traits:
    colour: Rgb | None = None
    """The colour of the whole creature (its fur, feathers or paint), if the phrase names one."""
    parts: dict[str, Rgb] = field(default_factory=dict)
    """Colours of named parts: {"ear": white} for "one white ear"."""
    garment: Rgb | None = None
    """The colour of a coat, dress or cloak the phrase names."""
    size: float = 1.0
    old: bool = False
    young: bool = False
    hat: Rgb | None = None
    scarf: Rgb | None = None
    spectacles: bool = False


def traits_of(description: str) -> Traits:
    tokens = [w.lower() for w in _WORD.findall(description)]
    colour: Rgb | None = None
    parts: dict[str, Rgb] = {}
    garment = hat = scarf = None
    for position, word in enumerate(tokens):
        if word not in COLOURS:
            continue
        # The colour belongs to the first part or garment within the next two words, if any.
        target = next(
            (t for t in tokens[position + 1 : position + 3] if t in PARTS | GARMENTS | _WEARS),
            None,
        )
        if target is None and position and tokens[position - 1] in _PARTS_BEFORE:
            target = _PARTS_BEFORE[tokens[position - 1]]
        if target in GARMENTS:
            garment = garment or COLOURS[word]
        elif target in ("hat", "cap", "bonnet"):
            hat = COLOURS[word]
        elif target == "scarf":
            scarf = COLOURS[word]
        elif target:
            parts.setdefault(target.rstrip("s") if target != "paws" else "paw", COLOURS[word])
        elif colour is None:
            colour = COLOURS[word]
    words = set(tokens)
    if hat is None and words & {"hat", "cap", "bonnet"}:
        hat = (60, 52, 50)
    if scarf is None and "scarf" in words:
        scarf = (184, 56, 52)
    size = 1.25 if words & _BIG else 0.82 if words & _SMALL else 1.0
    return Traits(
        colour=colour,
        parts=parts,
        garment=garment,
        size=size,
        old=bool(words & _OLD),
        young=bool(words & _YOUNG) and not words & _OLD,
        hat=hat,
        scarf=scarf,
        spectacles=bool(words & {"spectacles", "glasses", "monocle"}),
    )


_WEARS = frozenset({"hat", "cap", "bonnet", "scarf"})
