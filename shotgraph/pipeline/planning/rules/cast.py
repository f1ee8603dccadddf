"""The story's known characters as something to search text with: who is named where."""

from __future__ import annotations

import re

from shotgraph.models import Character
from shotgraph.pipeline.planning.rules.text import quote_spans
from shotgraph.pipeline.planning.rules.vocabulary import SUBJECT_PRONOUNS


class Cast:
    """Finds characters by name or alias; every answer is a character's canonical name."""

    def __init__(self, characters: list[Character]) -> None:
        self.characters = characters
        self._by_form = {
            form: character.name
            for character in characters
            for form in (character.name, *character.aliases)
        }
        self._genders = {character.name: character.gender for character in characters}
        forms = sorted(self._by_form, key=len, reverse=True)
        self._forms = "|".join(re.escape(form) for form in forms)
        self._pattern = re.compile(rf"(?<!\w)(?:{self._forms})(?!\w)") if forms else None

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """(offset, name) for every mention, in order."""
        if self._pattern is None:
            return []
        return [(m.start(), self._by_form[m.group()]) for m in self._pattern.finditer(text)]

    def names_in(self, text: str, *, outside_quotes: bool = False) -> list[str]:
        """Characters named in the text, each once, in order of first mention."""
        if outside_quotes:
            text = without_quotes(text)
        return list(dict.fromkeys(name for _, name in self.mentions(text)))

    def canonical(self, form: str) -> str | None:
        return self._by_form.get(form)

    def gender(self, name: str) -> str:
        return self._genders.get(name, "unknown")

    def subject_pattern(self) -> str:
        """A regex matching a name, an alias or a subject pronoun, for speech tags."""
        pronouns = "|".join(SUBJECT_PRONOUNS)
        return f"{self._forms}|(?i:{pronouns})" if self._forms else f"(?i:{pronouns})"


def without_quotes(text: str) -> str:
    """The text with quoted speech blanked out, offsets kept."""
    for start, end in quote_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text
