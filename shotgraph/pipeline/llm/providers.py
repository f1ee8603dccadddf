"""The LLM providers: Together through its own SDK, and any OpenAI-compatible server through
the `openai` SDK (Groq, vLLM, Ollama, llama.cpp server).

Both SDKs come from the same generator, so one adapter serves both: it differs only in the SDK
client and the SDK's exception classes. The SDKs' own retries are turned off (`max_retries=0`)
because `calls.py` retries, so that every attempt is counted and the fallback model is reached.
"""

from __future__ import annotations

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

    async def complete(self, request: ChatRequest) -> Completion:
        extra: dict[str, Any] = {}
        if request.json_schema is not None:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.json_schema},
            }
        try:
            response = await self._sdk.chat.completions.create(
                model=request.model,
                messages=[message.model_dump() for message in request.messages],
                temperature=request.temperature,
                max_tokens=request.max_tokens,
                **extra,
            )
        except Exception as exc:
            failure = self._classify(exc)
            if failure is None:
                raise
            raise failure from exc
        if not response.choices:
            raise LlmCallFailed("server_error", "the answer had no choices")
        text = response.choices[0].message.content or ""
        usage = response.usage
        if usage is None:
            # Some local servers leave usage out; count it ourselves rather than bill nothing.
            prompt = "\n".join(message.content for message in request.messages)
            counted = Usage(input_tokens=count_tokens(prompt), output_tokens=count_tokens(text))
            return Completion(model=request.model, text=text, usage=counted)
        return Completion(
            model=request.model,
            text=text,
            usage=Usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens),
        )

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
                headers = exc.response.headers  # type: ignore[attr-defined]
                return LlmCallFailed("rate_limited", detail, _seconds(headers.get("retry-after")))
            if status >= 500:
                return LlmCallFailed("server_error", detail)
            return LlmCallFailed("rejected", detail)
        return None


def _seconds(value: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare from LLM APIs and is treated as absent."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
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
