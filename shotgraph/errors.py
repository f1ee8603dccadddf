"""Errors a user can cause. Their message is written for that user and is safe to show in chat;
anything else is a bug and stays in the log with its traceback."""

from __future__ import annotations


class ShotGraphError(Exception):
    """Base of every user-facing error; `str(error)` is the sentence to show."""

    exit_code = 2


class InvalidStory(ShotGraphError):
    """The story cannot be read or is not something we can film."""


class UnsafeContent(ShotGraphError):
    """Moderation stopped the job before any GPU time was spent."""

    def __init__(self, message: str, categories: list[str]) -> None:
        super().__init__(message)
        self.categories = categories


class BackendUnavailable(ShotGraphError):
    """A configured backend cannot run here (missing weights, binary or service)."""


class StageFailed(ShotGraphError):
    """A stage gave up after its retries; the message names the stage and a short reason."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"The {stage} stage failed: {reason}")
        self.stage = stage
        self.reason = reason
