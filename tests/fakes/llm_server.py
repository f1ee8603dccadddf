"""A fake OpenAI-compatible chat server on loopback, answering from a script per test.

The Together and OpenAI SDKs talk to it over real HTTP, exactly as they talk to the real
services; each test scripts the replies (by model, in order) and reads back every request the
server saw, to assert which model each stage called and what it was sent.
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


@dataclass
class SeenRequest:
    model: str
    messages: list[dict[str, str]]
    response_format: dict[str, Any] | None
    at: float

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
        )
        self.requests.append(seen)
        reply = self.script(seen)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(reply.delay_s)
        finally:
            self.in_flight -= 1
        if reply.status != 200:
            error = {"error": {"message": f"scripted {reply.status}", "type": "scripted"}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        return web.json_response(_completion(seen.model, reply), headers=reply.headers)


@pytest.fixture
async def llm_server() -> AsyncIterator[FakeLlmServer]:
    """A fake server for one test; registered for every test by the root conftest."""
    server = FakeLlmServer()
    await server.start()
    yield server
    await server.stop()


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
                "finish_reason": "stop",
            }
        ],
        "usage": usage if reply.with_usage else None,
    }
