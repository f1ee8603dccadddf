"""Asking a model for an answer of a given shape, and reading it without ever crashing on it.

A bad answer goes through bounded repair: the strict reading, then local repair (json-repair,
lenient TOON), then the Step D repair model, then one retry of the step itself with the reason
its first answer was refused. Each try is listed in the job's CostReport.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Self, TypeVar

from pydantic import BaseModel, ValidationError

from shotgraph.errors import StageFailed
from shotgraph.models import CostReport
from shotgraph.pipeline.llm.calls import ModelCaller
from shotgraph.pipeline.llm.client import ChatMessage, Completion
from shotgraph.pipeline.llm.cost import record_step
from shotgraph.pipeline.llm.formats import FormatError, OutputFormat
from shotgraph.pipeline.llm.prompts import load_prompt, quote_untrusted
from shotgraph.pipeline.llm.routing import Route

log = logging.getLogger(__name__)

# Validation errors shown to the repair model; more only lengthen its prompt.
_MAX_PROBLEMS = 8


class ShapedAnswer(BaseModel, ABC):
    """An answer model that can show an example of itself for the prompt's output contract."""

    @classmethod
    @abstractmethod
    def example(cls) -> Self: ...


A = TypeVar("A", bound=ShapedAnswer)


class StructuredCaller:
    """Prompts in, validated answer models out, in the configured output format."""

    def __init__(self, caller: ModelCaller, output: OutputFormat, repair: Route) -> None:
        self.caller = caller
        self.output = output
        self.repair = repair

    async def ask(
        self, route: Route, messages: list[ChatMessage], answer: type[A], cost: CostReport
    ) -> A:
        schema = self.output.json_schema(answer)
        first = await self.caller.complete(route, messages, cost, schema)
        value, problem = self._read(first, answer, route, cost)
        if value is not None:
            return value

        repair_messages = load_prompt("json_repair").render(
            problem=problem,
            contract=self.output.contract(answer.example()),
            answer=quote_untrusted(first.text),
        )
        try:
            fixed = await self.caller.complete(self.repair, repair_messages, cost, schema)
        except StageFailed as failed:
            # The repair model being down is no reason to skip the retry of the step.
            log.warning("llm %s: no repair (%s)", route.stage, failed)
        else:
            value, _ = self._read(fixed, answer, self.repair, cost)
            if value is not None:
                record_step(cost, str(route.stage), fixed.model, "repaired_by_model")
                return value

        record_step(cost, str(route.stage), first.model, "retried_step", problem)
        retry = [
            *messages,
            ChatMessage(role="assistant", content=first.text),
            ChatMessage(
                role="user",
                content=f"That answer could not be used: {problem}\n\n"
                f"Answer again, following the contract exactly.",
            ),
        ]
        again = await self.caller.complete(route, retry, cost, schema)
        value, _ = self._read(again, answer, route, cost)
        if value is not None:
            return value
        raise StageFailed(
            str(route.stage),
            "the language model's answers could not be read, even after repair and a retry",
        )

    def _read(
        self, completion: Completion, answer: type[A], route: Route, cost: CostReport
    ) -> tuple[A | None, str]:
        """The answer, or None and what is wrong with it; a local repair is recorded."""
        text, stage = completion.text, str(route.stage)
        try:
            return answer.model_validate(self.output.decode(text)), ""
        except (FormatError, ValidationError) as exc:
            problem = _describe(exc)
        try:
            value = answer.model_validate(self.output.salvage(text))
        except (FormatError, ValidationError) as exc:
            problem = _describe(exc) if isinstance(exc, ValidationError) else problem
            record_step(cost, stage, completion.model, "unreadable", problem)
            log.info("llm %s: unreadable answer (%s)", route.stage, problem)
            return None, problem
        record_step(cost, stage, completion.model, "repaired_locally", problem)
        return value, ""


def _describe(exc: FormatError | ValidationError) -> str:
    if isinstance(exc, FormatError):
        return str(exc)
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'answer'}: {error['msg']}"
        for error in exc.errors()[:_MAX_PROBLEMS]
    )
