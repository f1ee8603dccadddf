"""Joining a long paste back into one story. Telegram's apps split a text over 4,096
characters into several messages sent in a burst (PLATFORM-FACTS.md); each part but the last
is near the limit. A part that long may be followed by more: it waits a moment, and the
chat's next texts are added to it until one is short or the chat falls quiet.

Safe reading where the apps' behaviour is not documented: the parts are joined with a line
break (the apps cut at a line break or space, which they drop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Telegram's longest message; the apps cut a paste at whitespace a little before it.
MESSAGE_LIMIT = 4096
# A text at least this long may be the first part of a split paste.
LIKELY_SPLIT_CHARS = MESSAGE_LIMIT - 500

Done = Callable[[str], Awaitable[None]]


@dataclass
class _Burst:
    done: Done
    parts: list[str] = field(default_factory=list)
    timer: asyncio.Task[None] | None = None


class PasteJoiner:
    """The paste bursts in progress, per chat."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        self._bursts: dict[int, _Burst] = {}

    @staticmethod
    def may_continue(text: str) -> bool:
        return len(text) >= LIKELY_SPLIT_CHARS

    def start(self, chat_id: int, text: str, done: Done) -> None:
        """Hold `text`, the first part of what may be a split paste; `done` gets the whole."""
        older = self._bursts.pop(chat_id, None)
        if older is not None:  # a new story before the last one's wait ended: let it go now
            self._schedule(chat_id, older, wait_s=0.0)
        burst = _Burst(done=done, parts=[text])
        self._bursts[chat_id] = burst
        self._schedule(chat_id, burst, self.wait_s)

    def continues(self, chat_id: int, text: str) -> bool:
        """Add `text` to the chat's paste if it continues one; False when it is a message of
        its own."""
        burst = self._bursts.get(chat_id)
        if burst is None or not self.may_continue(burst.parts[-1]):
            return False
        burst.parts.append(text)
        self._schedule(chat_id, burst, self.wait_s if self.may_continue(text) else 0.0)
        return True

    async def close(self) -> None:
        timers = [burst.timer for burst in self._bursts.values() if burst.timer is not None]
        self._bursts.clear()
        for timer in timers:
            timer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*timers, return_exceptions=True)

    def _schedule(self, chat_id: int, burst: _Burst, wait_s: float) -> None:
        if burst.timer is not None:
            burst.timer.cancel()
        burst.timer = asyncio.create_task(self._finish(chat_id, burst, wait_s))

    async def _finish(self, chat_id: int, burst: _Burst, wait_s: float) -> None:
        await asyncio.sleep(wait_s)
        if self._bursts.get(chat_id) is burst:
            del self._bursts[chat_id]
        burst.timer = None  # from here on, a new part is not this burst's
        try:
            await burst.done("\n".join(burst.parts))
        except Exception:
            log.exception("a joined paste could not be handed on")
