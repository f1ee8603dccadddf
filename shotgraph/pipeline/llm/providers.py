"""The LLM providers: Together through its own SDK, and any OpenAI-compatible server through
the `openai` SDK (Groq, vLLM, Ollama, llama.cpp server).

Both SDKs come from the same generator, so one adapter serves both: it differs only in the SDK
client and the SDK's exception classes. The SDKs' own retries are turned off (`max_retries=0`)
because `calls.py` retries, so that every attempt is counted and the fallback model is reached.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from shotgraph.config import Settings
from shotgraph.pipeline.llm.client import ChatRequest, Completion, LlmCallFailed, Usage
from shotgraph.pipeline.llm.tokens import count_tokens

# Passed explicitly so that the SDKs never read base URLs from the environment themselves.
TOGETHER_BASE_URL = "https://api.together.ai"
OPENAI_BASE_URL = "https://api.openai.com/v1"
# Local OpenAI-compatible servers (Ollama, llama.cpp) take any key; the SDK insists on one.
KEYLESS_PLACEHOLDER = "no-key"
# OpenAI's reasoning models (o-series, gpt-5.x) refuse `max_tokens` and any temperature but the
# default with a 400 (PLATFORM-FACTS.md). Known by name up front; any other model that refuses
# those parameters is learnt from its 400's `param` and asked again without them.
_REASONING_MODEL = re.compile(r"^(openai/)?(o\d|gpt-5)", re.IGNORECASE)
# Their hidden reasoning counts against `max_completion_tokens`: room for it beside the answer.
_REASONING_TOKEN_FACTOR = 4

log = logging.getLogger(__name__)


@dataclass
class ModelQuirks:
    """What one model accepts. Not every Together model takes `response_format: json_schema`;
    those get `json_object` (the prompt carries the output contract either way)."""

    completion_tokens: bool = False
    """Send `max_completion_tokens` instead of `max_tokens`."""
    default_temperature: bool = False
    """Send no temperature: the model takes only its default."""
    json_schema: bool = True

    @classmethod
    def guess(cls, model: str) -> ModelQuirks:
        reasoning = bool(_REASONING_MODEL.match(model))
        return cls(completion_tokens=reasoning, default_temperature=reasoning)

    def learn(self, refused: str | None) -> bool:
        """Stop sending the parameter a 400 named; False when there is nothing left to drop,
        so the refusal stands."""
        if refused == "max_tokens" and not self.completion_tokens:
            self.completion_tokens = True
        elif refused == "temperature" and not self.default_temperature:
            self.default_temperature = True
        elif refused == "response_format" and self.json_schema:
            self.json_schema = False
        else:
            return False
        return True

    def arguments(self, request: ChatRequest) -> dict[str, Any]:
        """The SDK's `create` arguments for this model; `extra_body` because only the openai
        SDK names `max_completion_tokens`."""
        arguments: dict[str, Any] = {
            "model": request.model,
            "messages": [message.model_dump() for message in request.messages],
        }
        if self.completion_tokens:
            tokens = request.max_tokens * _REASONING_TOKEN_FACTOR
            arguments["extra_body"] = {"max_completion_tokens": tokens}
        else:
            arguments["max_tokens"] = request.max_tokens
        if not self.default_temperature:
            arguments["temperature"] = request.temperature
        if request.json_schema is not None:
            arguments["response_format"] = (
                {
                    "type": "json_schema",
                    "json_schema": {"name": request.schema_name, "schema": request.json_schema},
                }
                if self.json_schema
                else {"type": "json_object"}
            )
        return arguments


@dataclass(frozen=True)
class SdkErrors:
    """An SDK's exception classes, in the order they must be tested (a timeout is also a
    connection error there)."""

    timeout: type[Exception]
    connection: type[Exception]
    status: type[Exception]

    @classmethod
    def of(cls, sdk: ModuleType) -> SdkErrors:
        return cls(sdk.APITimeoutError, sdk.APIConnectionError, sdk.APIStatusError)


class SdkChatClient:
    """A chat client over a generated async SDK client (`AsyncTogether`, `AsyncOpenAI`)."""

    def __init__(self, name: str, sdk_client: Any, errors: SdkErrors) -> None:
        self.name = name
        self._sdk = sdk_client
        self._errors = errors
        self._quirks: dict[str, ModelQuirks] = {}

    async def complete(self, request: ChatRequest) -> Completion:
        quirks = self._quirks.setdefault(request.model, ModelQuirks.guess(request.model))
        while True:
            try:
                response = await self._sdk.chat.completions.create(**quirks.arguments(request))
                break
            except Exception as exc:
                refused = self._refused_parameter(exc)
                if quirks.learn(refused):
                    log.info("model %s refuses %s; asking again without it", request.model, refused)
                    continue
                failure = self._classify(exc)
                if failure is None:
                    raise
                raise failure from exc
        if not response.choices:
            raise LlmCallFailed("server_error", "the answer had no choices")
        choice = response.choices[0]
        text = choice.message.content or ""
        usage = _usage(request, text, response.usage)
        if choice.finish_reason == "length":
            cut = f"the answer was cut at the {request.max_tokens}-token limit"
            raise LlmCallFailed("truncated", cut, usage=usage)
        return Completion(model=request.model, text=text, usage=usage)

    def _refused_parameter(self, exc: Exception) -> str | None:
        """The request parameter a 400 says the model does not take, if it says so."""
        if not isinstance(exc, self._errors.status) or exc.status_code != 400:  # type: ignore[attr-defined]
            return None
        error = _error_body(exc)
        param = error.get("param")
        if param in ("max_tokens", "temperature", "response_format"):
            return str(param)
        message = str(error.get("message", "")).lower()
        # Together names no `param`; its refusal of a schema only says so in words.
        if "json_schema" in message or "response_format" in message:
            return "response_format"
        return None

    def _classify(self, exc: Exception) -> LlmCallFailed | None:
        """The failure an SDK error stands for; None for anything else (a bug, re-raised)."""
        if isinstance(exc, self._errors.timeout):
            return LlmCallFailed("timeout", "the model did not answer in time")
        if isinstance(exc, self._errors.connection):
            return LlmCallFailed("connection", str(exc))
        if isinstance(exc, self._errors.status):
            status: int = exc.status_code  # type: ignore[attr-defined]
            detail = f"HTTP {status}"
            if status == 429:
                error = _error_body(exc)
                if "insufficient_quota" in (error.get("code"), error.get("type")):
                    return LlmCallFailed("out_of_quota", "no credit left on the account (HTTP 429)")
                headers = exc.response.headers  # type: ignore[attr-defined]
                return LlmCallFailed("rate_limited", detail, _retry_after(headers))
            if status >= 500:
                return LlmCallFailed("server_error", detail)
            return LlmCallFailed("rejected", detail)
        return None


def _usage(request: ChatRequest, text: str, usage: Any) -> Usage:
    if usage is None:
        # Some local servers leave usage out; count it ourselves rather than bill nothing.
        prompt = "\n".join(message.content for message in request.messages)
        return Usage(input_tokens=count_tokens(prompt), output_tokens=count_tokens(text))
    return Usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens)


def _error_body(exc: Exception) -> dict[str, Any]:
    """The `error` object of a status error (the SDKs unwrap it, or not, by version)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    return body if isinstance(body, dict) else {}


