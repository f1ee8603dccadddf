"""Sending one step's request: retries on the stage's model, then its fallback model, then a
clear error naming the stage. Every attempt lands in the job's CostReport."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from shotgraph.config import Settings
from shotgraph.errors import StageFailed
from shotgraph.models import CostReport
from shotgraph.pipeline.llm.client import (
    ChatMessage,
    ChatRequest,
    Completion,
    LlmCallFailed,
    LlmClient,
)
from shotgraph.pipeline.llm.cost import PriceTable, record_failure
from shotgraph.pipeline.llm.providers import build_llm_client
from shotgraph.pipeline.llm.retry import RetryPolicy
from shotgraph.pipeline.llm.routing import Route

log = logging.getLogger(__name__)


class ModelCaller:
    """A provider client with the retry policy and the price table; shared by all jobs of a
    process, so the job's CostReport is passed with every call."""

    def __init__(self, client: LlmClient, policy: RetryPolicy, prices: PriceTable) -> None:
        self.client = client
        self.policy = policy
        self.prices = prices

    @classmethod
    def from_settings(cls, settings: Settings, provider: str) -> ModelCaller:
        return cls(
            build_llm_client(settings, provider),
            RetryPolicy.from_settings(settings),
            PriceTable.from_settings(settings),
        )

    async def complete(
        self,
        route: Route,
        messages: list[ChatMessage],
        cost: CostReport,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        last: LlmCallFailed | None = None
        for model in route.models():
            request = ChatRequest(model=model, messages=messages, json_schema=json_schema)
            attempt = 0
            while True:
                attempt += 1
                try:
                    completion = await self.client.complete(request)
                except LlmCallFailed as failure:
                    last = failure
                    if failure.usage is not None:  # a cut answer is billed all the same
                        self.prices.record_tokens(cost, route.stage, model, failure.usage)
                    record_failure(cost, route.stage, model, failure.kind, failure.detail)
                    if failure.kind == "out_of_quota":
                        raise StageFailed(
                            str(route.stage),
                            "the language model account has no credit left "
                            "(insufficient_quota); add credit or change LLM_API_KEY",
                        ) from failure
                    delay = self.policy.delay_before_retry(failure, attempt)
                    log.warning(
                        "llm %s: %s attempt %d failed (%s)%s",
                        route.stage,
                        model,
                        attempt,
                        failure,
                        "" if delay is None else f"; retrying in {delay:.2f}s",
                    )
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
                    continue
                self.prices.record_call(cost, route.stage, model, completion.usage)
                log.info(
                    "llm %s: %s answered (%d in, %d out tokens)",
                    route.stage,
                    model,
                    completion.usage.input_tokens,
                    completion.usage.output_tokens,
                )
                return completion
        assert last is not None
        raise StageFailed(
            str(route.stage),
            f"the language model service kept failing ({last.kind}, tried "
            f"{' then '.join(route.models())}); try again later",
        )
