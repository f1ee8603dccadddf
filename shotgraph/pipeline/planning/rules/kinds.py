"""What each character is (a person, a fox, an owl, a robot), and the characters a story never
names ("the old fox", "a little mouse") but follows all the same.

A named character's kind comes from the phrase that describes them ("Pell, a young red fox"),
from a kind word in the name itself ("Mr Fox", "Brer Rabbit"), or from the kind word standing
right before the name ("the badger Orla"). A creature or person the story keeps calling by a
common noun ("the fox ... the fox") becomes a character named by that noun, unless a named
character of that kind is already in the story: then the noun is that character's alias.
"""

from __future__ import annotations

import re
from collections import Counter

from shotgraph.models import Character
from shotgraph.pipeline.planning.rules.text import words


def _forms(text: str) -> dict[str, str]:
    """`kind: form form ...` lines -> {form: kind}."""
    table: dict[str, str] = {}
    for line in text.strip().splitlines():
        kind, forms = line.split(":")
        table.update(dict.fromkeys([kind.strip(), *forms.split()], kind.strip()))
    return table


# Creature and machine kinds, with the words (English, then a few Spanish) that name them.
CREATURE_WORDS = _forms(
    """
    fox: foxes vixen cub zorro zorra
    badger: badgers tejón
    wolf: wolves lobo loba
    dog: dogs puppy puppies hound pup husky collie terrier spaniel sheepdog perro perra
    cat: cats kitten kittens gato gata
    bear: bears oso osa
    rabbit: rabbits bunny hare hares conejo liebre
    mouse: mice rat rats ratón
    squirrel: squirrels ardilla
    hedgehog: hedgehogs erizo
    deer: stag doe fawn reindeer ciervo
    horse: horses pony ponies mare stallion foal caballo yegua
    donkey: donkeys mule burro
    cow: cows bull ox calf vaca toro
    pig: pigs piglet boar cerdo
    sheep: lamb lambs ram oveja
    goat: goats cabra
    lion: lions lioness león
    tiger: tigers tigre
    elephant: elephants elefante
    monkey: monkeys ape mono
    frog: frogs toad toads rana
    tortoise: tortoises turtle turtles tortuga
    snake: snakes serpent serpiente
    owl: owls búho lechuza
    crow: crows raven ravens magpie blackbird cuervo
    bird: birds sparrow robin finch wren lark nightingale pigeon dove parrot pájaro
    duck: ducks duckling goose geese swan swans pato
    hen: hens chicken chickens rooster cockerel chick gallina gallo
    eagle: eagles hawk falcon águila
    gull: gulls seagull seagulls gaviota
    penguin: penguins pingüino
    fish: fishes salmon trout carp goldfish pez
    whale: whales ballena
    dolphin: dolphins delfín
    shark: sharks tiburón
    dragon: dragons dragón
    robot: robots android droid
    """
)

# Common nouns for people that a story without names may use for its cast, and the gender
# each tells.
PERSON_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "man",
            "boy",
            "king",
            "prince",
            "fisherman",
            "farmer",
            "miller",
            "sailor",
            "soldier",
            "knight",
            "wizard",
            "grandfather",
            "father",
            "shepherd",
            "woodcutter",
            "hombre",
            "niño",
            "rey",
        ],
        "male",
    ),
    **dict.fromkeys(
        [
            "woman",
            "girl",
            "queen",
            "princess",
            "witch",
            "grandmother",
            "mother",
            "fishwife",
            "mujer",
            "niña",
            "reina",
        ],
        "female",
    ),
    **dict.fromkeys(["child", "captain", "astronaut", "pilot", "stranger", "traveller"], "unknown"),
}
_DETERMINERS = "the|a|an|el|la|un|una"
_ADJECTIVE = r"[^\W\d_][\w-]*"
_AFTER_DETERMINER = re.compile(rf"(?<!\w)(?i:{_DETERMINERS})\s+(?=((?:[\w'-]+ ){{0,2}}[\w'-]+))")
_IRREGULAR_PLURALS = frozenset({"mice", "geese", "wolves", "ponies", "puppies"})
_MIN_NOUN_MENTIONS = 2
_MAX_NAMELESS = 4


def kind_of(character: Character, texts: list[str]) -> str:
    """The character's kind: from their name, their describing phrase, or the word before
    their name; a person when nothing says otherwise."""
    for word in reversed(character.name.lower().split()):
        if word in CREATURE_WORDS:
            return CREATURE_WORDS[word]
    forms = [character.name, *character.aliases]
    description = character.description
    if description and not any(form in description for form in forms):
        for word in words(description.lower()):
            if word in CREATURE_WORDS:
                return CREATURE_WORDS[word]
            if word in PERSON_WORDS:
                return "person"
    names = "|".join(re.escape(form) for form in forms)
    before = re.compile(rf"(?i:{_DETERMINERS})\s+(?:{_ADJECTIVE}\s+){{0,2}}(\w+)\s+(?:{names})\b")
    found = Counter(
        CREATURE_WORDS[m.group(1).lower()]
        for text in texts
        for m in before.finditer(text)
        if m.group(1).lower() in CREATURE_WORDS
    )
    return found.most_common(1)[0][0] if found else "person"


