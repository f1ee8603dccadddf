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
        (
            Reply(status=429, headers={"retry-after-ms": "250", "Retry-After": "1"}),
            "rate_limited",
            0.25,
        ),
        (Reply.out_of_quota(), "out_of_quota", None),
        (Reply('{"shots": [', finish_reason="length"), "truncated", None),
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
    assert failed.value.retryable is (kind in ("rate_limited", "server_error", "timeout"))
    assert len(llm_server.requests) == 1, "the SDK's own retries must be off"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("model", ["o4-mini", "gpt-5.1", "openai/gpt-5-mini"])
async def test_a_reasoning_model_is_sent_max_completion_tokens_and_no_temperature(
    provider: str, model: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.reasoning_models = {model}
    llm_server.script = by_model({model: Reply("thought it through")})
    client = build_llm_client(llm_settings, provider)

    completion = await client.complete(ChatRequest(model=model, messages=HELLO, max_tokens=500))

    assert completion.text == "thought it through"
    assert llm_server.refusals == [], "known by name: asked right the first time"
    [seen] = llm_server.requests
    assert "max_tokens" not in seen.body
    assert "temperature" not in seen.body
    assert seen.body["max_completion_tokens"] >= 500


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_model_that_refuses_a_parameter_is_asked_again_without_it_once_for_all(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.reasoning_models = {"house-reasoner"}
    llm_server.script = by_model({"house-reasoner": Reply("fine")})
    client = build_llm_client(llm_settings, provider)
    request = ChatRequest(model="house-reasoner", messages=HELLO)

    assert (await client.complete(request)).text == "fine"
    assert (await client.complete(request)).text == "fine"

    assert [r["param"] for r in llm_server.refusals] == ["max_tokens", "temperature"]
    last = llm_server.requests[-1].body
    assert "max_tokens" not in last
    assert "temperature" not in last


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_parameter_the_model_takes_is_not_dropped_on_another_400(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"m": Reply(status=400)})
    client = build_llm_client(llm_settings, provider)

    with pytest.raises(LlmCallFailed) as failed:
        await client.complete(ChatRequest(model="m", messages=HELLO))

    assert failed.value.kind == "rejected"
    assert len(llm_server.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_model_without_json_schema_support_gets_json_object(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.schema_less_models = {"m"}
    llm_server.script = by_model({"m": Reply("{}")})
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    client = build_llm_client(llm_settings, provider)
    request = ChatRequest(model="m", messages=HELLO, json_schema=schema)

    await client.complete(request)
    await client.complete(request)

    formats = [seen.response_format for seen in llm_server.requests]
    assert formats[0]["type"] == "json_schema"
    assert formats[1:] == [{"type": "json_object"}] * 2
    assert len(llm_server.refusals) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_cut_answer_is_a_failure_that_still_reports_its_tokens(
    provider: str, llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    cut = Reply('{"scenes": [{"title": "Dawn"', finish_reason="length", output_tokens=4096)
    llm_server.script = by_model({"m": cut})
    client = build_llm_client(llm_settings, provider)

    with pytest.raises(LlmCallFailed) as failed:
        await client.complete(ChatRequest(model="m", messages=HELLO))

    assert failed.value.kind == "truncated"
    assert failed.value.usage is not None
    assert failed.value.usage.output_tokens == 4096
