"""Subtitles from the narration's word timings: readable cues, written as SRT.

Cues follow common broadcast practice: at most two lines of 42 characters, on screen between one
and seven seconds, broken at the end of a sentence or clause where one is near, never
overlapping, with a short gap between two cues so a player shows them as separate.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from shotgraph.pipeline.composition.timeline import Timeline
from shotgraph.pipeline.speech.protocol import Speech, WordTiming

MAX_LINE_CHARS = 42
MAX_LINES = 2
MIN_CUE_S = 1.0
MAX_CUE_S = 7.0
MIN_GAP_S = 0.08
# A cue stays up this long after its last word, when the next one leaves room.
_LINGER_S = 0.4
# Words this far apart belong to different cues, whatever the punctuation says.
_PAUSE_BREAK_S = 1.0
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*$")
# Short words a cue should not end on when it can end a word earlier (English: the stories'
# commonest language; other languages simply never match).
_HANGING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "at",
        "to",
        "in",
        "on",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "over",
        "under",
        "that",
        "my",
        "his",
        "her",
        "their",
        "our",
        "its",
    ]
)
_CLAUSE_END = re.compile(r"[,;:—–-][\"'”’»)]*$")


class Cue(BaseModel):
    """One subtitle: its number (from 1), when it shows, and its one or two lines."""

    index: int
    start_s: float
    end_s: float
    text: str
    """Lines separated by a newline."""


def cues_for_film(
    timeline: Timeline,
    speeches: dict[str, Speech],
    texts: dict[str, str] | None = None,
    line_chars: int = MAX_LINE_CHARS,
) -> list[Cue]:
    """The film's cues: each shot's words placed at its narration start, grouped into cues
    of at most two lines of `line_chars` (narrower for captions burned into a vertical film).

    A shot whose speech has no word timings is cut from `texts` (shot id -> what was said),
    its words spread over the speech in proportion to their length.
    """
    texts = texts or {}
    groups: list[list[WordTiming]] = []
    for shot_id, start_s in sorted(timeline.narration_starts_s.items(), key=lambda item: item[1]):
        speech = speeches.get(shot_id)
        if speech is None:
            continue
        words = speech.words or _spread(texts.get(shot_id, ""), speech.duration_s)
        placed = [
            WordTiming(
                text=piece.text, start_s=start_s + piece.start_s, end_s=start_s + piece.end_s
            )
            for word in words
            for piece in _split_long(word, line_chars)
        ]
        groups += _group(placed, line_chars)
    return _timed(groups, line_chars)


def _spread(text: str, duration_s: float) -> list[WordTiming]:
    """Words with timings in proportion to their length (with the space after them)."""
    tokens = text.split()
    weights = [len(token) + 1 for token in tokens]
    total = sum(weights)
    timings, elapsed = [], 0
    for token, weight in zip(tokens, weights, strict=True):
        start = duration_s * elapsed / total
        elapsed += weight
        timings.append(WordTiming(text=token, start_s=start, end_s=duration_s * elapsed / total))
    return timings


def _split_long(word: WordTiming, line_chars: int) -> list[WordTiming]:
    """A word too long for one line, cut into line-sized pieces sharing its time."""
    text = word.text
    if len(text) <= line_chars:
        return [word]
    pieces = [text[i : i + line_chars] for i in range(0, len(text), line_chars)]
    step = (word.end_s - word.start_s) / len(pieces)
    return [
        WordTiming(text=piece, start_s=word.start_s + i * step, end_s=word.start_s + (i + 1) * step)
        for i, piece in enumerate(pieces)
    ]


def _group(words: list[WordTiming], line_chars: int) -> list[list[WordTiming]]:
    """Greedy cues: each takes as many words as fit, then steps back to where the sense ends."""
    cues: list[list[WordTiming]] = []
    first = 0
    while first < len(words):
        last, full = first, False  # the furthest word this cue can end on, and whether it is full
        while last + 1 < len(words):
            if words[last + 1].start_s - words[last].end_s > _PAUSE_BREAK_S:
                break
            if not _fits(words[first : last + 2], line_chars):
                full = True
                break
            last += 1
        end = _best_break(words, first, last) if full else last
        cues.append(words[first : end + 1])
        first = end + 1
    return cues


def _best_break(words: list[WordTiming], first: int, last: int) -> int:
    """Where a full cue should end: the last sentence end that still leaves a cue of readable
    length, else the last clause end in its second half, else as late as it can."""
    for index in range(last, first - 1, -1):
        long_enough = words[index].end_s - words[first].start_s >= MIN_CUE_S
        if long_enough and _SENTENCE_END.search(words[index].text):
            return index
    second_half = range(last, first + (last - first) // 2 - 1, -1)
    for index in second_half:
        if _CLAUSE_END.search(words[index].text):
            return index
    # No natural break: at least do not leave "the" or "at" hanging at a cue's end.
    return next((i for i in second_half if words[i].text.lower() not in _HANGING), last)


def _fits(words: list[WordTiming], line_chars: int) -> bool:
    if words[-1].end_s - words[0].start_s > MAX_CUE_S:
        return False
    return wrap_lines(" ".join(word.text for word in words), line_chars) is not None


def wrap_lines(text: str, line_chars: int = MAX_LINE_CHARS) -> list[str] | None:
    """The text as at most MAX_LINES lines of `line_chars`, split where the two lines are
    most nearly equal (a clause end wins a tie); None if it cannot fit."""
    if len(text) <= line_chars:
        return [text]
    spaces = [match.start() for match in re.finditer(" ", text)]
    best: tuple[float, int] | None = None
    for space in spaces:
        top, bottom = text[:space], text[space + 1 :]
        if len(top) > line_chars or len(bottom) > line_chars:
            continue
        score = abs(len(top) - len(bottom)) - (3 if _CLAUSE_END.search(top) else 0)
        if best is None or score < best[0]:
            best = (score, space)
    if best is None:
        return None
    return [text[: best[1]], text[best[1] + 1 :]]


def _timed(groups: list[list[WordTiming]], line_chars: int) -> list[Cue]:
    """Cues from word groups: shown from the first word, held a little past the last, at
    least MIN_CUE_S when the next cue leaves room, never overlapping it."""
    cues: list[Cue] = []
    for position, words in enumerate(groups):
        start = words[0].start_s
        wanted = max(words[-1].end_s + _LINGER_S, start + MIN_CUE_S)
        end = min(wanted, start + MAX_CUE_S)
        if position + 1 < len(groups):
            end = min(end, groups[position + 1][0].start_s - MIN_GAP_S)
        lines = wrap_lines(" ".join(word.text for word in words), line_chars) or []
        cues.append(
            Cue(index=len(cues) + 1, start_s=start, end_s=max(end, start), text="\n".join(lines))
        )
    return cues


def srt_timestamp(seconds: float) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d},{millis:03d}"


def write_srt(cues: list[Cue], path: Path) -> None:
    """SubRip: number, `start --> end`, the lines, a blank line; UTF-8."""
    blocks = [
        f"{cue.index}\n{srt_timestamp(cue.start_s)} --> {srt_timestamp(cue.end_s)}\n{cue.text}\n"
        for cue in cues
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
