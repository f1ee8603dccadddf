"""Quoted speech: who says it, and each sentence cut into the narrator's and the characters' lines.

Lines are verbatim slices of the sentence, quote marks included, so the narration of a plan reads
exactly like the story and a subtitle shows the speech as the author wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shotgraph.models import SpokenLine
from shotgraph.pipeline.planning.rules.cast import Cast
from shotgraph.pipeline.planning.rules.text import WORD, quote_spans
from shotgraph.pipeline.planning.rules.vocabulary import SPEECH_VERBS, SUBJECT_PRONOUNS

_VERB = "(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")(?!\w)"
_GAP = r"[\s,—–-]*"
_END = r"[\s,:—–-]*$"
# Any run of up to three words: a name not known yet ("Mara"), or nobody's ("the stranger").
ANY_SUBJECT = r"[^\W\d_][\w'-]*(?:\s[^\W\d_][\w'-]*){0,2}"
_TRAILING_MARKS = ",;:.!?…—–-"
# How far into a sentence its subject may stand: "Then, slowly, Mara ...".
_SUBJECT_WORDS = 4


def tagged_subject(before: str, after: str, subject: str) -> str | None:
    """The subject of a speech tag beside a quote: after it (`"..." said Mara`, `"..." Mara
    said`) or before it (`Mara said, "..."`)."""
    found = (
        re.match(rf"{_GAP}{_VERB}\s+({subject})(?!\w)", after)
        or re.match(rf"{_GAP}({subject})\s+(?:\w+\s+)?{_VERB}", after)
        or re.search(rf"(?<!\w)({subject})\s+(?:[\w'-]+\s+){{0,4}}?{_VERB}{_END}", before)
        or re.search(rf"{_VERB}\s+({subject}){_END}", before)
    )
    return found.group(1) if found else None


@dataclass
class SpeakerMemory:
    """Who was named last, per gender, so that `she said` finds its speaker."""

    last: dict[str, str] = field(default_factory=dict)

    def note(self, names: list[str], cast: Cast) -> None:
        for name in names:
            self.last[cast.gender(name)] = name

    def resolve(self, form: str, cast: Cast) -> str | None:
        gender = SUBJECT_PRONOUNS.get(form.lower())
        return self.last.get(gender) if gender else cast.canonical(form)


def paragraph_lines(
    sentences: list[str], cast: Cast, memory: SpeakerMemory
) -> list[list[SpokenLine]]:
    """The lines of each sentence of one paragraph, quotes given to their speakers.

    A quote without a tag goes, as readers assume, to the character whose action comes just
    before it, else to the paragraph's last speaker, else to the character acting just after it.
    """
    spans = [quote_spans(sentence) for sentence in sentences]
    speakers: list[list[str | None]] = []
    tagged: list[list[bool]] = []
    subjects: list[str | None] = []
    for sentence, quotes in zip(sentences, spans, strict=True):
        opening = quotes[0][0] if quotes else len(sentence)
        memory.note(cast.names_in(sentence[:opening]), cast)
        subjects.append(None if quotes else _subject(sentence, cast, memory))
        tags = [_tag(sentence, quotes, k, cast, memory) for k in range(len(quotes))]
        found = _fill_gaps([who for _, who in tags])
        memory.note(cast.names_in(sentence[opening:], outside_quotes=True), cast)
        memory.note([who for who in found if who], cast)
        speakers.append(found)
        tagged.append([has_tag for has_tag, _ in tags])

    last_speaker: str | None = None
    for position, found in enumerate(speakers):
        before = subjects[position - 1] if position else None
        after = subjects[position + 1] if position + 1 < len(subjects) else None
        if not any(tagged[position]):
            # A tag naming nobody we know ("asked the stranger") leaves the quote unattributed.
            found[:] = [who or before or last_speaker or after for who in found]
        last_speaker = next((who for who in reversed(found) if who), last_speaker)

    return [
        _lines(sentence, quotes, found)
        for sentence, quotes, found in zip(sentences, spans, speakers, strict=True)
    ]


def _tag(
    sentence: str, quotes: list[tuple[int, int]], k: int, cast: Cast, memory: SpeakerMemory
) -> tuple[bool, str | None]:
    """Whether the quote has a speech tag, and the character it names if we know them."""
    start, end = quotes[k]
    before = sentence[quotes[k - 1][1] if k else 0 : start]
    after = sentence[end : quotes[k + 1][0] if k + 1 < len(quotes) else len(sentence)]
    form = tagged_subject(before, after, cast.subject_pattern())
    if form:
        return True, memory.resolve(form, cast)
    return tagged_subject(before, after, ANY_SUBJECT) is not None, None


def _fill_gaps(found: list[str | None]) -> list[str | None]:
    """Quotes in one sentence share its one tag: `"Hello," said Tom, "how are you?"`."""
    known = [who for who in found if who]
    return [who or (known[0] if len(set(known)) == 1 else None) for who in found]


def _subject(sentence: str, cast: Cast, memory: SpeakerMemory) -> str | None:
    """Who acts in a sentence of narration: a pronoun or a name among its first words."""
    opening = list(WORD.finditer(sentence))[:_SUBJECT_WORDS]
    if not opening:
        return None
    if opening[0].group().lower() in SUBJECT_PRONOUNS:
        return memory.resolve(opening[0].group(), cast)
    named = cast.names_in(sentence[: opening[-1].end()])
    return named[0] if named else None


def _lines(
    sentence: str, quotes: list[tuple[int, int]], found: list[str | None]
) -> list[SpokenLine]:
    pieces: list[tuple[int, int, str | None]] = []
    cursor = 0
    for (start, end), who in zip(quotes, found, strict=True):
        if start > cursor:
            pieces.append((cursor, start, None))
        pieces.append((start, end, who))
        cursor = end
    if cursor < len(sentence):
        pieces.append((cursor, len(sentence), None))

    pieces = _punctuation_to_speech(sentence, pieces)
    merged: list[tuple[int, int, str | None]] = []
    for start, end, who in pieces:
        wordless = not any(ch.isalnum() for ch in sentence[start:end])
        if merged and (wordless or merged[-1][2] == who):
            merged[-1] = (merged[-1][0], end, merged[-1][2])
        elif merged and not any(ch.isalnum() for ch in sentence[merged[-1][0] : merged[-1][1]]):
            merged[-1] = (merged[-1][0], end, who)  # a leading dash or mark joins what follows
        else:
            merged.append((start, end, who))
    return [SpokenLine(text=sentence[start:end].strip(), speaker=who) for start, end, who in merged]


def _punctuation_to_speech(
    sentence: str, pieces: list[tuple[int, int, str | None]]
) -> list[tuple[int, int, str | None]]:
    """Punctuation right after a quote ends the speech, not the narration: `«Привет», — сказала
    Маша.` reads as `«Привет», —` and `сказала Маша.`."""
    shifted = list(pieces)
    for k in range(1, len(shifted)):
        start, end, who = shifted[k]
        lead = start
        while lead < end and (sentence[lead] in _TRAILING_MARKS or sentence[lead].isspace()):
            lead += 1
        if lead > start and lead < end:
            shifted[k - 1] = (shifted[k - 1][0], lead, shifted[k - 1][2])
            shifted[k] = (lead, end, who)
    return shifted
