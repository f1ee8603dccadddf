"""Stories told to the bot become films delivered in the chat: a real worker renders them on
the offline profile (small frames), the real Application talks to the fake Bot API."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from shotgraph.api.links import DownloadLinks
from shotgraph.bot.progress import STAGE_LABELS
from shotgraph.config import Settings
from shotgraph.models import AspectRatio, Stage
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import Owner
from tests.e2e.telegram.conftest import StartBot, with_settings
from tests.fakes.telegram_api import Call, FakeTelegramApi
from tests.helpers.media import probe
from tests.helpers.watch_page import open_in_browser
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."
LONG_STORY = (ROOT / "examples/stories/the-fox-and-the-lantern.txt").read_text()

StartWorker = Callable[[Settings], WorkerProcess]


def progress_edits(api: FakeTelegramApi, progress: Call) -> list[Call]:
    """The accepted edits of one progress message, in order."""
    message_id = str(progress.result["message_id"])
    return [
        call
        for call in api.calls_to("editMessageText")
        if call.params["message_id"] == message_id and call.status == 200
    ]


def ticked(text: str) -> list[Stage]:
    return [stage for stage in Stage if f"✅ {STAGE_LABELS[stage]}" in text]


@pytest.fixture
def worker_settings() -> dict[str, object]:
    """Settings the worker runs with besides the test's; a test parametrizes it to change them."""
    return {}


@pytest.fixture
async def api(
    telegram_api: FakeTelegramApi,
    telegram_settings: Settings,
    start_worker: StartWorker,
    worker_settings: dict[str, object],
    start_bot: StartBot,
    bot_settings: dict[str, object],
) -> FakeTelegramApi:
    """The fake Bot API with a worker and a bot running behind it (the worker first: its
    start blocks while it loads)."""
    start_worker(with_settings(telegram_settings, **worker_settings))
    await start_bot(**bot_settings)
    return telegram_api


async def first_progress(api: FakeTelegramApi) -> Call:
    return await api.wait_for_call("sendMessage", lambda c: c.params["text"].startswith("🎬"))


async def test_a_dm_story_becomes_a_queued_message_stage_edits_and_a_playable_video(
    api: FakeTelegramApi,
    tmp_path: Path,
) -> None:
    await api.send_text('/story --title "The Kite" ' + STORY)
    video = await api.wait_for_call("sendVideo", timeout_s=90)

    progress = await first_progress(api)
    assert "In the queue" in progress.params["text"]
    assert [b["text"] for b in progress.keyboard] == ["Cancel"]
    edits = progress_edits(api, progress)
    # Stages are ticked in pipeline order, never untick, and the last edit is the summary.
    ticks = [ticked(edit.params["text"]) for edit in edits]
    assert all(t == list(Stage)[: len(t)] for t in ticks)
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(ticks))
    assert ticks[-1] == list(Stage)
    # The stage in progress shows a bar and how far along it is.
    assert any("▶️" in e.params["text"] and "░" in e.params["text"] for e in edits)
    final = edits[-1].params["text"]
    assert "Done:" in final
    assert "reply_markup" not in edits[-1].params
    # Edits of one message are throttled to the edit interval.
    gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
    assert min(gaps) >= 0.25
    # The film: streamable, captioned, with a small thumbnail, and a real MP4.
    assert video.params["supports_streaming"] == "true"
    caption = video.params["caption"].splitlines()
    assert caption[:2] == ["🎬 The Kite", "by User42"]
    assert re.fullmatch(r"\d+ s long, 1 scene, \d+ shots", caption[2])
    assert caption[3] == "storybook · landscape 16:9 · seed 0"
    # A private chat holds only the author: the cost is shown there.
    assert caption[-1] == "This film made no paid LLM calls."
    assert [b["text"] for b in video.keyboard] == [
        "Retake a shot",
        "New seed",
        "Vertical",
        "Subtitles",
        "Delete",
    ]
    # The progress message made way for the film.
    deleted = await api.wait_for_call("deleteMessage", timeout_s=10)
    assert deleted.params["message_id"] == str(progress.result["message_id"])
    with pytest.raises(KeyError):
        api.message_of(progress)
    thumbnail = Image.open(io.BytesIO(video.file("thumbnail").data))
    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) <= 320
    film = tmp_path / "received.mp4"
    film.write_bytes(video.file("video").data)
    info = probe(film)
    assert info.stream("video").codec == "h264"
    assert info.stream("audio")
    assert info.duration_s > 2
    assert int(video.params["width"]) == info.stream("video").width
    assert len(api.calls_to("sendVideo")) == 1


