"""What the real Bot API does that a lenient fake would hide: long pastes split by the apps,
one answer per button press, forum topics, and chats that refuse the bot for good or move.
No worker runs: the test ends jobs in Redis as a worker would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord
from tests.fakes.telegram_api import DOWNLOAD_LIMIT_BYTES, FakeTelegramApi
from tests.helpers.finished_jobs import fail, finish_with_film

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."
USER = 42
GROUP = -1001


@pytest.fixture
async def queue(telegram_settings: Settings) -> AsyncIterator[JobQueue]:
    queue = await JobQueue.connect(telegram_settings)
    yield queue
    await queue.close()


async def only_job(queue: JobQueue) -> JobRecord:
    [job_id] = [r.job_id for r in await queue.store.unfinished()]
    record = await queue.get(job_id)
    assert record is not None
    return record


LONG = {"max_story_bytes": 50_000, "telegram_paste_wait_s": 0.5}


@pytest.mark.parametrize("bot_settings", [LONG])
async def test_a_paste_the_app_split_into_several_messages_is_one_story(
    api: FakeTelegramApi, queue: JobQueue
) -> None:
    paragraph = "Mara ran up the green hill at dawn, and the wind lifted her red kite. " * 12
    story = "\n\n".join([paragraph.strip()] * 12)
    parts = await api.send_long_text("/story " + story)
    assert len(parts) >= 3

    await api.wait_for(lambda a: any(t.startswith("🎬") for t in a.texts_sent()), 10)
    await asyncio.sleep(1.0)  # nothing else is said about the later parts

    assert [t[:1] for t in api.texts_sent()] == ["🎬"]
    record = await only_job(queue)
    words = record.request.story.split()
    assert words == story.split()


@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 5}])
async def test_a_double_press_on_try_again_queues_one_film_and_answers_each_press_once(
    api: FakeTelegramApi, queue: JobQueue
) -> None:
    await api.reply_to(api.send_text("/story " + STORY))
    await fail(queue, await only_job(queue))
    failed = await api.wait_for_call(
        "editMessageText", lambda c: any(b["text"] == "Try again" for b in c.keyboard)
    )

    await api.press_button(failed, "Try again")
    await api.press_button(failed, "Try again")
    answers = await api.wait_for(
        lambda a: (calls := a.calls_to("answerCallbackQuery"))[1:] and calls
    )
    await asyncio.sleep(0.5)

    assert len(await queue.store.unfinished()) == 1
    assert [c.status for c in answers] == [200, 200]
    assert [c.status for c in api.calls_to("answerCallbackQuery")] == [200, 200]
    said = [str(c.params.get("text")) for c in answers]
    assert "Queued again." in said
    assert any("is already being tried again" in text for text in said)


async def test_progress_goes_to_the_forum_topic_the_story_came_from(
    api: FakeTelegramApi,
) -> None:
    await api.send_text("/story " + STORY, chat_id=GROUP, thread_id=77)
    progress = await api.wait_for_call("sendMessage", lambda c: c.params["text"].startswith("🎬"))

    assert progress.params["message_thread_id"] == "77"


async def test_a_user_who_blocked_the_bot_ends_the_delivery_at_the_first_refusal(
    api: FakeTelegramApi, queue: JobQueue, telegram_settings: Settings
) -> None:
    await api.reply_to(api.send_text("/story " + STORY))
    api.refuse_chat(USER, "blocked")
    await finish_with_film(queue, telegram_settings, await only_job(queue))

    await api.wait_for(lambda a: [c for c in a.calls if c.status == 403])
    await asyncio.sleep(1.0)

    assert await queue.store.undelivered() == []
    refused = [c for c in api.calls if c.status == 403]
    assert len(refused) == 1, "a chat that blocked the bot is not called again"


async def test_a_group_that_became_a_supergroup_gets_its_film_at_the_new_id(
    api: FakeTelegramApi, queue: JobQueue, telegram_settings: Settings
) -> None:
    await api.reply_to(api.send_text("/story " + STORY, chat_id=GROUP), chat_id=GROUP)
    api.refuse_chat(GROUP, migrate_to=-1002)
    record = await only_job(queue)
    await finish_with_film(queue, telegram_settings, record)

    video = await api.wait_for_call("sendVideo", lambda c: c.status == 200)
    async with asyncio.timeout(5):
        while not (moved := await queue.get(record.job_id)).delivered:  # noqa: ASYNC110 (Redis)
            await asyncio.sleep(0.05)

    assert video.params["chat_id"] == "-1002"
    assert moved.owner.chat_id == "-1002"


UPLOAD_LIMIT = 300_000


@pytest.mark.parametrize("bot_settings", [{"telegram_upload_limit_bytes": UPLOAD_LIMIT}])
async def test_the_upload_limit_holds_for_the_whole_body_thumbnail_included(
    api: FakeTelegramApi, queue: JobQueue, telegram_settings: Settings
) -> None:
    api.upload_limit_bytes = UPLOAD_LIMIT
    await api.reply_to(api.send_text("/story " + STORY))
    # The film alone fits; with its thumbnail and caption the request would not.
    await finish_with_film(queue, telegram_settings, await only_job(queue), UPLOAD_LIMIT - 5_000)

    sent = await api.wait_for_call("sendMessage", lambda c: "/v/" in c.params["text"])

    assert "too big to upload" in sent.params["text"]
    assert [c.status for c in api.calls_to("sendVideo")] == []


def test_the_download_limit_is_the_bot_apis_20_mib() -> None:
    assert Settings(_env_file=None).telegram_download_limit_bytes == DOWNLOAD_LIMIT_BYTES


async def test_the_film_says_what_fell_back_while_it_was_made(
    api: FakeTelegramApi, queue: JobQueue, telegram_settings: Settings
) -> None:
    await api.reply_to(api.send_text("/story " + STORY))
    fell_back = "video: diffusion needs a GPU, no CUDA GPU found; using the animatic renderer"
    record = await only_job(queue)
    await finish_with_film(queue, telegram_settings, record, notes=[fell_back])

    video = await api.wait_for_call("sendVideo")

    assert f"⚠️ {fell_back}" in video.params["caption"]
