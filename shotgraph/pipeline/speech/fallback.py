"""A film is never silent because a voice service failed: retry with backoff, then speak the
shot offline, and say so in the shot's note (which the job's result carries).

After the service answers 429 it is left alone for a while: it blocks for minutes, and every
request in that time only lengthens the block. And once a shot has used up its retries, the
next shots try only once until the service answers again, so a machine with no network spends
seconds on a film, not minutes of backoff per shot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from shotgraph.config import Settings
from shotgraph.models import SpokenLine
from shotgraph.pipeline.speech.casting import Casting
from shotgraph.pipeline.speech.protocol import Narrator, Speech, SpeechUnavailable

log = logging.getLogger(__name__)


class FallbackNarrator:
    """The online narrator, with the offline one standing in for any shot it fails on.

    It takes the online narrator's name: shots are cached under the backend that was asked
    for, and a fallback shot records in its note which voice really spoke.
    """

    def __init__(self, primary: Narrator, fallback: Narrator, settings: Settings) -> None:
        self.name = primary.name
        self._primary = primary
        self._fallback = fallback
        self._retries = settings.narration_retries
        self._backoff_s = settings.narration_retry_backoff_s
        self._blocked_s = settings.narration_blocked_s
        self._blocked_until = 0.0
        self._failing = False

    async def speak(
        self,
        lines: list[SpokenLine],
        language: str,
        voice: str | None,
        out: Path,
        casting: Casting | None = None,
    ) -> Speech:
        try:
            return await self._with_retries(
                lambda: self._primary.speak(lines, language, voice, out, casting)
            )
        except SpeechUnavailable as failure:
            reason = failure.reason
        log.warning(
            "narration: %s failed (%s); speaking with %s", self.name, reason, self._fallback.name
        )
        speech = await self._fallback.speak(lines, language, voice, out, casting)
        note = f"{self.name} failed ({reason}); spoke with {self._fallback.name}"
        if speech.note:
            note = f"{note}: {speech.note}"
        return speech.model_copy(update={"note": note})

    async def _with_retries(self, speak: Callable[[], Awaitable[Speech]]) -> Speech:
        retries = 0 if self._failing else self._retries
        attempt = 0
        while True:
            if time.monotonic() < self._blocked_until:
                raise SpeechUnavailable("it asked us to wait after too many requests")
            try:
                speech = await speak()
                self._failing = False
                return speech
            except SpeechUnavailable as failure:
                if failure.blocked:
                    self._blocked_until = time.monotonic() + self._blocked_s
                if failure.blocked or attempt == retries:
                    self._failing = True
                    raise
                wait = self._backoff_s * 2**attempt
                log.info("narration: %s failed (%s); retrying in %.1f s", self.name, failure, wait)
            await asyncio.sleep(wait)
            attempt += 1