async def test_a_txt_document_story_is_filmed_with_its_caption_as_title_and_subtitles_follow(
    api: FakeTelegramApi,
) -> None:
    await api.send_document(STORY.encode(), "kite.txt", caption="The Red Kite")
    video = await api.wait_for_call("sendVideo", timeout_s=90)
    await api.press_button(video, "Subtitles")
    subtitles = await api.wait_for_call("sendDocument", timeout_s=10)

    assert video.params["caption"].startswith("🎬 The Red Kite\n")
    assert "/subtitles" not in video.params["caption"]
    srt = subtitles.file("document")
    assert srt.filename == "The Red Kite.srt"
    assert b" --> " in srt.data
    assert b"kite" in srt.data.lower()
    status = await api.reply_to(api.send_text("/status"))
    assert "🎬 The Red Kite · done · " in status
    # /status has a button to get the film again.
    listing = api.calls_to("sendMessage")[-1]
    assert [b["text"] for b in listing.keyboard] == ["Get “The Red Kite”"]
    await api.press_button(listing, "Get “The Red Kite”")
    await api.wait_for(lambda a: len(a.calls_to("sendVideo")) == 2, timeout_s=30)


@pytest.mark.parametrize("worker_settings", [{"max_active_jobs_per_user": 3}])
@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 3}])
async def test_new_seed_and_vertical_queue_the_same_story_changed_and_delete_removes_it(
    api: FakeTelegramApi, job_queue: JobQueue, telegram_settings: Settings
) -> None:
    await api.send_text('/story --title "The Kite" --seed 5 ' + STORY)
    video = await api.wait_for_call("sendVideo", timeout_s=90)
    owner = Owner(platform="telegram", user_id="42")
    (first,) = await job_queue.list_jobs(owner)

    await api.press_button(video, "New seed")
    await api.wait_for(lambda a: len(a.calls_to("sendVideo")) == 2, timeout_s=90)
    await api.press_button(video, "Vertical")
    vertical = await api.wait_for(
        lambda a: len(a.calls_to("sendVideo")) == 3 and a.calls_to("sendVideo")[2], timeout_s=90
    )

    third, second, _ = await job_queue.list_jobs(owner)
    assert second.request.story == first.request.story == third.request.story
    assert second.request.seed != 5
    assert second.request.aspect is first.request.aspect is AspectRatio.LANDSCAPE
    assert (third.request.aspect, third.request.seed) == (AspectRatio.PORTRAIT, 5)
    assert int(vertical.params["height"]) > int(vertical.params["width"])
    assert "Landscape" in [b["text"] for b in vertical.keyboard]
    # Delete: the message and the film go.
    film = telegram_settings.storage_path / "jobs" / first.job_id
    assert film.exists()
    await api.press_button(video, "Delete")
    await api.wait_for(
        lambda a: (
            a.calls_to("deleteMessage")[-1].params["message_id"] == str(video.result["message_id"])
        )
    )
    assert not film.exists()
    assert (
        "Deleted"
        in (
            await api.wait_for_call(
                "answerCallbackQuery", lambda c: "Deleted" in c.params.get("text", "")
            )
        ).params["text"]
    )


async def test_cancel_mid_run_stops_the_film_and_says_so(
    api: FakeTelegramApi,
) -> None:
    await api.send_text("/story " + LONG_STORY[:1500])
    progress = await first_progress(api)
    running = await api.wait_for_call("editMessageText", lambda c: "▶️" in c.params["text"])
    await api.press_button(running, "Cancel")
    final = await api.wait_for_call("editMessageText", lambda c: "Cancelled." in c.params["text"])

    answer = await api.wait_for_call("answerCallbackQuery")
    assert "Stopping" in answer.params["text"] or "Cancelled" in answer.params["text"]
    assert final.params["message_id"] == str(progress.result["message_id"])
    assert "reply_markup" not in final.params
    assert not api.calls_to("sendVideo")


