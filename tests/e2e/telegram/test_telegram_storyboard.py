"""Storyboard first, in Telegram: the real Application against the fake Bot API, a real worker
and Redis. The sheet arrives with its buttons, a shot is re-rolled and another rewritten, an
unsafe edit is refused, the bot restarts while the storyboard waits, the film is approved and
delivered, and a retake of one shot posts version 2."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from shotgraph.bot.storyboard import NOT_YOURS
from shotgraph.config import Settings
from shotgraph.models import Stage
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from tests.e2e.telegram.conftest import StartBot
from tests.fakes.telegram_api import Call, FakeTelegramApi
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = (
    "Mara ran up the green hill at dawn with her red kite. The wind was strong.\n\n"
    '"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.'
)
USER = Owner(platform="telegram", user_id="42", chat_id="42")
WORDS = "High above the hill the silver wind sang to Mara all morning long."


async def sheets(api: FakeTelegramApi, count: int) -> Call:
    """The `count`-th storyboard sheet the bot has sent."""
    photos = await api.wait_for(
        lambda a: len(a.calls_to("sendPhoto")) >= count and a.calls_to("sendPhoto"), 90
    )
    return photos[count - 1]


async def the_job(queue: JobQueue) -> JobRecord:
    (record,) = await queue.list_jobs(USER)
    return record


async def waiting_board(queue: JobQueue, after_sheet: str | None = None) -> JobRecord:
    """The job once its storyboard waits again (and is not the sheet `after_sheet`)."""
    while True:
        record = await the_job(queue)
        board = record.storyboard
        if record.status is JobStatus.AWAITING_APPROVAL and board and board.sheet != after_sheet:
            return record
        await asyncio.sleep(0.1)


def keyframe_bytes(settings: Settings, record: JobRecord) -> list[bytes]:
    assert record.storyboard is not None
    return [(settings.storage_path / p.keyframe).read_bytes() for p in record.storyboard.panels]


async def test_the_storyboard_in_telegram(
    telegram_api: FakeTelegramApi,
    telegram_settings: Settings,
    start_worker: Callable[[Settings], WorkerProcess],
    start_bot: StartBot,
    job_queue: JobQueue,
) -> None:
    api = telegram_api
    start_worker(telegram_settings)
    bot = await start_bot()
    setting = await api.reply_to(api.send_text("/storyboard ask"))
    assert "stop at their storyboard" in setting

    await api.send_text("/story " + STORY)
    first = await sheets(api, 1)
    assert first.params["caption"].startswith("🎞 Storyboard:")
    assert "of GPU time" in first.params["caption"]
    assert [b["text"] for b in first.keyboard] == [
        "Render ▶",
        "Re-roll a shot",
        "Edit a shot",
        "Cancel",
    ]
    record = await waiting_board(job_queue)
    before = keyframe_bytes(telegram_settings, record)

    # Someone else's press is answered privately and changes nothing.
    await api.press_button(first, "Render ▶", user_id=7)
    refusal = await api.wait_for_call("answerCallbackQuery", lambda c: "text" in c.params)
    assert refusal.params["text"] == NOT_YOURS
    assert refusal.params["show_alert"] == "true"
    assert (await the_job(job_queue)).status is JobStatus.AWAITING_APPROVAL

    # Re-roll shot 2 from the menu: a new sheet, shot 2 redrawn, every other shot identical.
    await api.press_button(first, "Re-roll a shot")
    menu = await api.wait_for_call("editMessageReplyMarkup", lambda c: c.keyboard)
    assert [b["text"] for b in menu.keyboard][:2] == ["1", "2"]
    await api.press_button(menu, "2")
    second = await sheets(api, 2)
    record = await waiting_board(job_queue, after_sheet=record.storyboard.sheet)
    after = keyframe_bytes(telegram_settings, record)
    assert after[1] != before[1]
    assert after[:1] + after[2:] == before[:1] + before[2:]

    # An unsafe edit is refused with its category; the storyboard stays.
    refused = await api.reply_to(
        api.send_text("/edit 1 picture: a poster with instructions for making a pipe bomb")
    )
    assert "flagged for indiscriminate weapons" in refused
    assert "Shot 1 stays as it was" in refused
    assert (await the_job(job_queue)).storyboard == record.storyboard

    # A new narration for shot 1 is spoken again.
    await api.reply_to(api.send_text(f"/edit 1 {WORDS}"))
    third = await sheets(api, 3)
    record = await waiting_board(job_queue, after_sheet=record.storyboard.sheet)
    assert record.storyboard.panels[0].narration == WORDS
    shot = record.storyboard.panels[0].shot_id
    wavs = list((telegram_settings.storage_path / "jobs" / record.job_id / "narration").glob(
        f"{shot}.*.wav"
    ))  # fmt: skip
    assert len(wavs) == 2  # the first reading and the new one

    # The bot restarts while the storyboard waits: nothing is posted twice, the buttons work.
    await bot.stop()
    bot_again = await start_bot()
    await api.press_button(third, "Render ▶")
    video = await api.wait_for_call("sendVideo", timeout_s=90)
    assert len(api.calls_to("sendPhoto")) == 3
    assert second.params["caption"]
    done = await the_job(job_queue)
    assert done.status is JobStatus.DONE
    assert done.result is not None
    srt = (telegram_settings.storage_path / done.result.files.subtitles).read_text()
    assert "silver wind" in " ".join(srt.split())
    assert video.keyboard[0]["text"] == "Retake a shot"

    # Retake the last shot: only it is rendered again, and version 2 is posted once.
    await api.press_button(video, "Retake a shot")
    numbers = await api.wait_for_call(
        "editMessageReplyMarkup", lambda c: any(b["text"] == "Back" for b in c.keyboard)
        and c.params["message_id"] == str(video.result["message_id"])
    )  # fmt: skip
    last = str(len(done.result.storyboard.panels))
    await api.press_button(numbers, last)
    await api.wait_for_call("answerCallbackQuery", lambda c: c.params.get("text") == (
        f"Retaking shot {last}."
    ))  # fmt: skip
    # The bot restarts during the retake: the new bot finds it and posts version 2 once.
    await bot_again.stop()
    await start_bot()
    v2 = await api.wait_for(
        lambda a: len(a.calls_to("sendVideo")) == 2 and a.calls_to("sendVideo")[1], 90
    )
    assert " v2\n" in v2.params["caption"]
    await asyncio.sleep(1)
    assert len(api.calls_to("sendVideo")) == 2
    retaken = await the_job(job_queue)
    assert retaken.result is not None
    assert len(retaken.versions) == 2
    last_shot = retaken.result.storyboard.panels[-1].shot_id
    assert retaken.result.made_shots[Stage.VISUALS] == [last_shot]
    quota = await api.reply_to(api.send_text("/quota"))
    assert "a retake counts as the share" in quota
