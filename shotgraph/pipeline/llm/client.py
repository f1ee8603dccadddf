"""The one client interface every provider implements, and the errors it may raise.

Stages never see an SDK: they send a `ChatRequest` and get a `Completion` back, so a provider is
swapped by passing another client object.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    """One chat completion to ask for; `json_schema` turns on the provider's structured output."""

    model: str
    messages: list[ChatMessage]
    json_schema: dict[str, Any] | None = None
    schema_name: str = "answer"
    temperature: float = 0.2
    max_tokens: int = Field(default=4096, ge=1)


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0


class Completion(BaseModel):
    model: str
    text: str
    usage: Usage


FailureKind = Literal[
    "timeout", "rate_limited", "server_error", "connection", "rejected", "truncated", "out_of_quota"
]
# Sending the same request to the same model again would fail the same way: a 4xx refusal, an
# answer cut at the token limit (a repaired cut plan is a shorter, wrong plan), an account with
# no credit left (OpenAI's `insufficient_quota` 429 never clears by waiting).
_NOT_RETRYABLE: frozenset[FailureKind] = frozenset({"rejected", "truncated", "out_of_quota"})


class LlmCallFailed(Exception):
    """A request that got no usable answer. `retryable` failures are worth sending again to the
    same model; the others go straight to the fallback model, and `out_of_quota` ends the step
    (the fallback model bills the same account). `usage` is what a failed answer still cost."""

    def __init__(
        self,
        kind: FailureKind,
        detail: str,
        retry_after_s: float | None = None,
        usage: Usage | None = None,
    ):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after_s = retry_after_s
        self.usage = usage

    @property
    def retryable(self) -> bool:
        return self.kind not in _NOT_RETRYABLE


class LlmClient(Protocol):
    """A chat model provider. Raises `LlmCallFailed` for every failure it can classify."""

    name: str

    async def complete(self, request: ChatRequest) -> Completion: ...
