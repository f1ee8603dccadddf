"""A fake OpenAI-compatible chat server on loopback, answering from a script per test.

The Together and OpenAI SDKs talk to it over real HTTP, exactly as they talk to the real
services; each test scripts the replies (by model, in order) and reads back every request the
server saw, to assert which model each stage called and what it was sent.

As strict as the services (PLATFORM-FACTS.md): a model in `reasoning_models` refuses
`max_tokens` and a non-default `temperature` with OpenAI's 400 `unsupported_parameter` /
`unsupported_value`; one in `schema_less_models` refuses `response_format: json_schema` (as some
Together models do); a reply can be cut (`finish_reason: "length"`) or be OpenAI's
`insufficient_quota` 429 (`Reply.out_of_quota()`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a completion, or an HTTP error, after an optional delay."""

    content: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    input_tokens: int = 100
    output_tokens: int = 50
    with_usage: bool = True
    finish_reason: str = "stop"
    error_code: str = "scripted"

    @classmethod
    def out_of_quota(cls) -> Reply:
        """OpenAI's answer to an account without credit: a 429 that waiting never clears."""
        return cls(status=429, error_code="insufficient_quota")


@dataclass
class SeenRequest:
    model: str
    messages: list[dict[str, str]]
    response_format: dict[str, Any] | None
    at: float
    body: dict[str, Any] = field(default_factory=dict)
    """The whole request body (max_tokens, temperature, ...)."""

    @property
    def system(self) -> str:
        return next((m["content"] for m in self.messages if m["role"] == "system"), "")

    @property
    def user(self) -> str:
        """The last user message."""
        return [m["content"] for m in self.messages if m["role"] == "user"][-1]


Script = Callable[[SeenRequest], Reply]


def by_model(replies: dict[str, list[Reply] | Reply], default: Reply | None = None) -> Script:
    """Replies per model, taken in order; the last one of a list repeats."""
    queues = {model: list(r) if isinstance(r, list) else [r] for model, r in replies.items()}

    def answer(request: SeenRequest) -> Reply:
        queue = queues.get(request.model)
        if not queue:
            if default is None:
                raise AssertionError(f"no reply scripted for model {request.model}")
            return default
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


class FakeLlmServer:
    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self.script: Script = by_model({})
        self.in_flight = 0
        self.max_in_flight = 0
        self.offered: list[str] = []
        """What GET /v1/models lists, OpenAI style."""
        self.api_key: str | None = None
        """When set, requests without it as their bearer token get a 401, as a provider does."""
        self.reasoning_models: set[str] = set()
        self.schema_less_models: set[str] = set()
        self.refusals: list[dict[str, Any]] = []
        """The 400s sent for parameters a model does not take."""
        self._runner: web.AppRunner | None = None
        self.url = ""

    def models(self) -> list[str]:
        return [request.model for request in self.requests]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _refused(self, http: web.Request) -> web.Response | None:
        if self.api_key is None or http.headers.get("Authorization") == f"Bearer {self.api_key}":
            return None
        error = {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}
        return web.json_response(error, status=401)

    async def _models(self, http: web.Request) -> web.Response:
        if refused := self._refused(http):
            return refused
        listing = [{"id": model, "object": "model", "owned_by": "fake"} for model in self.offered]
        return web.json_response({"object": "list", "data": listing})

    async def _chat(self, http: web.Request) -> web.Response:
        if refused := self._refused(http):
            return refused
        body = await http.json()
        seen = SeenRequest(
            model=body["model"],
            messages=body["messages"],
            response_format=body.get("response_format"),
            at=time.monotonic(),
            body=body,
        )
        self.requests.append(seen)
        if refusal := self._unsupported(body):
            self.refusals.append(refusal)
            return web.json_response({"error": refusal}, status=400)
        reply = self.script(seen)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(reply.delay_s)
        finally:
            self.in_flight -= 1
        if reply.status != 200:
            error = {
                "message": f"scripted {reply.status}",
                "type": reply.error_code,
                "param": None,
                "code": reply.error_code,
            }
            return web.json_response({"error": error}, status=reply.status, headers=reply.headers)
        return web.json_response(_completion(seen.model, reply), headers=reply.headers)

    def _unsupported(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The 400 the real service sends for a parameter this model does not take."""
        model = body["model"]
        if model in self.reasoning_models:
            if "max_tokens" in body:
                return _refusal(
                    "max_tokens",
                    "unsupported_parameter",
                    "Unsupported parameter: 'max_tokens' is not supported with this model. "
                    "Use 'max_completion_tokens' instead.",
                )
            if body.get("temperature", 1) != 1:
                return _refusal(
                    "temperature",
                    "unsupported_value",
                    f"Unsupported value: 'temperature' does not support {body['temperature']} "
                    "with this model. Only the default (1) value is supported.",
                )
        schema = (body.get("response_format") or {}).get("type") == "json_schema"
        if model in self.schema_less_models and schema:
            # Together's refusal names no parameter, only the format in words.
            return _refusal(None, "invalid_request_error", "json_schema is not supported")
        return None


@pytest.fixture
async def llm_server() -> AsyncIterator[FakeLlmServer]:
    """A fake server for one test; registered for every test by the root conftest."""
    server = FakeLlmServer()
    await server.start()
    yield server
    await server.stop()


def _refusal(param: str | None, code: str, message: str) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def _completion(model: str, reply: Reply) -> dict[str, Any]:
    usage = {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": usage if reply.with_usage else None,
    }
