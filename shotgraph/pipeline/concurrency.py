"""Running one stage's remote calls side by side: LLM_PARALLEL lets the slow part (a model on
the other end of the network) overlap, LLM_PARALLEL_LIMIT keeps a provider's rate limit in
sight, and the results keep the story's order whatever order the answers come in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from shotgraph.config import Settings

T = TypeVar("T")
R = TypeVar("R")


def llm_call_limit(settings: Settings) -> int:
    """How many of a stage's LLM calls may be in flight at once."""
    return settings.llm_parallel_limit if settings.llm_parallel else 1


async def map_bounded(items: Sequence[T], work: Callable[[T], Awaitable[R]], limit: int) -> list[R]:
    """`work` on every item, at most `limit` at once, the results in the items' order.

    The first failure cancels the calls still running and is raised as itself, not wrapped in
    an ExceptionGroup, so the job fails with the error a user can be shown.
    """
    gate = asyncio.Semaphore(limit)

    async def bounded(item: T) -> R:
        async with gate:
            return await work(item)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(bounded(item)) for item in items]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]
