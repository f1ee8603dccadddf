"""Per-stage routing from settings, the two thresholds, and the retry delays."""

from shotgraph.config import Settings
from shotgraph.pipeline.llm.client import LlmCallFailed
from shotgraph.pipeline.llm.retry import RetryPolicy
from shotgraph.pipeline.llm.routing import Router
from shotgraph.pipeline.llm.tokens import count_tokens


def test_each_step_routes_to_its_settings_model(settings: Settings) -> None:
    router = Router.from_settings(settings)
    assert router.story_compress.models() == [
        settings.llm_model_story_compress,
        settings.llm_model_story_compress_fallback,
    ]
    assert router.shot_final.models() == [
        settings.llm_model_shot_final,
        settings.llm_model_shot_final_fallback,
    ]
    assert router.json_repair.model == settings.llm_model_json_repair
    assert router.safety.models() == [settings.llm_safety_model]


def test_thresholds_switch_the_routes(settings: Settings) -> None:
    router = Router.from_settings(
        settings.model_copy(
            update={"llm_skip_summarization_threshold": 100, "llm_use_large_context_threshold": 50}
        )
    )
    assert not router.compresses(99)
    assert router.compresses(100)
    assert router.scenes_for(50).model == settings.llm_model_scene_draft
    assert router.scenes_for(51).model == settings.llm_model_scene_draft_large


def test_token_counts_come_from_a_real_bpe_vocabulary() -> None:
    assert count_tokens("") == 0
    assert count_tokens("Hello world") == 2
    assert count_tokens("antidisestablishmentarianism") > 1


def test_backoff_doubles_with_jitter_and_stops_after_the_attempts() -> None:
    policy = RetryPolicy(attempts=4, backoff_s=1.0, backoff_max_s=3.0)
    failure = LlmCallFailed("server_error", "HTTP 500")
    for attempt, full in [(1, 1.0), (2, 2.0), (3, 3.0)]:
        delay = policy.delay_before_retry(failure, attempt)
        assert delay is not None
        assert full / 2 <= delay <= full
    assert policy.delay_before_retry(failure, 4) is None


def test_retry_after_is_respected_or_hands_over_to_the_fallback() -> None:
    policy = RetryPolicy(attempts=3, backoff_s=0.01, backoff_max_s=5.0)
    assert policy.delay_before_retry(LlmCallFailed("rate_limited", "", 2.0), 1) == 2.0
    assert policy.delay_before_retry(LlmCallFailed("rate_limited", "", 60.0), 1) is None
    assert policy.delay_before_retry(LlmCallFailed("rejected", "HTTP 400"), 1) is None
