"""Retries, Retry-After, fallback models and the final error, through the OpenAI SDK and the
fake server; the cost report must account for every attempt."""

import time
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.errors import StageFailed
from shotgraph.models import CostReport
from shotgraph.pipeline.llm.calls import ModelCaller
from shotgraph.pipeline.llm.client import ChatMessage
from shotgraph.pipeline.llm.routing import Route
from tests.fakes.llm_server import FakeLlmServer, Reply, by_model

HELLO = [ChatMessage(role="user", content="hello")]
ROUTE = Route(stage="shots", model="strong", fallback="backup")


def caller(settings: Settings) -> ModelCaller:
    return ModelCaller.from_settings(settings, "openai")


async def test_a_429_waits_for_retry_after_then_succeeds(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model(
        {"strong": [Reply(status=429, headers={"Retry-After": "0.3"}), Reply("done")]}
    )
    cost = CostReport()

    completion = await caller(llm_settings).complete(ROUTE, HELLO, cost)

    assert completion.text == "done"
    assert llm_server.models() == ["strong", "strong"]
    first, second = llm_server.requests
    assert second.at - first.at >= 0.3
    [line] = cost.lines
    assert (line.model, line.calls, line.retries) == ("strong", 1, 1)
    assert [a.outcome for a in cost.attempts] == ["rate_limited", "ok"]


async def test_a_retry_after_beyond_the_longest_backoff_goes_to_the_fallback_at_once(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model(
        {"strong": Reply(status=429, headers={"Retry-After": "120"}), "backup": Reply("ok")}
    )
    started = time.monotonic()

    completion = await caller(llm_settings).complete(ROUTE, HELLO, CostReport())

    assert completion.model == "backup"
    assert llm_server.models() == ["strong", "backup"]
    assert time.monotonic() - started < 5


async def test_server_errors_until_the_fallback_model(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"strong": Reply(status=500), "backup": Reply("saved")})
    cost = CostReport()

    completion = await caller(llm_settings).complete(ROUTE, HELLO, cost)

    assert completion.text == "saved"
    assert llm_server.models() == ["strong"] * llm_settings.llm_max_attempts + ["backup"]
    lines = {line.model: line for line in cost.lines}
    assert lines["strong"].calls == 0
    assert lines["strong"].retries == llm_settings.llm_max_attempts
    assert lines["backup"].calls == 1


async def test_a_hang_past_the_timeout_is_retried_then_falls_back(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model(
        {"strong": Reply("too late", delay_s=3.0), "backup": Reply("in time")}
    )
    settings = llm_settings.model_copy(update={"llm_timeout_s": 0.2})
    cost = CostReport()

    completion = await caller(settings).complete(ROUTE, HELLO, cost)

    assert completion.text == "in time"
    assert [a.outcome for a in cost.attempts] == ["timeout", "timeout", "ok"]


async def test_a_rejected_request_skips_retries(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"strong": Reply(status=404), "backup": Reply("ok")})

    await caller(llm_settings).complete(ROUTE, HELLO, CostReport())

    assert llm_server.models() == ["strong", "backup"]


async def test_when_every_model_fails_the_error_names_the_stage(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({}, default=Reply(status=502))

    with pytest.raises(StageFailed) as failed:
        await caller(llm_settings).complete(ROUTE, HELLO, CostReport())

    assert failed.value.stage == "shots"
    assert "The shots stage failed" in str(failed.value)
    assert "strong then backup" in str(failed.value)
    assert len(llm_server.requests) == 2 * llm_settings.llm_max_attempts


async def test_cost_is_priced_from_the_llm_prices_json_setting(
    llm_settings: Settings, llm_server: FakeLlmServer, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    env.write_text('LLM_PRICES={"strong": {"input_per_m": 1.0, "output_per_m": 4.0}}\n')
    prices = Settings(_env_file=env).llm_prices
    llm_server.script = by_model({"strong": Reply("x", input_tokens=2_000, output_tokens=1_000)})
    cost = CostReport()

    settings = llm_settings.model_copy(update={"llm_prices": prices})
    await caller(settings).complete(ROUTE, HELLO, cost)

    [line] = cost.lines
    assert (line.input_tokens, line.output_tokens) == (2_000, 1_000)
    assert line.dollars == pytest.approx((2_000 * 1.0 + 1_000 * 4.0) / 1e6)
    assert cost.total_dollars == pytest.approx(0.006)


async def test_a_cut_answer_goes_to_the_fallback_and_its_tokens_are_billed(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model(
        {
            "strong": Reply('{"shots": [', finish_reason="length", output_tokens=4096),
            "backup": Reply("whole"),
        }
    )
    cost = CostReport()

    completion = await caller(llm_settings).complete(ROUTE, HELLO, cost)

    assert completion.text == "whole"
    assert llm_server.models() == ["strong", "backup"], "a cut answer is not asked for again"
    lines = {line.model: line for line in cost.lines}
    assert lines["strong"].output_tokens == 4096
    assert (lines["strong"].calls, lines["strong"].retries) == (0, 1)
    assert [a.outcome for a in cost.attempts] == ["truncated", "ok"]


async def test_an_account_out_of_credit_stops_the_step_without_retries_or_fallback(
    llm_settings: Settings, llm_server: FakeLlmServer
) -> None:
    llm_server.script = by_model({"strong": Reply.out_of_quota(), "backup": Reply("never")})

    with pytest.raises(StageFailed, match="no credit left"):
        await caller(llm_settings).complete(ROUTE, HELLO, CostReport())

    assert llm_server.models() == ["strong"]