def _retry_after(headers: Any) -> float | None:
    """How long a 429 asks us to wait: OpenAI's `retry-after-ms` is the finer one, then
    Retry-After in seconds (its HTTP-date form is rare from LLM APIs and taken as absent)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers[name]) / scale)
        except (KeyError, ValueError):
            continue
    return None


def _together_root(settings: Settings) -> str:
    """Together's address without /v1: its SDK adds /v1 to its paths itself, while LLM_BASE_URL
    is written OpenAI-style."""
    return (settings.llm_base_url or TOGETHER_BASE_URL).rstrip("/").removesuffix("/v1")


def models_url(settings: Settings, provider: str) -> str:
    """Where the provider lists the models it offers (GET /v1/models, OpenAI style): a check
    of address and key that costs no tokens."""
    if provider == "together":
        return f"{_together_root(settings)}/v1/models"
    return f"{(settings.llm_base_url or OPENAI_BASE_URL).rstrip('/')}/models"


def offered_models(listing: object) -> set[str]:
    """The model ids of a /v1/models answer: OpenAI wraps them in `data`, Together sends the
    bare list."""
    entries = listing.get("data", []) if isinstance(listing, dict) else listing
    if not isinstance(entries, list):
        return set()
    return {entry["id"] for entry in entries if isinstance(entry, dict) and "id" in entry}


def build_llm_client(settings: Settings, provider: str) -> SdkChatClient:
    """The client for LLM_PROVIDER, with the key, base URL and timeout from settings."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else KEYLESS_PLACEHOLDER
    options = {"api_key": key, "timeout": settings.llm_timeout_s, "max_retries": 0}
    if provider == "together":
        import together

        sdk_client = together.AsyncTogether(base_url=_together_root(settings), **options)
        return SdkChatClient("together", sdk_client, SdkErrors.of(together))
    if provider == "openai":
        import openai

        sdk_client = openai.AsyncOpenAI(
            base_url=settings.llm_base_url or OPENAI_BASE_URL, **options
        )
        return SdkChatClient("openai", sdk_client, SdkErrors.of(openai))
    raise ValueError(f"no LLM client for provider {provider!r}")
