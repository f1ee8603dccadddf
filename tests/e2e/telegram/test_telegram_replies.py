"""What the bot answers without a film being rendered: help, quota, status, refusals, groups,
cancel while queued, flood control on edits, and webhook mode. No worker runs here, so every
job stays queued."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import Owner
from tests.e2e.telegram.conftest import StartBot
from tests.fakes.telegram_api import FakeTelegramApi

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."
GROUP = -1001


@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 2}])
async def test_start_greets_in_three_lines_and_help_is_the_full_reference(
    api: FakeTelegramApi,
) -> None:
    greeting = await api.reply_to(api.send_text("/start"))
    start = api.calls_to("sendMessage")[-1]

    intro, example = greeting.split("\n\n")
    assert len(intro.splitlines()) == 3
    assert example.startswith("For example:\n/story ")
    assert "--" not in greeting, "no flags before the user has made a film"
    assert [b["text"] for b in start.keyboard] == ["Try an example story", "How it works"]
    # How it works is the full reference, the same text as /help.
    await api.press_button(start, "How it works")
    reference = await api.wait_for(
        lambda a: next((t for t in a.texts_sent() if "Limits:" in t), None), timeout_s=10
    )
    assert "--vertical" in reference
    assert "--captions burned|soft|off" in reference
    assert "200 KB" in reference
    assert "2 films in the works at once" in reference
    assert "10 films a day" in reference
    assert "0 of your 10 films are used" in reference
    commands = api.calls_to("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"story", "status", "queue", "voices", "help"}
    assert await api.reply_to(api.send_text("/help")) == reference
    voices = await api.reply_to(api.send_text("/voices es"))
    assert "es-ES-ElviraNeural" in voices
    assert "en-US" not in voices


async def test_the_example_button_queues_the_example_story(api: FakeTelegramApi) -> None:
    await api.reply_to(api.send_text("/start"))
    start = api.calls_to("sendMessage")[-1]
    await api.press_button(start, "Try an example story")
    queued = await api.wait_for_call("sendMessage", lambda c: c.params["text"].startswith("🎬"))
    assert queued.params["text"].startswith("🎬 The Red Kite\nIn the queue, position 1")


@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 2}])
async def test_a_story_sent_after_a_bare_story_command_is_queued_with_its_options(
    api: FakeTelegramApi,
) -> None:
    assert "no films" in await api.reply_to(api.send_text("/status"))
    prompt = await api.reply_to(api.send_text('/story --vertical --title "The Kite"'))
    queued = await api.reply_to(api.send_text(STORY))

    assert "next message" in prompt
    assert queued.startswith("🎬 The Kite\nIn the queue, position 1")
    progress = api.calls_to("sendMessage")[-1]
    assert [button["text"] for button in progress.keyboard] == ["Cancel"]
    quota = await api.reply_to(api.send_text("/quota"))
    assert "Today 1 of your 10 films are used (1 of them still in the works)" in quota
    assert "🎬 The Kite · queued · just now" in await api.reply_to(api.send_text("/status"))
    # A second story while the first is in the works waits behind it; a third is refused.
    second = await api.reply_to(api.send_text("/story --title Second " + STORY))
    assert second.startswith("🎬 Second\nIn the queue, position 2")
    listed = await api.reply_to(api.send_text("/queue"))
    assert listed.splitlines() == ["1. The Kite · User42", "2. Second · User42"]
    refused = await api.reply_to(api.send_text("/story " + STORY))
    assert "already have 2 films in the works" in refused


async def test_a_bare_story_commands_options_outlive_a_restart_of_the_bot(
    telegram_api: FakeTelegramApi, start_bot: StartBot
) -> None:
    first = await start_bot()
    prompt = await telegram_api.reply_to(telegram_api.send_text('/story --title "The Kite"'))
    await first.stop()
    await start_bot()

    queued = await telegram_api.reply_to(telegram_api.send_text(STORY))

    assert "next message" in prompt
    assert queued.startswith("🎬 The Kite\nIn the queue")
    # Taken once: the next plain message is not another story.
    assert "Send /story" in await telegram_api.reply_to(telegram_api.send_text(STORY))


async def test_a_document_after_a_bare_story_command_takes_its_options(
    api: FakeTelegramApi,
) -> None:
    await api.reply_to(api.send_text('/story --title "The Kite"'))
    queued = await api.reply_to(api.send_document(STORY.encode(), "kite.md", "text/markdown"))

    assert queued.startswith("🎬 The Kite\nIn the queue")


@pytest.mark.parametrize("bot_settings", [{"max_story_bytes": 1_000}])
async def test_bad_stories_get_one_clear_sentence_each(
    api: FakeTelegramApi,
) -> None:
    assert "too short" in await api.reply_to(api.send_text("/story Once upon a time"))
    too_long = "/story " + "Mara ran far. " * 100
    assert "the limit is 1 KB" in await api.reply_to(api.send_text(too_long))
    assert "--colour" in await api.reply_to(api.send_text("/story --colour red " + STORY))
    assert "empty" in await api.reply_to(api.send_document(b"  \n\n ", "empty.txt"))
    long_file = api.send_document(b"Mara ran. " * 300, "long.txt")
    assert "the limit is 1 KB" in await api.reply_to(long_file)
    picture = api.send_document(b"\x89PNG\r\n\x1a\n\x00\x00", "kite.png", "image/png")
    assert "not a text file" in await api.reply_to(picture)
    huge = api.send_document(None, "huge.txt", file_size=25_000_000)
    assert "up to 21 MB" in await api.reply_to(huge)

    # Only the empty story was downloaded: the others were refused by name or size first.
    assert len(api.calls_to("getFile")) == 1
    assert not api.calls_to("sendVideo")
    assert not any("Traceback" in text for text in api.texts_sent())


async def test_in_a_group_only_commands_addressed_to_the_bot_are_answered(
    api: FakeTelegramApi,
) -> None:
    await api.send_text("Mara ran up the hill, what a story", chat_id=GROUP)
    await api.send_text("/story@another_bot " + STORY, chat_id=GROUP)
    bare = await api.reply_to(api.send_text("/story", chat_id=GROUP), chat_id=GROUP)
    queued = await api.reply_to(
        api.send_text("/story@shotgraph_bot " + STORY, chat_id=GROUP), chat_id=GROUP
    )

    assert "right after /story" in bare
    assert "In the queue" in queued
    assert len(api.texts_sent(GROUP)) == 2


async def test_cancel_while_queued_and_a_429_on_the_edit_is_waited_out(
    api: FakeTelegramApi,
) -> None:
    await api.reply_to(api.send_text("/story " + STORY))
    api.fail_next("editMessageText", times=1, retry_after=1)

    reply = await api.reply_to(api.send_text("/cancel"))
    edit = await api.wait_for_call("editMessageText", lambda call: call.status == 200)

    assert reply.startswith("Cancelled")
    refused = api.calls_to("editMessageText")[0]
    assert refused.status == 429
    assert edit.at - refused.at >= 1.0
    assert "Cancelled." in edit.params["text"]
    assert "reply_markup" not in edit.params
    assert api.message_of(edit).text == edit.params["text"]
    # Cancelled before any drawing: the day's count is as it was, and /quota says why.
    quota = await api.reply_to(api.send_text("/quota"))
    assert "Today 0 of your 10 films are used" in quota
    assert "Not counted: 1 film cancelled before drawing" in quota


async def test_a_deleted_progress_message_is_posted_again(
    api: FakeTelegramApi,
) -> None:
    await api.reply_to(api.send_text("/story " + STORY))
    api.delete_message(api.calls_to("sendMessage")[-1])

    await api.reply_to(api.send_text("/cancel"))
    again = await api.wait_for_call("sendMessage", lambda c: "Cancelled." in c.params["text"])

    assert again.params["text"].startswith("🎬 ")
    assert api.message_of(again).text == again.params["text"]


async def test_webhook_mode_checks_the_secret_token_on_every_request(
    telegram_api: FakeTelegramApi, start_bot: StartBot
) -> None:
    api = telegram_api
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await start_bot(
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram",
        telegram_webhook_port=port,
        telegram_webhook_secret="s3cret-token",
    )

    assert api.webhook is not None
    assert api.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
    assert api.webhook["secret_token"] == "s3cret-token"
    assert not api.calls_to("getUpdates")
    assert await api.post_to_webhook(api.text_update("/help"), secret=None) == 403
    assert await api.post_to_webhook(api.text_update("/help"), secret="guess") == 403
    assert not api.texts_sent()
    answer = api.reply_to(api.post_to_webhook(api.text_update("/help"), secret="s3cret-token"))
    assert "/story" in await answer


async def test_the_shotgraph_bot_telegram_command_serves_until_sigterm(
    telegram_api: FakeTelegramApi, telegram_settings: Settings, tmp_path: Path
) -> None:
    api = telegram_api
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env |= {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "REDIS_URL": telegram_settings.redis_url,
        "STORAGE_PATH": str(telegram_settings.storage_path),
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "shotgraph", "bot", "telegram", cwd=tmp_path, env=env
    )
    try:
        await api.wait_for_call("setMyCommands", timeout_s=30)
        assert "/story" in await api.reply_to(api.send_text("/help"))
    finally:
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 15)

    assert code == 0


@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 3}])
async def test_captions_are_burned_by_default_and_chosen_per_chat_or_story(
    api: FakeTelegramApi, job_queue: JobQueue
) -> None:
    owner = Owner(platform="telegram", user_id="42")
    await api.reply_to(api.send_text("/story " + STORY))
    assert "burned" in await api.reply_to(api.send_text("/captions"))
    assert "from now on: soft" in await api.reply_to(api.send_text("/captions soft"))
    await api.reply_to(api.send_text("/story " + STORY))
    await api.reply_to(api.send_text("/story --captions off " + STORY))
    refused = await api.reply_to(api.send_text("/captions loud"))

    jobs = await job_queue.list_jobs(owner)
    assert [job.request.captions for job in jobs] == ["off", "soft", "burned"]
    assert "'loud' is none of those" in refused