@pytest.mark.parametrize("film_ends_while_down", [False, True], ids=["running", "finished"])
async def test_a_restarted_bot_keeps_editing_the_same_message_and_delivers_once(
    telegram_api: FakeTelegramApi,
    telegram_settings: Settings,
    job_queue: JobQueue,
    start_bot: StartBot,
    start_worker: StartWorker,
    film_ends_while_down: bool,
) -> None:
    api = telegram_api
    start_worker(telegram_settings)
    first = await start_bot()

    await api.send_text("/story " + LONG_STORY[:1500])
    progress = await first_progress(api)
    await api.wait_for_call("editMessageText", lambda c: "▶️" in c.params["text"])
    await first.stop()
    stopped_at = len(api.calls)
    if film_ends_while_down:
        await wait_until_finished(job_queue, progress)
    second = await start_bot()
    video = await api.wait_for_call("sendVideo", timeout_s=120)
    await api.wait_for_call("deleteMessage", timeout_s=10)  # the progress made way for it
    await second.stop()
    await start_bot()  # a third start finds nothing left to deliver
    await api.reply_to(api.send_text("/quota"))

    after_restart = api.calls[stopped_at:]
    progress_messages = [c for c in api.calls_to("sendMessage") if "🎬" in c.params["text"]]
    assert progress_messages == [progress]
    edits = [c for c in after_restart if c.method == "editMessageText"]
    assert edits
    assert {c.params["message_id"] for c in edits} == {str(progress.result["message_id"])}
    assert "Done:" in edits[-1].params["text"]
    # Shown done, then taken away for the film's own message, once.
    assert [c.params["message_id"] for c in api.calls_to("deleteMessage")] == [
        str(progress.result["message_id"])
    ]
    assert api.calls_to("sendVideo") == [video]


async def wait_until_finished(queue: JobQueue, progress: Call, timeout_s: float = 120) -> None:
    """Follow the job's own stream (as the worker writes it) to its last event."""
    job_id = progress.keyboard[0]["callback_data"].split(":")[1]
    async with asyncio.timeout(timeout_s):
        async for _ in queue.watch(job_id):
            pass


async def test_an_unsafe_story_is_refused_with_its_category_and_offers_an_edit(
    api: FakeTelegramApi, job_queue: JobQueue
) -> None:
    await api.send_text("/story Mara read the steps to build a pipe bomb in the old barn.")
    unsafe = await api.wait_for_call("editMessageText", lambda c: "Refused" in c.params["text"])

    text = unsafe.params["text"]
    assert "❌ Safety check: " in text
    assert "flagged for" in text
    assert "▶️" not in text
    assert "░" not in text
    assert [b["text"] for b in unsafe.keyboard] == ["Edit story"]
    assert "Traceback" not in text
    # A refusal does not count toward the day.
    owner = Owner(platform="telegram", user_id="42")
    usage = await job_queue.limits.usage(owner)
    assert (usage.today, usage.not_counted) == (0, 1)
    # Edit story: the changed story, sent next, is filmed with the same options.
    await api.press_button(unsafe, "Edit story")
    prompt = await api.wait_for(
        lambda a: next((t for t in a.texts_sent() if "again, changed" in t), None), timeout_s=10
    )
    assert "next message" in prompt
    await api.send_text("Mara read a book about kites in the old barn.")
    await api.wait_for(lambda a: len(a.calls_to("sendVideo")) == 1, timeout_s=90)
    jobs = await job_queue.list_jobs(owner)
    assert jobs[0].request.story == "Mara read a book about kites in the old barn."


