"""The Telegram bot (`shotgraph bot telegram`): a thin adapter between python-telegram-bot and
the shared bot core.

Each handler is one small function registered in `_register`; everything a Discord bot would
do the same way (options, documents, quotas, progress text, delivery choice, exactly-once
delivery, re-attaching after a restart) lives in `shotgraph.bot.core`. This module only turns
updates into core calls and core views into Bot API calls. Limits it respects are in
PLATFORM-FACTS.md: 50 MB uploads (the whole request body), 20 MiB downloads, 4,096-character
messages (the apps split a longer paste, `bot/paste.py` joins it back), 1,024-character
captions, one answer per button press, forum topics, flood control answered with RetryAfter,
and the refusals that end a delivery (blocked, chat gone) or move it (group migrated).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import logging
import signal
import warnings
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from PIL import Image
from redis.asyncio import Redis
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from shotgraph.bot.core import (
    EXAMPLE_STORY,
    BotCore,
    job_line,
    queue_lines,
    quota_text,
    reply_for,
    voices_text,
)
from shotgraph.bot.delivery import Delivery, plan_delivery
from shotgraph.bot.fallbacks import fallback_lines
from shotgraph.bot.finished import (
    FilmAction,
    film_buttons,
    film_filename,
    film_lines,
    film_title,
)
from shotgraph.bot.follower import DeliveryRefused
from shotgraph.bot.paste import PasteJoiner
from shotgraph.bot.progress import ProgressView, cost_text, render_text
from shotgraph.bot.story_input import (
    CAPTIONS_HELP,
    OPTIONS_HELP,
    StoryInput,
    parse_story_command,
)
from shotgraph.bot.storyboard import (
    NOT_YOURS,
    ActionKind,
    StoryboardAction,
    edit_help,
    parse_action,
    parse_shot_command,
    sheet_on_disk,
    shot_menu,
    storyboard_caption,
    version_label,
)
from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, InvalidStory
from shotgraph.models import Captions, JobResult, Storyboard, StoryboardMode
from shotgraph.queue import keys
from shotgraph.queue.client import JobNotFound, JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from shotgraph.sizes import spell_bytes
from shotgraph.storage import local_copy, open_storage

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")

COMMANDS = [
    BotCommand("story", "Film a story: /story your story, or /story and then the story"),
    BotCommand("status", "Your films, and a button to get each again"),
    BotCommand("queue", "The films being made and waiting"),
    BotCommand("cancel", "Stop the film in the works"),
    BotCommand("quota", "How many films you have left today, and what counted"),
    BotCommand("voices", "The narrator voices for a language: /voices es"),
    BotCommand("captions", "Captions in this chat: /captions burned, soft or off"),
    BotCommand("storyboard", "Storyboard first in this chat: /storyboard ask or auto"),
    BotCommand("edit", "Change a storyboard shot: /edit N new narration"),
    BotCommand("reroll", "Draw a storyboard shot again: /reroll N"),
    BotCommand("retake", "Render one shot of your last film again: /retake N"),
    BotCommand("help", "What I do, the options, the limits"),
]
# How a story reaches the bot on Telegram: the help's own paragraph.
HOW_TO_SEND = [
    "Send /story followed by your story, or /story alone and then the story, or a .txt or "
    ".md file. A few paragraphs make a film of a minute or two.",
    f"Options go before the story: {OPTIONS_HELP}.",
    '/story --vertical --title "The Kite" Mara ran up the hill at dawn...',
    "In this chat: /storyboard ask shows each film's storyboard before it is rendered, "
    "/storyboard auto renders straight on; /captions burned, soft or off.",
]
# How many of a user's films /status lists, each with a button to get it again.
STATUS_FILMS = 8
CAPTION_LIMIT = 1024
# The longest text an answer to a button press may carry.
CALLBACK_ANSWER_LIMIT = 200
# Telegram shows a video's thumbnail only as a JPEG of at most 320 px a side.
THUMBNAIL_SIDE = 320
# A 50 MB film (2 GB to a local Bot API server) needs longer than the library's 20 s default.
UPLOAD_TIMEOUT_S = 600.0
# Tries of one call answered with RetryAfter before it is given up on.
FLOOD_RETRIES = 5
# How long a bare /story's options wait for the story before they are forgotten.
AWAITING_STORY_TTL_S = 86_400
# The 50 MB upload limit covers the whole request body: room for the thumbnail (added
# exactly), the caption (at most 4 KB in UTF-8) and the multipart framing.
UPLOAD_OVERHEAD_BYTES = 8 * 1024
_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class TelegramBot:
    """The application, its handlers, and the `ChatSurface` the core's follower draws on."""

    platform = "telegram"

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        if settings.telegram_bot_token is None:
            raise BackendUnavailable("The Telegram bot needs TELEGRAM_BOT_TOKEN (from @BotFather).")
        if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
            raise BackendUnavailable(
                "A Telegram webhook needs TELEGRAM_WEBHOOK_SECRET, so that only Telegram can "
                "post updates to it."
            )
        self.settings = settings
        self.core = BotCore(settings, queue, self, settings.telegram_edit_interval_s)
        self.pastes = PasteJoiner(settings.telegram_paste_wait_s)
        self._refusing: dict[str, str] = {}
        """Chats that refused for good, and why: not called again by this process."""
        self.application = (
            Application.builder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(settings.telegram_api_base_url)
            .base_file_url(settings.telegram_api_file_url)
            .local_mode(settings.telegram_local_mode)
            .rate_limiter(AIORateLimiter())
            .build()
        )
        self._register()

    def _register(self) -> None:
        """Every handler, in one place. Only commands are read in groups."""
        dm = filters.ChatType.PRIVATE
        add = self.application.add_handler
        add(CommandHandler("start", self._replying(self.on_start)))
        add(CommandHandler("help", self._replying(self.on_help)))
        add(CommandHandler("story", self._replying(self.on_story)))
        add(CommandHandler("status", self._replying(self.on_status)))
        add(CommandHandler("queue", self._replying(self.on_queue)))
        add(CommandHandler("voices", self._replying(self.on_voices)))
        add(CommandHandler("captions", self._replying(self.on_captions)))
        add(CommandHandler("cancel", self._replying(self.on_cancel)))
        add(CommandHandler("quota", self._replying(self.on_quota)))
        add(CommandHandler("subtitles", self._replying(self.on_subtitles)))
        add(CommandHandler("storyboard", self._replying(self.on_storyboard_setting)))
        add(CommandHandler("edit", self._replying(self.on_edit)))
        add(CommandHandler("reroll", self._replying(self.on_reroll)))
        add(CommandHandler("retake", self._replying(self.on_retake)))
        add(MessageHandler(dm & filters.Document.ALL, self._replying(self.on_document)))
        add(MessageHandler(dm & filters.TEXT & ~filters.COMMAND, self._replying(self.on_text)))
        add(CallbackQueryHandler(self.on_button))
        self.application.add_error_handler(self.on_error)

    # -- running ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, start receiving updates, and re-attach to the jobs of a previous run."""
        app = self.application
        await app.initialize()
        await app.bot.set_my_commands(COMMANDS)
        await app.start()
        assert app.updater is not None
        webhook = self.settings.telegram_webhook_url
        if webhook:
            assert self.settings.telegram_webhook_secret is not None
            await app.updater.start_webhook(
                listen=self.settings.telegram_webhook_listen,
                port=self.settings.telegram_webhook_port,
                url_path=urlsplit(webhook).path.lstrip("/"),
                webhook_url=webhook,
                secret_token=self.settings.telegram_webhook_secret.get_secret_value(),
                allowed_updates=_UPDATES,
            )
        else:
            await app.updater.start_polling(allowed_updates=_UPDATES)
        resumed = await self.core.resume()
        log.info("telegram bot started; following %d jobs", len(resumed))

    async def stop(self) -> None:
        app = self.application
        assert app.updater is not None
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await self.pastes.close()
        await self.core.close()
        await app.shutdown()

    # -- commands ---------------------------------------------------------------------------

    async def on_start(self, message: Message, owner: Owner, context: Context) -> None:
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Try an example story", callback_data="example:"),
                    InlineKeyboardButton("How it works", callback_data="howto:"),
                ]
            ]
        )
        await message.reply_text(self.core.greeting(), reply_markup=buttons)

    async def on_help(self, message: Message, owner: Owner, context: Context) -> None:
        await message.reply_text(await self._help(owner))

    async def _help(self, owner: Owner) -> str:
        return self.core.help_text(HOW_TO_SEND, await self.core.quota(owner))

    async def on_voices(self, message: Message, owner: Owner, context: Context) -> None:
        asked = _after_command(message.text or "").strip()
        user = message.from_user
        language = asked or (user.language_code if user and user.language_code else "en")
        await message.reply_text(voices_text(language))

    async def on_captions(self, message: Message, owner: Owner, context: Context) -> None:
        """Show or set how this chat's films carry their captions."""
        asked = _after_command(message.text or "").strip().lower()
        key = keys.telegram_chat_captions(message.chat_id)
        if not asked:
            current = await self._chat_captions(message.chat_id)
            await message.reply_text(
                f"Captions in this chat: {current}. Change with /captions and one of "
                f"{CAPTIONS_HELP}."
            )
            return
        if asked not in ("burned", "soft", "off"):
            raise InvalidStory(f"Captions can be {CAPTIONS_HELP}; {asked!r} is none of those.")
        await self._redis.set(key, asked)
        await message.reply_text(f"Captions in this chat from now on: {asked}.")

    async def _chat_captions(self, chat_id: int) -> Captions:
        raw = await self._redis.get(keys.telegram_chat_captions(chat_id))
        if raw is None:
            return self.settings.chat_captions
        value = raw.decode()
        return "soft" if value == "soft" else "off" if value == "off" else "burned"

    async def on_queue(self, message: Message, owner: Owner, context: Context) -> None:
        chat = str(message.chat_id)
        lines = await queue_lines(
            self.core.queue,
            lambda record: record.owner.platform == "telegram" and record.owner.chat_id == chat,
        )
        await message.reply_text("\n".join(lines) or "Nothing is being made: a story starts now.")

    async def on_story(self, message: Message, owner: Owner, context: Context) -> None:
        story = parse_story_command(_after_command(message.text or ""))
        if story.story:
            await self._submit_whole(message, story, owner)
        elif message.chat.type == ChatType.PRIVATE:
            await self._redis.set(
                keys.telegram_awaiting_story(message.chat_id),
                story.model_dump_json(),
                ex=AWAITING_STORY_TTL_S,
            )
            await message.reply_text("Send me the story in your next message (or a .txt file).")
        else:
            raise InvalidStory("In a group, put the story right after /story in one message.")

    async def on_text(self, message: Message, owner: Owner, context: Context) -> None:
        if self.pastes.continues(message.chat_id, message.text or ""):
            return
        awaiting = await self._awaiting_options(message.chat_id)
        if awaiting is None:
            await message.reply_text("Send /story and your story to make a film; /help says more.")
            return
        await self._submit_whole(message, awaiting.with_story(message.text or ""), owner)

    async def on_document(self, message: Message, owner: Owner, context: Context) -> None:
        document = message.document
        assert document is not None
        name = document.file_name or "The file"
        limit = self.settings.telegram_download_limit_bytes
        if document.file_size is not None and document.file_size > limit:
            raise InvalidStory(
                f"{name} is {spell_bytes(document.file_size)}; I can read files up to "
                f"{spell_bytes(limit)}. Send the story as a .txt file."
            )
        self.core.check_document(name, document.file_size)
        data = await (await document.get_file()).download_as_bytearray()
        text = self.core.story_from_document(bytes(data), name)
        # The caption's options win; without a caption, those of a bare /story before it.
        awaiting = await self._awaiting_options(message.chat_id)
        if message.caption:
            options = parse_story_command(message.caption)
        else:
            options = awaiting or StoryInput()
        title = options.title or options.story or None
        await self._submit(options.model_copy(update={"story": text, "title": title}), owner)

    @property
    def _redis(self) -> Redis:
        return self.core.queue.redis

    async def _awaiting_options(self, chat_id: int) -> StoryInput | None:
        """The options of a bare /story waiting for this chat's story, taken (read once)."""
        raw = await self._redis.getdel(keys.telegram_awaiting_story(chat_id))
        return StoryInput.model_validate_json(raw) if raw is not None else None

    async def on_status(self, message: Message, owner: Owner, context: Context) -> None:
        jobs = await self.core.jobs(owner, STATUS_FILMS)
        if not jobs:
            await message.reply_text("You have no films yet; send /story and a story.")
            return
        made = [job for job in jobs if job.status is JobStatus.DONE]
        buttons = [
            [
                InlineKeyboardButton(
                    _shorten(f"Get “{job.title}”", 60), callback_data=f"get:{job.job_id}"
                )
            ]
            for job in made
        ]
        await message.reply_text(
            "\n".join(job_line(job) for job in jobs),
            reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
        )

    async def on_cancel(self, message: Message, owner: Owner, context: Context) -> None:
        job_id = _after_command(message.text or "").strip()
        if job_id:
            record = await self.core.cancel(job_id, owner)
        else:
            record = await self.core.cancel_latest(owner)
        await message.reply_text(_cancel_reply(record))

    async def on_quota(self, message: Message, owner: Owner, context: Context) -> None:
        await message.reply_text(quota_text(await self.core.quota(owner)))

    async def on_subtitles(self, message: Message, owner: Owner, context: Context) -> None:
        job_id = _after_command(message.text or "").strip()
        if job_id:
            record = await self.core.queue.job_for(job_id, owner)
        else:
            done = [job for job in await self.core.jobs(owner) if job.result is not None]
            if not done:
                raise InvalidStory("You have no finished film yet; /status lists your films.")
            record = done[0]
        if record.result is None:
            raise InvalidStory(f'"{record.title}" has no subtitles: it is {record.status.value}.')
        _, srt = await self.core.film_file(record.job_id, owner, "subtitles")
        await self._send_subtitles(message.chat_id, record, srt)

    async def _send_subtitles(self, chat_id: int, record: JobRecord, srt: Path) -> None:
        with srt.open("rb") as handle:
            await self.application.bot.send_document(
                chat_id, handle, filename=film_filename(record.title, ".srt")
            )

    async def on_storyboard_setting(self, message: Message, owner: Owner, context: Context) -> None:
        """`/storyboard ask|auto`: whether this chat's films stop at their storyboard."""
        choice = _after_command(message.text or "").strip().lower()
        key = keys.telegram_chat_storyboard(message.chat_id)
        if choice in ("ask", "auto"):
            await self._redis.set(key, choice)
        elif choice:
            raise InvalidStory("Say /storyboard ask or /storyboard auto.")
        mode = await self._storyboard_mode(message.chat_id)
        await message.reply_text(
            "Films in this chat stop at their storyboard for you to approve."
            if mode == "ask"
            else "Films in this chat are rendered straight away (/storyboard ask to check the "
            "storyboard first)."
        )

    async def on_edit(self, message: Message, owner: Owner, context: Context) -> None:
        number, picture, narration = parse_shot_command(
            _after_command(message.text or ""), needs_words=True
        )
        record = await self.core.latest_storyboard(owner)
        await self.core.storyboards.edit(record.job_id, owner, number, picture, narration)
        what = "picture" if picture is not None else "narration"
        await message.reply_text(f"Shot {number}: new {what} taken; redrawing the storyboard.")

    async def on_reroll(self, message: Message, owner: Owner, context: Context) -> None:
        number, _, _ = parse_shot_command(_after_command(message.text or ""), needs_words=False)
        record = await self.core.latest_storyboard(owner)
        await self.core.storyboards.reroll(record.job_id, owner, number)
        await message.reply_text(f"Drawing shot {number} again.")

    async def on_retake(self, message: Message, owner: Owner, context: Context) -> None:
        number, picture, narration = parse_shot_command(
            _after_command(message.text or ""), needs_words=False
        )
        record = await self.core.latest_film(owner)
        await self.core.retake(record.job_id, owner, number, picture, narration)
        await message.reply_text(f'Retaking shot {number} of "{record.title}".')

    async def on_button(self, update: Update, context: Context) -> None:
        """Every inline button; its callback data name the action and the job (`cancel:<job>`,
        `sb:reroll:<job>:<shot>`), so buttons work on old messages and after restarts. A
        press is answered once (a second answer is refused): checks come first, so that a
        refusal can still be the answer; what fails after the answer is said in the chat."""
        query = update.callback_query
        assert query is not None
        assert query.data is not None
        action, _, job_id = query.data.partition(":")
        owner = _owner(update)
        chat_id = update.effective_chat.id if update.effective_chat else int(owner.chat_id or 0)
        answer, retried = "", False
        # What a press does after it is answered (sending a file, a film, a text).
        after: Callable[[], Awaitable[object]] | None = None
        try:
            storyboard_action = parse_action(query.data)
            if storyboard_action is not None:  # its handler answers the press itself
                await self._on_storyboard_button(query, storyboard_action, owner)
            if action == "cancel":
                answer = _cancel_reply(await self.core.cancel(job_id, owner))
            elif action == "retry":
                # Once per job (the core's claim): a double press queues one film.
                self.core.follow(await self.core.retry(job_id, owner))
                answer, retried = "Queued again.", True
            elif action in (FilmAction.RESEED, FilmAction.REFORMAT):
                record = await self.core.again(job_id, owner, FilmAction(action))
                self.core.follow(record)
                answer = f'Queued "{record.title}" again: {_AGAIN[action]}.'
            elif action == FilmAction.SUBTITLES:
                record, srt = await self.core.film_file(job_id, owner, "subtitles")
                after = partial(self._send_subtitles, chat_id, record, srt)
            elif action == FilmAction.DELETE:
                record = await self.core.delete_film(job_id, owner)
                answer = f'Deleted "{record.title}".'
                if query.message is not None:
                    message_id = query.message.message_id
                    after = partial(self.application.bot.delete_message, chat_id, message_id)
            elif action == "edit":
                await self.core.queue.job_for(job_id, owner)
                after = partial(self._edit_story, chat_id, job_id, owner)
            elif action == "get":
                record, _ = await self.core.film_file(job_id, owner, "video")
                assert record.result is not None
                after = partial(self._deliver_to, record, record.result)
            elif action == "example":
                await self._submit(StoryInput(story=EXAMPLE_STORY, title="The Red Kite"), owner)
            elif action == "howto":
                after = partial(self._send_help, chat_id, owner)
        except JobNotFound:
            await _answer_once(query, NOT_YOURS, alert=True)
            return
        except Exception as error:  # the user's click always gets an answer
            text = _shorten(reply_for(error), CALLBACK_ANSWER_LIMIT)
            await _answer_once(query, text, alert=True)
            return
        # A press is answered exactly once (a second answer is a 400); tidying the keyboard
        # and what the press sends come after, and are said in the chat when they fail.
        await _answer_once(query, answer, alert=False)
        if retried and query.message is not None:
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except TelegramError as error:
                log.info("job %s: Try again's button stays: %s", job_id, error)
        if after is not None:
            try:
                await after()
            except Exception as error:
                await self.application.bot.send_message(chat_id, reply_for(error))

    async def _send_help(self, chat_id: int, owner: Owner) -> None:
        await self.application.bot.send_message(chat_id, await self._help(owner))

    async def _edit_story(self, chat_id: int, job_id: str, owner: Owner) -> None:
        """A refused story: its options wait for the changed story, as a bare /story's do."""
        record = await self.core.queue.job_for(job_id, owner)
        if owner.server_id is not None:
            text = "Send /story again with the story changed, in one message."
        else:
            options = StoryInput.model_validate(record.request.model_dump(exclude={"story"}))
            await self._redis.set(
                keys.telegram_awaiting_story(chat_id),
                options.model_dump_json(),
                ex=AWAITING_STORY_TTL_S,
            )
            text = (
                f'Send "{record.title}" again, changed, in your next message: the same options '
                "(title, style, format) apply."
            )
        await self.application.bot.send_message(chat_id, text)

    async def _on_storyboard_button(
        self, query: CallbackQuery, action: StoryboardAction, owner: Owner
    ) -> None:
        boards, job_id = self.core.storyboards, action.job_id
        record = await self.core.queue.job_for(job_id, owner)  # others are told it is not theirs
        if action.kind == "approve":
            await boards.approve(job_id, owner)
            await query.answer("Rendering the film.")
            await query.edit_message_reply_markup(reply_markup=None)
        elif action.kind == "reroll" and action.number is not None:
            await boards.reroll(job_id, owner, action.number)
            await query.answer(f"Drawing shot {action.number} again.")
            await query.edit_message_reply_markup(reply_markup=None)
        elif action.kind == "retake" and action.number is not None:
            await self.core.retake(job_id, owner, action.number)
            await query.answer(f"Retaking shot {action.number}.")
            await query.edit_message_reply_markup(reply_markup=_film_buttons(record, record.result))
        elif action.kind in ("pick_reroll", "pick_retake"):
            board = record.storyboard if action.kind == "pick_reroll" else _film_board(record)
            kind = "reroll" if action.kind == "pick_reroll" else "retake"
            await query.answer("Which shot?")
            await query.edit_message_reply_markup(reply_markup=_shot_buttons(board, kind, job_id))
        elif action.kind == "pick_edit":
            await query.answer(_shorten(edit_help(), CALLBACK_ANSWER_LIMIT), show_alert=True)
        elif action.kind == "menu":
            await query.answer()
            waiting = record.status is JobStatus.AWAITING_APPROVAL
            menu = _storyboard_buttons(job_id) if waiting else _film_buttons(record, record.result)
            await query.edit_message_reply_markup(reply_markup=menu)
        else:
            await query.answer()

    async def on_error(self, update: object, context: Context) -> None:
        log.error("telegram handler failed", exc_info=context.error)

    # -- ChatSurface: what the core's follower calls ------------------------------------------

    async def show_storyboard(self, record: JobRecord, board: Storyboard) -> None:
        """The contact sheet as a photo, with Render, Re-roll, Edit and Cancel."""
        caption = storyboard_caption(record.title, board, CAPTION_LIMIT)
        sheet = await sheet_on_disk(self.settings, board)
        bot = self.application.bot

        async def send() -> Message:
            with sheet.open("rb") as handle:
                return await bot.send_photo(
                    record.owner.chat_id,
                    handle,
                    message_thread_id=_thread(record),
                    caption=caption,
                    reply_markup=_storyboard_buttons(record.job_id),
                    write_timeout=UPLOAD_TIMEOUT_S,
                )

        await _with_flood_wait(send)

    async def show(self, record: JobRecord, view: ProgressView) -> None:
        """Post the job's progress message, or edit it in place; never raises."""
        try:
            if view.status.finished:
                # The last view must land: wait out flood control rather than skip it.
                await _with_flood_wait(lambda: self._in_chat(record, self._show_once, view))
            else:
                await self._in_chat(record, self._show_once, view)
        except DeliveryRefused as refusal:
            log.info("job %s: the chat refuses its progress: %s", record.job_id, refusal)
        except RetryAfter as flood:
            # Skip this view and back off; the follower shows a newer one afterwards.
            await asyncio.sleep(_retry_after_s(flood))
        except BadRequest as error:
            reason = error.message.lower()
            if "message to edit not found" in reason:
                # Someone deleted the progress message: post a new one and edit that from now.
                await self.show(record.model_copy(update={"progress_ref": None}), view)
            elif "not modified" not in reason:
                log.warning("job %s: progress message refused: %s", record.job_id, error)
        except TelegramError as error:
            log.warning("job %s: progress message failed: %s", record.job_id, error)

    async def _show_once(self, record: JobRecord, view: ProgressView) -> None:
        bot = self.application.bot
        text, buttons = render_text(view), _buttons(view)
        if record.progress_ref is None:
            sent = await bot.send_message(
                record.owner.chat_id,
                text,
                reply_markup=buttons,
                message_thread_id=_thread(record),
            )
            ref = f"{sent.chat_id}:{sent.message_id}"
            await self.core.follower.remember_message(record, ref)
            return
        chat_id, _, message_id = record.progress_ref.partition(":")
        await bot.edit_message_text(
            text, chat_id=chat_id, message_id=int(message_id), reply_markup=buttons
        )

    async def deliver(self, record: JobRecord, result: JobResult) -> None:
        """Post the finished-film message, then take the progress message away: the film's
        own message says everything it said."""
        await self._in_chat(record, self._deliver_to, result)
        # The film is in the chat: delivered now, so a restart before the tidying below
        # never posts it twice (the follower's own mark after this changes nothing).
        await self.core.queue.store.mark_delivered(record.job_id)
        fresh = await self.core.queue.store.get(record.job_id) or record
        if fresh.progress_ref is None:
            return
        chat_id, _, message_id = fresh.progress_ref.partition(":")
        try:
            await self.application.bot.delete_message(chat_id, int(message_id))
        except TelegramError as error:
            # Too old or already gone: say it is done instead of repeating the film's caption.
            log.info("job %s: progress message not deleted: %s", record.job_id, error)
            with contextlib.suppress(TelegramError):
                await self.application.bot.edit_message_text(
                    f"🎬 {record.title}\nDone: the film is below.",
                    chat_id=chat_id,
                    message_id=int(message_id),
                )

    async def _deliver_to(self, record: JobRecord, result: JobResult) -> None:
        """The film, uploaded when it fits, else a smaller encode, else a link, under its
        caption and buttons."""
        still = await asyncio.to_thread(
            local_copy, open_storage(self.settings), result.files.thumbnail, self.settings
        )
        thumbnail = _thumbnail(still) if still is not None else None
        # The limit covers the whole request body, thumbnail and caption included.
        reserved = len(thumbnail or b"") + UPLOAD_OVERHEAD_BYTES
        limit = self.settings.telegram_upload_limit_bytes
        expired = record.film_expired_at is not None
        delivery = await plan_delivery(self.settings, result, limit, expired, reserved)
        caption = _caption(record, result, delivery)
        chat_id, thread = record.owner.chat_id, _thread(record)
        bot = self.application.bot
        buttons = _film_buttons(record, result)
        if delivery.kind != "upload" or delivery.path is None:
            text = f"{caption}\n{delivery.url}" if delivery.url else caption
            await _with_flood_wait(
                lambda: bot.send_message(
                    chat_id, text, message_thread_id=thread, reply_markup=buttons
                )
            )
            return
        size = {} if delivery.reduced else {"width": result.width, "height": result.height}
        film = delivery.path

        async def send() -> Message:
            with film.open("rb") as handle:
                return await bot.send_video(
                    chat_id,
                    handle,
                    message_thread_id=thread,
                    caption=caption,
                    supports_streaming=True,
                    duration=round(result.duration_s),
                    thumbnail=thumbnail,
                    filename=film_filename(record.title),
                    reply_markup=buttons,
                    write_timeout=UPLOAD_TIMEOUT_S,
                    read_timeout=UPLOAD_TIMEOUT_S,
                    **size,
                )

        await _with_flood_wait(send)

    # -- plumbing ---------------------------------------------------------------------------

    async def _in_chat(
        self,
        record: JobRecord,
        call: Callable[[JobRecord, Any], Awaitable[None]],
        argument: Any,
    ) -> None:
        """Make `call` into the job's chat. A group that became a supergroup is followed to
        its new id (kept in the record, with a new progress message there); a chat that
        refuses for good (bot blocked or kicked, chat gone) raises DeliveryRefused, and is not
        called again for any of its jobs."""
        chat = str(record.owner.chat_id)
        if chat in self._refusing:
            raise DeliveryRefused(self._refusing[chat])
        try:
            await call(record, argument)
        except ChatMigrated as moved:
            record = await self._move_chat(record, moved.new_chat_id)
            await call(record, argument)
        except (Forbidden, BadRequest) as error:
            if isinstance(error, BadRequest) and "chat not found" not in error.message.lower():
                raise
            self._refusing[chat] = error.message
            raise DeliveryRefused(error.message) from error

    async def _move_chat(self, record: JobRecord, new_chat_id: int) -> JobRecord:
        log.info("job %s: chat %s is now %s", record.job_id, record.owner.chat_id, new_chat_id)
        owner = record.owner.model_copy(update={"chat_id": str(new_chat_id)})
        await self.core.queue.store.update(record.job_id, owner=owner, progress_ref=None)
        return record.model_copy(update={"owner": owner, "progress_ref": None})

    async def _submit_whole(self, message: Message, story: StoryInput, owner: Owner) -> None:
        """Queue the story at once when it cannot be the first part of a split paste, else
        once the rest has come in; a refusal then is told in one sentence, as by a handler."""
        text = story.story or ""
        if not self.pastes.may_continue(text):
            await self._submit(story, owner)
            return

        async def submit(whole: str) -> None:
            try:
                await self._submit(story.model_copy(update={"story": whole}), owner)
            except Exception as error:
                await message.reply_text(reply_for(error))

        self.pastes.start(message.chat_id, text, submit)

    def _replying(
        self, handler: Callable[[Message, Owner, Context], Awaitable[None]]
    ) -> Callable[[Update, Context], Awaitable[None]]:
        """Run a message handler; whatever goes wrong, the user gets one sentence back."""

        async def run(update: Update, context: Context) -> None:
            message = update.effective_message
            if message is None or update.effective_user is None:
                return
            try:
                await handler(message, _owner(update), context)
            except Exception as error:
                await message.reply_text(reply_for(error))

        return run

    async def _submit(self, story: StoryInput, owner: Owner) -> None:
        assert owner.chat_id is not None
        captions = await self._chat_captions(int(owner.chat_id))
        mode = await self._storyboard_mode(int(owner.chat_id))
        record = await self.core.submit(story, owner, captions, mode)
        self.core.follow(record)

    async def _storyboard_mode(self, chat_id: int) -> StoryboardMode:
        """The chat's `/storyboard` choice, else the settings' default."""
        raw = await self._redis.get(keys.telegram_chat_storyboard(chat_id))
        return (
            "ask"
            if raw == b"ask"
            else "auto"
            if raw == b"auto"
            else (self.settings.storyboard_default)
        )


