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


FailureKind = Literal["timeout", "rate_limited", "server_error", "connection", "rejected"]


class LlmCallFailed(Exception):
    """A request that got no usable answer. `retryable` failures are worth sending again to the
    same model; `rejected` ones (4xx other than 429) go straight to the fallback model."""

    def __init__(self, kind: FailureKind, detail: str, retry_after_s: float | None = None):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after_s = retry_after_s

    @property
    def retryable(self) -> bool:
        return self.kind != "rejected"


class LlmClient(Protocol):
    """A chat model provider. Raises `LlmCallFailed` for every failure it can classify."""

    name: str

    async def complete(self, request: ChatRequest) -> Completion: ...
