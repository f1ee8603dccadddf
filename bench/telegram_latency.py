"""How long a Telegram user waits for the bot's first answer to a story, on loopback.

Printed as `name=value` lines at the end:

story_to_first_reply_p95_ms
    From the user's `/story ...` update being ready for the bot's long poll until the fake
    Bot API holds the bot's reply (the progress message, "In the queue, position N"): the
    poll, python-telegram-bot's dispatch, the options parse and checks, `JobQueue.submit`
    (limits, record, arq enqueue, the queued event), the follower reading that event from the
    job's stream, and the sendMessage request.

The bot is the real `TelegramBot` (python-telegram-bot's Application) pointed by settings at
the fake Bot API server of the tests; no worker runs, so every story stays queued. Stories
come one at a time from different users, so no quota refuses them. Redis is REDIS_URL
(database 15, emptied). Run with `make bench`. Target: under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio

# The fake Bot API server lives with the tests; this script runs from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shotgraph.bot.telegram_bot import TelegramBot
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.fakes.telegram_api import FakeTelegramApi

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."
BENCH_DB = 15


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def measure(stories: int, storage: Path) -> dict[str, float]:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    async with FakeTelegramApi() as api:
        settings = Settings(
            _env_file=None,
            redis_url=f"{base}/{BENCH_DB}",
            storage_path=storage,
            max_queued_jobs=stories + 1,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            telegram_api_file_url=api.base_file_url,
        )
        flush = redis.asyncio.Redis.from_url(settings.redis_url)
        await flush.flushdb()
        queue = await JobQueue.connect(settings)
        bot = TelegramBot(settings, queue)
        waits: list[float] = []
        try:
            await bot.start()
            for number in range(stories):
                user = 1000 + number
                began = time.perf_counter()
                await api.reply_to(api.send_text(f"/story {STORY}", user_id=user), chat_id=user)
                waits.append(time.perf_counter() - began)
        finally:
            await bot.stop()
            await queue.close()
            await flush.flushdb()
            await flush.aclose()
    return {
        "story_to_first_reply_p50_ms": statistics.median(waits) * 1000,
        "story_to_first_reply_p95_ms": p95(waits) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as storage:
        results = asyncio.run(measure(args.stories, Path(storage)))
    print(f"{args.stories} stories sent to the Telegram bot through the fake Bot API")
    for name, value in results.items():
        print(f"{name}={value:.1f}")


if __name__ == "__main__":
    main()