async def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    queue = await JobQueue.connect(settings)
    try:
        bot = TelegramBot(settings, queue)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await bot.start()
        try:
            await stop.wait()
        finally:
            await bot.stop()
    finally:
        await queue.close()


def _owner(update: Update) -> Owner:
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None
    assert chat is not None
    topic = message is not None and message.is_topic_message and message.message_thread_id
    return Owner(
        thread_id=str(topic) if topic else None,
        platform="telegram",
        user_id=str(user.id),
        chat_id=str(chat.id),
        # A group's films count against the group's daily limit, as a Discord server's do.
        server_id=None if chat.type == ChatType.PRIVATE else str(chat.id),
        display_name=user.full_name[:100],
    )


def _thread(record: JobRecord) -> int | None:
    """The forum topic to post in, so progress and film land where the story was told."""
    return int(record.owner.thread_id) if record.owner.thread_id else None


async def _answer_once(query: CallbackQuery, text: str, alert: bool) -> None:
    """Answer a button press; a press another process (or Telegram's timeout) already
    answered is left as it is."""
    try:
        await query.answer(text or None, show_alert=alert)
    except BadRequest as error:
        log.info("button press %s not answered: %s", query.id, error)


def _after_command(text: str) -> str:
    """What follows `/command` (or `/command@bot`), with its line breaks kept."""
    command = text.split(maxsplit=1)[0] if text.strip() else ""
    return text[len(command) :].strip()


