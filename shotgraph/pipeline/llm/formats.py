"""The two formats a model may be asked to write its answer in, TOON and JSON.

Both decode to plain data that is validated into the same pydantic answer models, so the rest
of the planner never knows which one was used. `decode` is the strict reading; `salvage` is
the local repair tried before any repair model is paid for.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

import json_repair
import toon_format
from pydantic import BaseModel

# A model often wraps its answer in a Markdown code fence; the fence is never part of it.
_FENCE = re.compile(r"```[\w-]*[ \t]*\n(.*?)\n?```", re.DOTALL)
# The first line of a TOON document: a key, maybe an array header, then a colon.
_TOON_START = re.compile(r"^[A-Za-z_][\w.]*(?:\[\d*[,|\t]?\])?(?:\{[^}\n]*\})?:", re.MULTILINE)


class FormatError(ValueError):
    """An answer that cannot be read as a document of the format at all."""


class OutputFormat(Protocol):
    name: str

    def json_schema(self, answer: type[BaseModel]) -> dict[str, Any] | None:
        """The schema for the provider's structured-output mode, when the format uses it."""
        ...

    def encode(self, value: BaseModel) -> str: ...

    def contract(self, example: BaseModel) -> str:
        """The output contract for a prompt: how to write the answer, shown on an example."""
        ...

    def decode(self, text: str) -> dict[str, Any]: ...

    def salvage(self, text: str) -> dict[str, Any]: ...


def _unfenced(text: str) -> str:
    found = _FENCE.search(text)
    return (found.group(1) if found else text).strip()


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not value:
        raise FormatError("the answer is not a document with named fields")
    return value


class JsonFormat:
    """JSON, with the provider's JSON-schema mode; json-repair mends what models break."""

    name = "json"

    def json_schema(self, answer: type[BaseModel]) -> dict[str, Any] | None:
        return answer.model_json_schema()

    def encode(self, value: BaseModel) -> str:
        return value.model_dump_json()

    def contract(self, example: BaseModel) -> str:
        return (
            "Answer with one JSON object shaped like this example, and nothing else (no prose,"
            " no code fence):\n\n" + example.model_dump_json(indent=2)
        )

    def decode(self, text: str) -> dict[str, Any]:
        try:
            return _object(json.loads(_unfenced(text)))
        except json.JSONDecodeError as exc:
            raise FormatError(f"not valid JSON: {exc}") from exc

    def salvage(self, text: str) -> dict[str, Any]:
        """Closes truncated brackets and strings, drops trailing commas and surrounding prose."""
        return _object(json_repair.loads(_unfenced(text)))


class ToonFormat:
    """TOON: one header per table, one line per row, fewer tokens than JSON for uniform lists.

    Providers have no TOON mode, so the contract in the prompt is all that shapes the answer.
    """

    name = "toon"

    def json_schema(self, answer: type[BaseModel]) -> dict[str, Any] | None:
        return None

    def encode(self, value: BaseModel) -> str:
        return toon_format.encode(value.model_dump(mode="json"))

    def contract(self, example: BaseModel) -> str:
        return (
            "Answer in TOON, shaped exactly like this example: the same keys, the number of rows"
            " in [brackets], one row per item with its values in the order of the header in"
            " {braces}, and values that contain a comma in double quotes. Nothing else: no"
            " prose, no code fence.\n\n" + self.encode(example)
        )

    def decode(self, text: str) -> dict[str, Any]:
        try:
            return _object(toon_format.decode(_unfenced(text)))
        except toon_format.ToonDecodeError as exc:
            raise FormatError(f"not valid TOON: {exc}") from exc

    def salvage(self, text: str) -> dict[str, Any]:
        """Skips prose before the document, forgives wrong row counts and uneven indentation,
        and reads JSON when the model wrote JSON instead."""
        body = _unfenced(text)
        start = _TOON_START.search(body)
        if start is not None:
            try:
                return _object(toon_format.decode(body[start.start() :], strict=False))
            except (toon_format.ToonDecodeError, FormatError):
                pass
        return JsonFormat().salvage(body)


def output_format(use_toon: bool) -> OutputFormat:
    return ToonFormat() if use_toon else JsonFormat()
