"""Step A's cast list, found from recurring proper names with no language model.

A capitalised word in the middle of a sentence is a proper name; one that only ever starts a
sentence counts when the story never writes it in lower case and refers to it as a person. A
name seen once still counts when it speaks or is spoken to. Forms of one name ("Ada Marsh",
"Ada", "Old Ada") become one character with aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shotgraph.models import Character
from shotgraph.pipeline.planning.rules.cast import Cast, without_quotes
from shotgraph.pipeline.planning.rules.dialogue import ANY_SUBJECT, tagged_subject
from shotgraph.pipeline.planning.rules.kinds import nameless_characters, with_kinds
from shotgraph.pipeline.planning.rules.text import Sentence, quote_spans, trim_words, words
from shotgraph.pipeline.planning.rules.vocabulary import (
    COMMON_WORDS,
    FEMALE_PRONOUNS,
    GENDERED_NOUNS,
    HONORIFICS,
    MALE_PRONOUNS,
    PLACE_NAME_HEADS,
    PLACE_PREPOSITIONS,
    PLACE_TYPE_NOUNS,
    TRAVEL_VERBS,
    VEHICLE_WORDS,
)

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# A name spoken to at either end of a quote: "Mara, look!" / "Look, Mara!"
_VOCATIVE = re.compile(r"^\W*([^\W\d_][\w'-]*)\s*[,!]|,\s*([^\W\d_][\w'-]*)\s*[,.!?…]*\s*$")
_MAX_CHARACTERS = 12
_MAX_NAME_WORDS = 3
_DESCRIPTION_WORDS = 30
_DESCRIPTION_SENTENCES = 8
# Weight of a gendered noun next to a name, against 2 for each "he" or "she" nearby.
_NOUN_EVIDENCE = 3


@dataclass(frozen=True)
class _Mention:
    """One run of capitalised words that may be a name, where it stands in its sentence."""

    name: tuple[str, ...]
    initial: bool
    """At the start of a sentence, or of quoted speech, where any word takes a capital."""
    word_before: str
    words_before: tuple[str, ...]
    """Up to three lower-case words before the name, nearest last."""
    in_quote: bool

    @property
    def as_a_place(self) -> bool:
        """`in Greyhaven`, `the town of Greyhaven`, `sailed to Greyhaven`, `planet Zor`."""
        before = self.words_before
        if self.word_before in PLACE_PREPOSITIONS or self.word_before in PLACE_TYPE_NOUNS:
            return True
        if len(before) >= 2 and before[-1] == "of" and before[-2] in PLACE_TYPE_NOUNS:
            return True
        return (
            len(before) >= 2
            and before[-1] in ("to", "at", "on", "from", "for", "towards", "toward")
            and (before[-2] in TRAVEL_VERBS or before[-2] in VEHICLE_WORDS)
        ) or (bool(before) and before[-1] in ("reached", "orbited"))


@dataclass
class _Candidate:
    """One written form of a proper name and the evidence for it."""

    tokens: tuple[str, ...]
    first: int
    count: int = 0
    mid: int = 0
    """Mentions that do not start a sentence: a capital there marks a proper name."""
    opening: int = 0
    """Mentions that start a sentence of narration."""
    after_the: int = 0
    after_place_word: int = 0
    spoken: bool = False
    """Speaks a tagged line or is spoken to."""

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def core(self) -> tuple[str, ...]:
        """The name without honorifics: `Mr Hale` -> `Hale`, `Old Ada` -> `Ada`."""
        tokens = self.tokens
        while len(tokens) > 1 and tokens[0].lower() in HONORIFICS:
            tokens = tokens[1:]
        return tokens

    @property
    def honorific_gender(self) -> str:
        first = self.tokens[0].lower()
        return HONORIFICS.get(first, "unknown") if len(self.tokens) > 1 else "unknown"


@dataclass
class _Group:
    members: list[_Candidate] = field(default_factory=list)

    @property
    def core(self) -> tuple[str, ...]:
        return self.members[0].core

    @property
    def gender(self) -> str:
        found = {m.honorific_gender for m in self.members} - {"unknown"}
        return found.pop() if len(found) == 1 else "unknown"


@dataclass(frozen=True)
class Findings:
    characters: list[Character]
    place_names: list[str]
    """Capitalised names of places ("Lantern Street"), in order of first mention."""


def find_characters(sentences: list[Sentence]) -> Findings:
    """The characters of a story, in order of first appearance, and its named places."""
    texts = [sentence.text for sentence in sentences]
    candidates = _candidates(texts)
    lower_case = {word for text in texts for word in words(text) if word.islower()}

    people, places = [], []
    for candidate in candidates.values():
        if candidate.after_the * 2 >= candidate.count:
            continue  # the Kestrel, the Point: boats and landmarks, not people
        if not candidate.spoken and (
            candidate.tokens[-1].lower() in PLACE_NAME_HEADS
            or candidate.after_place_word * 2 > candidate.count
        ):
            places.append(candidate)
        else:
            people.append(candidate)

    groups = [g for g in _group(people) if _is_character(g, texts, lower_case)]
    groups = sorted(groups, key=lambda g: -sum(m.count for m in g.members))[:_MAX_CHARACTERS]
    groups.sort(key=lambda g: min(m.first for m in g.members))
    characters = [_character(group) for group in groups]
    characters = _with_genders(_with_descriptions(characters, texts), texts)
    characters = with_kinds(characters, texts)
    characters += nameless_characters(characters, texts)
    return Findings(
        characters=characters,
        place_names=[c.text for c in sorted(places, key=lambda c: c.first)],
    )


def _candidates(texts: list[str]) -> dict[tuple[str, ...], _Candidate]:
    candidates: dict[tuple[str, ...], _Candidate] = {}

    def candidate(tokens: tuple[str, ...], index: int) -> _Candidate:
        return candidates.setdefault(tokens, _Candidate(tokens=tokens, first=index))

    for index, text in enumerate(texts):
        quotes = quote_spans(text)
        for mention in _proper_phrases(text, quotes):
            found = candidate(mention.name, index)
            found.count += 1
            found.mid += not mention.initial
            found.opening += mention.initial and not mention.in_quote
            found.after_the += mention.word_before == "the"
            found.after_place_word += mention.as_a_place
        for name in _speakers_and_addressees(text, quotes):
            if name in candidates:
                candidates[name].spoken = True
    return candidates


def _proper_phrases(text: str, quotes: list[tuple[int, int]]) -> list[_Mention]:
    """Runs of capitalised words, common words trimmed off: the possible names of a sentence."""
    tokens = list(_TOKEN.finditer(text))
    found: list[_Mention] = []
    run: list[int] = []
    for position in range(len(tokens) + 1):
        token = tokens[position] if position < len(tokens) else None
        joins = (
            token is not None
            and _capitalised(token.group())
            and (not run or text[tokens[run[-1]].end() : token.start()] == " ")
            and not (run and tokens[run[-1]].group().endswith("'s"))
        )
        if joins:
            run.append(position)
            continue
        mention = _mention(text, tokens, run, quotes) if run else None
        if mention:
            found.append(mention)
        run = [position] if token is not None and _capitalised(token.group()) else []
    return found


def _mention(
    text: str, tokens: list[re.Match[str]], run: list[int], quotes: list[tuple[int, int]]
) -> _Mention | None:
    words_ = [_without_possessive(tokens[i].group()) for i in run]
    start = 0
    while start < len(words_) and words_[start].lower() in COMMON_WORDS:
        start += 1
    end = start
    while end < len(words_) and words_[end].lower() not in COMMON_WORDS:
        end += 1
    name = tuple(words_[start:end])
    if not name or len(name) > _MAX_NAME_WORDS or all(w.lower() in HONORIFICS for w in name):
        return None
    first = run[start]
    offset = tokens[first].start()
    previous_end = tokens[first - 1].end() if first else 0
    initial = (
        first == 0
        or ":" in text[previous_end:offset]
        or any(previous_end <= q_start < offset for q_start, _ in quotes)
    )
    return _Mention(
        name=name,
        initial=initial,
        word_before=tokens[first - 1].group().lower() if first else "",
        words_before=tuple(t.group().lower() for t in tokens[max(0, first - 3) : first]),
        in_quote=any(q_start < offset < q_end for q_start, q_end in quotes),
    )


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _without_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _speakers_and_addressees(text: str, quotes: list[tuple[int, int]]) -> list[tuple[str, ...]]:
    names: list[tuple[str, ...]] = []
    for k, (start, end) in enumerate(quotes):
        before = text[quotes[k - 1][1] if k else 0 : start]
        after = text[end : quotes[k + 1][0] if k + 1 < len(quotes) else len(text)]
        subject = tagged_subject(before, after, ANY_SUBJECT)
        if subject:
            leading = []
            for word in subject.split():
                if not _capitalised(word):
                    break
                leading.append(_without_possessive(word))
            names.append(tuple(leading))
        vocative = _VOCATIVE.search(text[start + 1 : end - 1])
        if vocative:
            names.append((vocative.group(1) or vocative.group(2),))
    return [name for name in names if name]


def _group(people: list[_Candidate]) -> list[_Group]:
    """Forms of one name become one group; a short form that fits two names joins neither."""
    groups: list[_Group] = []
    for candidate in sorted(people, key=lambda c: (-len(c.core), -c.count, c.first)):
        fits = [
            g
            for g in groups
            if _contains(g.core, candidate.core)
            and {g.gender, candidate.honorific_gender} != {"male", "female"}
        ]
        if len(fits) == 1:
            fits[0].members.append(candidate)
        elif not fits:
            groups.append(_Group(members=[candidate]))
    return groups


def _contains(whole: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def _is_character(group: _Group, texts: list[str], lower_case: set[str]) -> bool:
    count = sum(m.count for m in group.members)
    if any(m.spoken for m in group.members):
        return True
    if any(m.mid for m in group.members):
        return count >= 2
    # Only ever at the start of a sentence: it must look like a name and act like a person.
    openings = sum(m.opening for m in group.members)
    tokens = {token.lower() for m in group.members for token in m.tokens}
    looks_like_a_name = not tokens & lower_case and not any(
        len(token) > 4 and token.endswith(("ly", "ing", "ed")) for token in tokens
    )
    return (
        openings >= 2
        and looks_like_a_name
        and (_is_a_person(group, texts) or _introduced(group, texts))
    )


def _introduced(group: _Group, texts: list[str]) -> bool:
    """Named and then described, as a story introduces its characters: "Lola, a red fox"."""
    forms = "|".join(re.escape(m.text) for m in group.members)
    pattern = re.compile(rf"(?<!\w)(?:{forms}),\s+(?:a|an|un|una)\s")
    return any(pattern.search(text) for text in texts)


def _is_a_person(group: _Group, texts: list[str]) -> bool:
    """Someone a personal pronoun refers to, in the sentence naming them or the next."""
    forms = {m.text for m in group.members}
    pronouns = MALE_PRONOUNS.keys() | FEMALE_PRONOUNS.keys()
    for index, text in enumerate(texts):
        if any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for form in forms):
            nearby = " ".join(texts[index : index + 2])
            if any(word.lower() in pronouns for word in words(without_quotes(nearby))):
                return True
    return False


def _character(group: _Group) -> Character:
    ranked = sorted(group.members, key=lambda m: (-m.count, -len(m.tokens), m.first))
    return Character(
        name=ranked[0].text,
        aliases=[m.text for m in ranked[1:]],
        gender=group.gender,
        mentions=sum(m.count for m in group.members),
    )


def _with_genders(characters: list[Character], texts: list[str]) -> list[Character]:
    """Honorifics decide. Otherwise evidence adds up: a gendered noun before the name or in the
    description ("her brother Jun", "Jonah's wife"), and the pronouns near sentences that name
    only that one character."""
    cast = Cast(characters)
    scores = {c.name: {"male": 0, "female": 0} for c in characters}
    for character in characters:
        for word in words(character.description.lower()):
            if word in GENDERED_NOUNS:
                scores[character.name][GENDERED_NOUNS[word]] += _NOUN_EVIDENCE
    for index, text in enumerate(texts):
        narration = without_quotes(text)
        for offset, name in cast.mentions(narration):
            before = words(narration[max(0, offset - 30) : offset].lower())[-2:]
            for word in before:
                if word in GENDERED_NOUNS:
                    scores[name][GENDERED_NOUNS[word]] += _NOUN_EVIDENCE
        named = cast.names_in(narration)
        if len(named) != 1:
            continue
        nearby = [narration]
        if index + 1 < len(texts) and not cast.names_in(texts[index + 1]):
            nearby.append(without_quotes(texts[index + 1]))
        for word in words(" ".join(nearby)):
            scores[named[0]]["male"] += MALE_PRONOUNS.get(word.lower(), 0)
            scores[named[0]]["female"] += FEMALE_PRONOUNS.get(word.lower(), 0)
    updated = []
    for character in characters:
        if character.gender == "unknown":
            male, female = scores[character.name]["male"], scores[character.name]["female"]
            if male >= 2 and male > 1.5 * female:
                character = character.model_copy(update={"gender": "male"})
            elif female >= 2 and female > 1.5 * male:
                character = character.model_copy(update={"gender": "female"})
        updated.append(character)
    return updated


def _with_descriptions(characters: list[Character], texts: list[str]) -> list[Character]:
    return [
        character.model_copy(update={"description": _description(character, texts)})
        for character in characters
    ]


def _description(character: Character, texts: list[str]) -> str:
    """A phrase that says what the character is ("a young red fox"), else the first sentence
    of narration that names them, trimmed: enough for every shot to draw them alike."""
    forms = sorted([character.name, *character.aliases], key=len, reverse=True)
    name = "|".join(re.escape(form) for form in forms)
    mentioning = [
        (text, narration)
        for text, narration in ((text, without_quotes(text)) for text in texts)
        if re.search(rf"(?<!\w)(?:{name})(?!\w)", narration)
    ]
    phrase = r"[^,.;:!?\"]{2,80}?"
    patterns = (
        rf"(?<!\w)(?:{name}),\s+((?:a|an|the|his|her|their|un|una|[A-Z][\w-]*'s)\s+{phrase})"
        r"\s*[,.;:!?]",
        rf"((?:a|an|the)\s+{phrase})\s+(?:named|called)\s+(?:{name})(?!\w)",
        rf"(?<!\w)(?:{name})\s+(?:was|is)\s+((?:a|an|the)\s+{phrase})\s*[,.;:!?]",
    )
    for _, narration in mentioning[:_DESCRIPTION_SENTENCES]:
        for pattern in patterns:
            found = re.search(pattern, narration)
            if found:
                return found.group(1).strip()
    if not mentioning:
        return ""
    # Prefer a sentence of pure narration; speech says little about who is speaking.
    _, narration = next(((t, n) for t, n in mentioning if t == n), mentioning[0])
    plain = " ".join(narration.split()).lstrip(",;:—– ")
    return trim_words(plain, _DESCRIPTION_WORDS)[:400]