@pytest.mark.parametrize("worker_settings", [{"job_timeout_s": 1}])
async def test_a_film_over_the_time_limit_fails_with_a_short_reason(api: FakeTelegramApi) -> None:
    await api.send_text("/story " + LONG_STORY[:1500])
    failed = await api.wait_for_call("editMessageText", lambda c: "Failed" in c.params["text"])

    assert "The film took longer than 1 seconds and was stopped." in failed.params["text"]
    assert [b["text"] for b in failed.keyboard] == ["Try again"]


# A sharp film (lossless, 640x360: about 630 KB) over a 400 KB limit: a smaller encode fits.
@pytest.mark.parametrize(
    ("worker_settings", "bot_settings"),
    [
        (
            {"video_resolution": "640x360", "video_fps": 12, "video_crf": 0},
            {"telegram_upload_limit_bytes": 400_000},
        )
    ],
)
async def test_a_film_over_the_upload_limit_arrives_as_a_smaller_encode_that_fits(
    api: FakeTelegramApi, telegram_settings: Settings, tmp_path: Path
) -> None:
    await api.send_text("/story " + STORY)
    video = await api.wait_for_call("sendVideo", timeout_s=90)

    assert "A smaller version to fit the 400 KB upload limit." in video.params["caption"]
    sent = video.file("video").data
    assert len(sent) <= 400_000
    originals = list((telegram_settings.storage_path / "jobs").glob("*/film.mp4"))
    assert [f.stat().st_size > 400_000 for f in originals] == [True]
    film = tmp_path / "smaller.mp4"
    film.write_bytes(sent)
    info = probe(film)
    assert (info.stream("video").codec, info.stream("video").width) == ("h264", 640)
    assert info.stream("audio")
    assert info.duration_s == pytest.approx(probe(originals[0]).duration_s, abs=0.2)
    assert len(api.calls_to("sendVideo")) == 1


# Too small for even a smaller encode worth watching: the film goes as a link.
@pytest.mark.parametrize("bot_settings", [{"telegram_upload_limit_bytes": 20_000}])
async def test_a_film_over_the_upload_limit_arrives_as_a_signed_link(
    api: FakeTelegramApi, telegram_settings: Settings, job_queue: JobQueue
) -> None:
    await api.send_text("/story " + STORY)
    link = await api.wait_for_call("sendMessage", lambda c: "/v/" in c.params["text"])

    text = link.params["text"]
    assert "too big to upload" in text
    url = text.split()[-1]
    assert url.startswith(telegram_settings.api_public_url + "/v/")
    job_id = DownloadLinks(telegram_settings).job_id_from(url.rsplit("/", 1)[1])
    (record,) = await job_queue.list_jobs(Owner(platform="telegram", user_id="42"))
    assert job_id == record.job_id
    assert "New seed" in [b["text"] for b in link.keyboard]
    assert not api.calls_to("sendVideo")
    assert "link_preview_options" not in link.params  # Telegram shows the page's preview
    # The link is the film's watch page, with the tags a chat's link preview reads.
    page = await open_in_browser(telegram_settings, url)
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<meta property="og:video" content="{url}/film.mp4">' in page


@pytest.mark.parametrize("bot_settings", [{"max_active_jobs_per_user": 2}])
async def test_a_second_story_waits_with_an_estimate_and_queue_shows_the_stage(
    api: FakeTelegramApi,
) -> None:
    # One film first, so the queue has a run time to estimate from.
    await api.send_text("/story " + STORY)
    await api.wait_for_call("sendVideo", timeout_s=90)

    await api.send_text('/story --title "Long One" ' + LONG_STORY[:1500])
    await api.wait_for_call(
        "editMessageText", lambda c: "Long One\n" in c.params["text"] and "▶️" in c.params["text"]
    )
    second = await api.reply_to(api.send_text('/story --title "Second" ' + STORY))
    listed = await api.reply_to(api.send_text("/queue"))

    assert re.match(r"🎬 Second\nIn the queue, position 1\. About \d+ s to wait\.", second)
    running, waiting = listed.splitlines()
    assert running.startswith("▶️ Long One · User42 · ")
    assert running.rsplit(" · ", 1)[1] in STAGE_LABELS.values()
    assert re.fullmatch(r"1\. Second · User42 · about \d+ s", waiting)
