"""Both providers' SDKs, over real HTTP to the fake server: answers, usage, the structured
output request, and how each kind of failure is classified."""

import pytest

from shotgraph.config import Settings
from shotgraph.pipeline.llm.client import ChatMessage, ChatRequest, LlmCallFailed
from shotgraph.pipeline.llm.providers import build_llm_client
from tests.fakes.llm_server import FakeLlmServer, Reply, by_model

PROVIDERS = ["together", "openai"]
HELLO = [ChatMessage(role="user", content="hello")]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_an_answer_comes_back_with_its_usage(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"m": Reply("hi there", input_tokens=7, output_tokens=3)})
    client = build_llm_client(llm_settings, provider)

    completion = await client.complete(ChatRequest(model="m", messages=HELLO))

    assert completion.text == "hi there"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (7, 3)
    assert completion.model == "m"
    seen = llm_server.requests[0]
    assert seen.messages == [{"role": "user", "content": "hello"}]
    assert seen.response_format is None


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_server_that_reports_no_usage_is_counted_with_the_tokenizer(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"m": Reply("Hello world", with_usage=False)})
    client = build_llm_client(llm_settings, provider)

    completion = await client.complete(ChatRequest(model="m", messages=HELLO))

    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (1, 2)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_schema_asks_for_the_providers_json_schema_mode(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"m": Reply("{}")})
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    client = build_llm_client(llm_settings, provider)

    await client.complete(ChatRequest(model="m", messages=HELLO, json_schema=schema))

    assert llm_server.requests[0].response_format == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": schema},
    }


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("reply", "kind", "retry_after"),
    [
        (Reply(status=429, headers={"Retry-After": "3"}), "rate_limited", 3.0),
        (Reply(status=429), "rate_limited", None),
        (Reply(status=503), "server_error", None),
        (Reply(status=404), "rejected", None),
        (Reply("late", delay_s=2.0), "timeout", None),
    ],
)
async def test_failures_are_classified(
    provider: str,
    reply: Reply,
    kind: str,
    retry_after: float | None,
    llm_settings: Settings,
    llm_server: FakeLlmServer,
) -> None:
    llm_server.script = by_model({"m": reply})
    client = build_llm_client(llm_settings.model_copy(update={"llm_timeout_s": 0.3}), provider)

    with pytest.raises(LlmCallFailed) as failed:
        await client.complete(ChatRequest(model="m", messages=HELLO))

    assert failed.value.kind == kind
    assert failed.value.retry_after_s == retry_after
    assert failed.value.retryable is (kind != "rejected")
    assert len(llm_server.requests) == 1, "the SDK's own retries must be off"
