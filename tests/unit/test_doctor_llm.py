"""`shotgraph doctor` on the LLM provider: it answers, takes the key and offers every configured
model, asked of the fake OpenAI-compatible server over HTTP (a model list costs no tokens)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr

from shotgraph.config import Settings
from shotgraph.doctor import run_checks
from shotgraph.pipeline.llm.providers import models_url, offered_models
from shotgraph.pipeline.llm.routing import Router
from tests.fakes.llm_server import FakeLlmServer

KEY = "sk-test-doctor"


@pytest.fixture
def provider_settings(tmp_path: Path, llm_server: FakeLlmServer) -> Settings:
    llm_server.api_key = KEY
    return Settings(
        _env_file=None,
        gpu_enabled=False,
        storage_path=tmp_path,
        llm_provider="openai",
        llm_base_url=llm_server.url,
        llm_api_key=KEY,
        safety_backend="llm",
    )


async def llm_check(settings: Settings) -> tuple[bool, str]:
    # The doctor is synchronous; the fake answers from this test's event loop meanwhile.
    checks = await asyncio.to_thread(lambda: list(run_checks(settings)))
    check = next(c for c in checks if c.name == "llm")
    return check.ok, check.detail


async def test_a_provider_offering_every_configured_model_passes(
    provider_settings: Settings, llm_server: FakeLlmServer
) -> None:
    wanted = Router.from_settings(provider_settings).model_ids(moderates=True)
    llm_server.offered = [*wanted, "someone/other-model"]

    ok, detail = await llm_check(provider_settings)

    assert ok, detail
    assert f"offers all {len(wanted)} configured models" in detail
    assert provider_settings.llm_safety_model in wanted
    assert llm_server.requests == []  # no chat completion was asked for: nothing was billed


async def test_a_model_the_provider_does_not_offer_is_named(
    provider_settings: Settings, llm_server: FakeLlmServer
) -> None:
    wanted = Router.from_settings(provider_settings).model_ids(moderates=True)
    llm_server.offered = [m for m in wanted if m != provider_settings.llm_safety_model]

    ok, detail = await llm_check(provider_settings)

    assert not ok
    assert detail.endswith(f"does not offer {provider_settings.llm_safety_model}")


async def test_the_safety_model_is_not_asked_for_when_the_rules_moderate(
    provider_settings: Settings, llm_server: FakeLlmServer
) -> None:
    rules = provider_settings.model_copy(update={"safety_backend": "rules"})
    llm_server.offered = Router.from_settings(rules).model_ids(moderates=False)
    assert rules.llm_safety_model not in llm_server.offered

    ok, detail = await llm_check(rules)

    assert ok, detail


async def test_a_refused_key_is_reported(provider_settings: Settings) -> None:
    wrong = provider_settings.model_copy(update={"llm_api_key": SecretStr("sk-wrong")})

    ok, detail = await llm_check(wrong)

    assert not ok
    assert "refused LLM_API_KEY (HTTP 401)" in detail
    assert "sk-wrong" not in detail


async def test_an_unreachable_provider_is_reported(provider_settings: Settings) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    gone = provider_settings.model_copy(update={"llm_base_url": f"http://127.0.0.1:{port}/v1"})

    ok, detail = await llm_check(gone)

    assert not ok
    assert f"http://127.0.0.1:{port}/v1/models cannot be reached" in detail


async def test_without_an_llm_there_is_nothing_to_reach(tmp_path: Path) -> None:
    ok, detail = await llm_check(Settings(_env_file=None, gpu_enabled=False, storage_path=tmp_path))
    assert ok
    assert detail == "not used: the rules planner needs no LLM"


def test_both_providers_list_their_models_at_v1_models() -> None:
    together = Settings(_env_file=None, llm_base_url="https://api.together.xyz/v1")
    assert models_url(together, "together") == "https://api.together.xyz/v1/models"
    assert models_url(Settings(_env_file=None), "together") == "https://api.together.ai/v1/models"
    assert models_url(Settings(_env_file=None), "openai") == "https://api.openai.com/v1/models"
    # OpenAI wraps the list in `data`; Together sends it bare.
    assert offered_models({"object": "list", "data": [{"id": "a"}, {"id": "b"}]}) == {"a", "b"}
    assert offered_models([{"id": "meta-llama/Llama-Guard-4-12B", "type": "moderation"}]) == {
        "meta-llama/Llama-Guard-4-12B"
    }
    assert offered_models({"error": "nope"}) == set()