def with_kinds(characters: list[Character], texts: list[str]) -> list[Character]:
    """Each named character with their kind, and the story's kind words ("the fox") as aliases
    of the one named character of that kind."""
    kinded = [c.model_copy(update={"kind": kind_of(c, texts)}) for c in characters]
    per_kind = Counter(c.kind for c in kinded)
    updated = []
    for character in kinded:
        if character.kind != "person" and per_kind[character.kind] == 1:
            aliases = [*character.aliases, *_noun_forms(character.kind, texts)]
            character = character.model_copy(update={"aliases": list(dict.fromkeys(aliases))})
        updated.append(character)
    return updated


def nameless_characters(named: list[Character], texts: list[str]) -> list[Character]:
    """Creatures and people the story follows by a common noun ("the fox", "the old woman"),
    mentioned at least twice, whose kind no named character has."""
    taken = {c.kind for c in named if c.kind != "person"}
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    lower_case: set[str] = set()
    for index, text in enumerate(texts):
        for written in _determined_nouns(text):
            noun = written.lower()
            if written == noun:
                lower_case.add(noun)
            kind = CREATURE_WORDS.get(noun) or ("person" if noun in PERSON_WORDS else None)
            # A person noun counts only in a story with no named cast of its own; a plural
            # ("the gulls") is a flock in the background, not someone to follow.
            if kind is None or kind in taken or (kind == "person" and named):
                continue
            if noun != kind and (noun.endswith("s") or noun in _IRREGULAR_PLURALS):
                continue
            counts[noun] += 1
            first.setdefault(noun, index)
    # Never in lower case ("the Gull", "the Hare"): the name of a boat or an inn, not a creature.
    chosen = [n for n, count in counts.items() if count >= _MIN_NOUN_MENTIONS and n in lower_case]
    chosen = sorted(chosen, key=lambda noun: -counts[noun])[:_MAX_NAMELESS]
    characters = []
    for noun in sorted(chosen, key=lambda noun: first[noun]):
        kind = CREATURE_WORDS.get(noun, "person")
        characters.append(
            Character(
                name=f"the {noun}",
                aliases=_phrases(noun, texts),
                description=_described(noun, texts),
                gender=PERSON_WORDS.get(noun, "unknown"),
                mentions=counts[noun],
                kind=kind,
            )
        )
    return characters


def _determined_nouns(text: str) -> list[str]:
    """The first kind word within three words after each determiner (`the old grey fox`), as
    written."""
    found = []
    for match in _AFTER_DETERMINER.finditer(text):
        for word in match.group(1).split():
            word = word.removesuffix("'s")
            if word.lower() in CREATURE_WORDS or word.lower() in PERSON_WORDS:
                found.append(word)
                break
    return found


def _noun_forms(kind: str, texts: list[str]) -> list[str]:
    """How the story writes this kind with `the` ("the fox", "The Fox"), as used."""
    nouns = [form for form, k in CREATURE_WORDS.items() if k == kind]
    pattern = re.compile(rf"\b([Tt]he\s+(?:{'|'.join(map(re.escape, nouns))}))\b", re.I)
    return list(dict.fromkeys(m.group(1) for text in texts for m in pattern.finditer(text)))


def _phrases(noun: str, texts: list[str]) -> list[str]:
    """Every way the story writes the noun with a determiner ("The fox", "the old fox"), so
    each finds the character, and the capitalised forms of `the noun`."""
    found = [m.group(0) for text in texts for m in _phrase_pattern(noun).finditer(text)]
    forms = [f"The {noun}", f"the {noun.capitalize()}", f"The {noun.capitalize()}", *found]
    return [form for form in dict.fromkeys(forms) if form != f"the {noun}"][:8]


def _phrase_pattern(noun: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<!\w)(?:[Tt]he|[Aa]n?|[Uu]na?|[Ee]l|[Ll]a)\s+(?:(?!and\b|or\b)[^\W\d_A-Z][\w-]*\s+){{0,3}}"
        rf"{re.escape(noun)}\b"
    )


def _described(noun: str, texts: list[str]) -> str:
    """The phrase that introduces the noun ("a little grey mouse with a red scarf"): the
    longest with `a`, else the longest with `the`."""
    found = [
        m.group(0) + (tail.group(0) if (tail := _TAIL.match(text, m.end())) else "")
        for text in texts
        for m in _phrase_pattern(noun).finditer(text)
    ]
    introducing = [
        phrase for phrase in found if not phrase.lower().startswith(("the ", "el ", "la "))
    ]
    return max(introducing or found, key=len) if found else f"the {noun}"


_TAIL = re.compile(r"\s+(?:with|who|in|wearing|con)\s+[^,.;:!?\"]{1,50}")