def _buttons(view: ProgressView) -> InlineKeyboardMarkup | None:
    if view.can_cancel:
        button = InlineKeyboardButton("Cancel", callback_data=f"cancel:{view.job_id}")
    elif view.can_retry:
        button = InlineKeyboardButton("Try again", callback_data=f"retry:{view.job_id}")
    elif view.refused:
        button = InlineKeyboardButton("Edit story", callback_data=f"edit:{view.job_id}")
    else:
        return None
    return InlineKeyboardMarkup([[button]])


# What the answer to New seed / Vertical / Landscape says changed.
_AGAIN = {FilmAction.RESEED: "a new seed, a new look", FilmAction.REFORMAT: "the other format"}


def _film_buttons(record: JobRecord, result: JobResult | None) -> InlineKeyboardMarkup:
    """The finished film's buttons, two to a row; Retake a shot first when the film has a
    storyboard to pick the shot from."""
    buttons = [
        InlineKeyboardButton(button.label, callback_data=f"{button.action}:{record.job_id}")
        for button in film_buttons(record)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if result is not None and result.storyboard:
        retake = StoryboardAction(kind="pick_retake", job_id=record.job_id)
        rows.insert(0, [InlineKeyboardButton("Retake a shot", callback_data=retake.id)])
    return InlineKeyboardMarkup(rows)


def _storyboard_buttons(job_id: str) -> InlineKeyboardMarkup:
    def button(text: str, kind: ActionKind) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text, callback_data=StoryboardAction(kind=kind, job_id=job_id).id
        )

    return InlineKeyboardMarkup(
        [
            [button("Render ▶", "approve")],
            [button("Re-roll a shot", "pick_reroll"), button("Edit a shot", "pick_edit")],
            [InlineKeyboardButton("Cancel", callback_data=f"cancel:{job_id}")],
        ]
    )


