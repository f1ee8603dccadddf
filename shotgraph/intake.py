"""Reading and checking a story before anything is queued or rendered.

Every front end (CLI, bots, API) takes stories through here, so a bad file gets the same clear
sentence everywhere and nothing downstream ever sees bytes it cannot read.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from shotgraph.errors import InvalidStory
from shotgraph.sizes import spell_bytes

# Share of control characters above which bytes are treated as a binary file, not text.
_BINARY_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")


def decode_story(data: bytes, max_bytes: int, source: str = "The story") -> str:
    """Decode uploaded or read bytes into story text, refusing what we cannot film."""
    if len(data) > max_bytes:
        raise _too_big(source, len(data), max_bytes)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidStory(f"{source} looks like a binary file, not text.")
    return clean_story(_decode_text(data, source), source)


def _decode_text(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InvalidStory(f"{source} starts like UTF-16 text but is damaged.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidStory(
            f"{source} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}). "
            "Save it as UTF-8 and try again."
        ) from exc


def clean_story(text: str, source: str = "The story") -> str:
    """Normalise line endings and Unicode, and refuse empty or binary-looking text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if text and controls / len(text) > _BINARY_CONTROL_SHARE:
        raise InvalidStory(f"{source} looks like a binary file, not text.")
    text = "".join(ch for ch in text if ch in _ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc")
    text = text.strip()
    if not text:
        raise InvalidStory(f"{source} is empty. Write a few sentences and try again.")
    if not any(ch.isalpha() for ch in text):
        raise InvalidStory(f"{source} has no words in it to film.")
    return text


def read_story_file(path: str, max_bytes: int) -> str:
    """Read a story from a file path, or from standard input when the path is `-`."""
    if path == "-":
        return decode_story(sys.stdin.buffer.read(max_bytes + 1), max_bytes, "The story on stdin")
    file = Path(path)
    if not file.is_file():
        raise InvalidStory(f"There is no story file at {path}.")
    with file.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(file.name, file.stat().st_size, max_bytes)
    return decode_story(data, max_bytes, file.name)


def _too_big(source: str, size: int, max_bytes: int) -> InvalidStory:
    return InvalidStory(too_big_message(source, size, max_bytes))


def too_big_message(what: str, size: int, max_bytes: int) -> str:
    """The one refusal of a story over MAX_STORY_BYTES, wherever it arrives."""
    return (
        f"{what} is {spell_bytes(size)}; the limit is {spell_bytes(max_bytes)}. "
        "Shorten it or split it into parts."
    )


# Punctuation that ends a sentence: a first line ending in one is prose, not a heading.
_SENTENCE_END = tuple(".!?:;,\"'”’»…")


def split_title(text: str) -> tuple[str | None, str]:
    """Take a heading off the top of a story: a short first line, not ending like a sentence,
    followed by a blank line (as most story files and Markdown documents begin)."""
    first, _, rest = text.partition("\n")
    heading = first.strip().lstrip("#").strip()
    if (
        rest.startswith("\n")
        and rest.strip()
        and 0 < len(heading) <= 80
        and len(heading.split()) <= 12
        and not heading.endswith(_SENTENCE_END)
    ):
        return heading, rest.strip()
    return None, text
