"""Story text as the rules planner sees it: cleaned, split into sentences, counted in words.

The planner splits the same text more than once (the digest, each scene's source text), so
splitting is local and stable: splitting text rebuilt from sentences gives those sentences back.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from shotgraph.pipeline.planning.rules.vocabulary import SPEECH_VERBS

# Separators between sentences, weakest first: none (Chinese, Japanese), a space, a line break
# inside a paragraph (list items, lines of dialogue), a paragraph break.
SEPARATORS = ("", " ", "\n", "\n\n")

_QUOTE_TRANSLATION = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_LIST_MARKER = re.compile(r"^(?:[-*•·‣–]|\d{1,3}[.)])\s+")
_HEADING_MARKS = re.compile(r"^#{1,6}\s*")

_TERMINALS = ".!?…。！？"
_CJK_TERMINALS = "。！？"
_CLOSERS = ")]»」』"
_OPENERS = "\"'([«「『"
_PAIRED_QUOTES = {"«": "»", "「": "」", "『": "』"}
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "prof", "capt", "col", "gen", "lt", "sgt"}
    | {"rev", "vs", "etc", "fig", "no", "vol", "ca", "approx"}
)
# A speech tag after a quote ("Run!" Mara cried.) keeps the quote and the tag one sentence.
_SPEECH_TAG = re.compile(
    r"(?:[^\W\d_][\w'-]*\s+){1,3}(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b"
)
WORD = re.compile(r"\w+(?:['-]\w+)*")
_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")
# What a text can be cut between: words, and single Chinese or Japanese characters.
_ATOM = re.compile(f"[{_CJK_RANGES}]|[^\\s{_CJK_RANGES}]+")
_CLAUSE_ENDS = ',;:—–.!?…。！？，、；："»」』'

# Words a listener hears per second of narration; durations and budgets are planned with it.
WORDS_PER_SECOND = 2.5


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text and the separator it had before it there."""

    text: str
    paragraph: int
    separator: str = ""


def normalise(story: str) -> str:
    """Clean a story for planning: one kind of quote, single spaces, hard-wrapped lines joined,
    list markers dropped, paragraphs separated by exactly one blank line."""
    text = unicodedata.normalize("NFC", story.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text.translate(_QUOTE_TRANSLATION))
    paragraphs: list[list[tuple[str, bool]]] = [[]]
    for raw in text.split("\n"):
        line = _HEADING_MARKS.sub("", _SPACES.sub(" ", raw).strip())
        if not any(ch.isalnum() for ch in line):
            # Blank lines and rules such as `***` both end a paragraph.
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        item = _LIST_MARKER.sub("", line)
        paragraphs[-1].append((item, item != line))
    return "\n\n".join(_unwrap(lines) for lines in paragraphs if lines)


def _unwrap(lines: list[tuple[str, bool]]) -> str:
    """Join a paragraph's hard-wrapped lines; keep real line breaks (items, finished lines)."""
    out = lines[0][0]
    for (previous, was_item), (line, is_item) in itertools.pairwise(lines):
        ends_sentence = previous.rstrip(_CLOSERS)[-1:] in _TERMINALS + ":"
        if was_item or is_item or ends_sentence:
            out += "\n" + line
        elif _CJK.match(previous[-1]) and _CJK.match(line[0]):
            out += line
        else:
            out += " " + line
    return out


def quote_spans(line: str) -> list[tuple[int, int]]:
    """Where quoted speech is in a line, as (start, end) slices that include the marks.

    Straight double quotes pair up in order (an unpaired last one is ignored, as in speech that
    runs on into the next paragraph); guillemets and corner brackets pair by nesting; single
    quotes count only in a line without double quotes and only where no apostrophe can be meant.
    """
    spans: list[tuple[int, int]] = []
    marks = [i for i, ch in enumerate(line) if ch == '"']
    spans += [(marks[k], marks[k + 1] + 1) for k in range(0, len(marks) - 1, 2)]
    for opener, closer in _PAIRED_QUOTES.items():
        if opener not in line:
            continue
        depth, start = 0, 0
        for i, ch in enumerate(line):
            if ch == opener:
                start = i if depth == 0 else start
                depth += 1
            elif ch == closer and depth:
                depth -= 1
                if depth == 0:
                    spans.append((start, i + 1))
    if not marks and "'" in line:
        spans += _single_quote_spans(line)
    return _outermost(spans)


