"""When to send a failed request again, and how long to wait first.

Exponential backoff with jitter, so that parallel scene requests that failed together do not
come back together; a server's Retry-After is respected, and one longer than the longest
backoff moves on to the fallback model instead of stalling the job.
"""

from __future__ import annotations

import random

from pydantic import BaseModel, Field

from shotgraph.config import Settings
from shotgraph.pipeline.llm.client import LlmCallFailed


class RetryPolicy(BaseModel):
    attempts: int = Field(default=3, ge=1)
    backoff_s: float = Field(default=1.0, ge=0)
    backoff_max_s: float = Field(default=30.0, ge=0)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            attempts=settings.llm_max_attempts,
            backoff_s=settings.llm_backoff_s,
            backoff_max_s=settings.llm_backoff_max_s,
        )

    def delay_before_retry(self, failure: LlmCallFailed, attempt: int) -> float | None:
        """Seconds to wait before attempt `attempt + 1` on the same model, or None to stop."""
        if not failure.retryable or attempt >= self.attempts:
            return None
        backoff = min(self.backoff_max_s, self.backoff_s * 2 ** (attempt - 1))
        jittered = backoff / 2 + random.uniform(0, backoff / 2)
        if failure.retry_after_s is None:
            return jittered
        if failure.retry_after_s > self.backoff_max_s:
            return None
        return max(failure.retry_after_s, jittered)