def _shot_buttons(board: Storyboard | None, kind: ActionKind, job_id: str) -> InlineKeyboardMarkup:
    """One button per shot, five to a row, and a way back."""
    panels = shot_menu(board) if board is not None else []
    buttons = [
        InlineKeyboardButton(
            str(panel.number),
            callback_data=StoryboardAction(kind=kind, job_id=job_id, number=panel.number).id,
        )
        for panel in panels
    ]
    rows = [buttons[start : start + 5] for start in range(0, len(buttons), 5)]
    back = StoryboardAction(kind="menu", job_id=job_id)
    rows.append([InlineKeyboardButton("Back", callback_data=back.id)])
    return InlineKeyboardMarkup(rows)


def _film_board(record: JobRecord) -> Storyboard | None:
    return record.result.storyboard if record.result is not None else None


def _cancel_reply(record: JobRecord) -> str:
    if record.status is JobStatus.CANCELLED:
        return f'Cancelled "{record.title}".'
    return f'Stopping "{record.title}"…'


def _caption(record: JobRecord, result: JobResult, delivery: Delivery) -> str:
    author = record.owner.display_name or "you"
    version = version_label(record.versions)
    lines = [f"{film_title(record)} {version}".strip(), *film_lines(record, result, author)]
    if delivery.note:
        lines.append(delivery.note)
    if record.owner.server_id is None:
        # A private chat holds only the author: the cost is theirs to see.
        lines.append(cost_text(result))
    # Last, so that a caption over Telegram's limit loses these rather than the rest.
    lines += [f"⚠️ {line}" for line in fallback_lines(result)]
    return _shorten("\n".join(lines), CAPTION_LIMIT)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _thumbnail(path: Path) -> bytes | None:
    """The film's thumbnail made small enough for Telegram to show, or None without one."""
    if not path.exists():
        return None
    with Image.open(path) as image:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _with_flood_wait(call: Callable[[], Awaitable[T]]) -> T:
    """Make a call that must get through, waiting as long as flood control asks each time."""
    for _ in range(FLOOD_RETRIES - 1):
        try:
            return await call()
        except RetryAfter as flood:
            await asyncio.sleep(_retry_after_s(flood))
    return await call()


def _retry_after_s(flood: RetryAfter) -> float:
    # PTB 22 warns on reading the int form it still returns; both forms are handled.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        delay: Any = flood.retry_after
    return delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