def _single_quote_spans(line: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(line):
        if ch != "'":
            continue
        before = line[i - 1] if i else " "
        after = line[i + 1] if i + 1 < len(line) else " "
        if start is None and (before.isspace() or before in "([—-") and after.isalpha():
            start = i
        elif start is not None and before in ".,!?;:—-…" and not after.isalnum():
            spans.append((start, i + 1))
            start = None
    return spans


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order: paragraphs at blank lines, lines inside them, then sentence ends.
    A piece with no word in it ("***") is no sentence; its break passes to the next one."""
    sentences: list[Sentence] = []
    pending = ""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    for paragraph_index, paragraph in enumerate(paragraphs):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        for line_index, line in enumerate(lines):
            for part_index, (part, gap) in enumerate(_split_line(line)):
                if part_index:
                    separator = gap
                elif line_index:
                    separator = "\n"
                else:
                    separator = "\n\n"
                separator = stronger_separator(pending, separator)
                if not any(ch.isalnum() for ch in part):
                    pending = separator
                    continue
                pending = ""
                sentences.append(Sentence(part, paragraph_index, separator if sentences else ""))
    return sentences


def _split_line(line: str) -> list[tuple[str, str]]:
    """The sentences of one line, each with the whitespace that preceded it."""
    quotes = quote_spans(line)
    quote_ends = {stop for _, stop in quotes}
    parts: list[tuple[str, str]] = []
    start, i = 0, 0
    while i < len(line):
        if line[i] not in _TERMINALS:
            i += 1
            continue
        end = i + 1
        while end < len(line) and _extends_mark(line[end], end + 1 in quote_ends):
            end += 1
        if _ends_sentence(line, quotes, i, end):
            _append_part(parts, line, start, end)
            start = end
        i = end
    _append_part(parts, line, start, len(line))
    return parts


def _extends_mark(char: str, closes_quote: bool) -> bool:
    """Whether a character after `.` or `?` still belongs to that sentence end: more marks, a
    bracket, or a quote mark that closes speech (a straight quote may open the next instead)."""
    if char in "\"'":
        return closes_quote
    return char in _TERMINALS or char in _CLOSERS


def _append_part(parts: list[tuple[str, str]], line: str, start: int, end: int) -> None:
    piece = line[start:end]
    text = piece.strip()
    if not text:
        return
    if parts and not (_has_word(text) and _has_word(parts[-1][0])):
        # A stray mark ("!", "…") is no sentence of its own: it joins its neighbour.
        previous, gap = parts[-1]
        parts[-1] = (previous + piece.rstrip(), gap)
        return
    gap = " " if piece[:1].isspace() else ""
    parts.append((text, gap))


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _ends_sentence(line: str, quotes: list[tuple[int, int]], mark: int, end: int) -> bool:
    if any(start < mark and end < stop for start, stop in quotes):
        return False  # inside quoted speech that goes on after this mark
    rest = line[end:]
    if not rest.strip():
        return True
    closes_quote = any(stop == end for _, stop in quotes)
    if line[mark] in _CJK_TERMINALS:
        # 「だれかいるの？」と彼女は言った。: speech closed mid-sentence runs on into its tag.
        return not closes_quote or rest[0].isspace() or rest[0] in _OPENERS
    if not rest[0].isspace():
        return False
    following = rest.lstrip()
    if following[0].islower():
        return False
    if line[mark:end] == ".":
        previous_word = re.search(r"([\w]+)$", line[:mark])
        if previous_word and (
            len(previous_word.group(1)) == 1 or previous_word.group(1).lower() in _ABBREVIATIONS
        ):
            return False
    # `"Run!" Mara cried.` is one sentence; after `."` the author has ended the sentence.
    exclaims = line[mark] in "!?…"
    return not (closes_quote and exclaims and _SPEECH_TAG.match(following))


def rebuild(sentences: list[Sentence]) -> str:
    """The text the sentences came from, with whitespace normalised."""
    return "".join(
        (s.separator if position else "") + s.text for position, s in enumerate(sentences)
    )


def stronger_separator(a: str, b: str) -> str:
    return max(a, b, key=SEPARATORS.index)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> float:
    """Spoken length in words: Chinese and Japanese characters count as half a word each."""
    cjk = len(_CJK.findall(text))
    return len(WORD.findall(_CJK.sub(" ", text))) + cjk / 2


def trim_words(text: str, limit: int) -> str:
    """At most `limit` words of `text`, with an ellipsis when cut."""
    tokens = text.split()
    if len(tokens) <= limit:
        return text
    return " ".join(tokens[:limit]).rstrip(" ,;:-—") + "…"


def split_to_fit(text: str, limit: float) -> list[str]:
    """Pieces of `text`, in order, each at most `limit` words, cut after a clause (a comma, a
    full stop) where one falls inside the piece, else between words."""
    atoms = list(_ATOM.finditer(text))
    sizes = [word_count(atom.group()) for atom in atoms]
    cuts: list[int] = [0]
    count, clause_end = 0.0, None
    for k, size in enumerate(sizes):
        if count + size > limit and k > cuts[-1]:
            cut = clause_end + 1 if clause_end is not None else k
            cuts.append(cut)
            count, clause_end = sum(sizes[cut:k]), None
        count += size
        if atoms[k].group()[-1] in _CLAUSE_ENDS:
            clause_end = k
    cuts.append(len(atoms))
    return [
        text[atoms[start].start() : atoms[end - 1].end()]
        for start, end in itertools.pairwise(cuts)
        if end > start
    ]
