"""A fake Telegram Bot API server on loopback, for driving the real python-telegram-bot.

It speaks the Bot API's wire format (form or multipart requests to `/bot<token>/<method>`,
`{"ok": ..., "result": ...}` answers, files under `/file/bot<token>/<path>`), keeps the chats'
messages so edits behave as Telegram's do (an identical edit is refused), records every call,
and lets a test play the user: send a text, a document, press a button. Tests assert on the
recorded calls, never on the bot's internals.

As strict as the Bot API (PLATFORM-FACTS.md): a callback query is answered once; no message
carries over 4,096 characters, so `send_long_text` splits a paste as the apps do; getFile
serves files up to 20 MiB; an upload's whole request body is held to 50 MB; and a chat can
be made to refuse (`refuse_chat`: bot blocked, chat not found, group migrated).
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image
from pydantic import BaseModel, Field

TOKEN = "123456:fake-token"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "ShotGraph",
    "username": "shotgraph_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# The public Bot API's limits on what getFile serves to a bot and what it takes in an upload
# (PLATFORM-FACTS.md).
DOWNLOAD_LIMIT_BYTES = 20 << 20  # telegram-bot-api's own constant
UPLOAD_LIMIT_BYTES = 50 * 1000 * 1000  # the whole request body, thumbnail included
# sendPhoto takes photos of at most 10 MB.
PHOTO_LIMIT_BYTES = 10 * 1000 * 1000
MESSAGE_LIMIT = 4096
_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
# The longest a getUpdates call is held open, whatever timeout the bot asks for.
_MAX_POLL_S = 0.5


class UploadedFile(BaseModel):
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


class Call(BaseModel):
    """One request the bot made: the method, its parameters (JSON values decoded), its files."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = Field(default_factory=dict)
    at: float = Field(default_factory=time.monotonic)
    status: int = 200
    result: Any = None

    def file(self, param: str) -> UploadedFile:
        """The file sent for `param`, directly or through an attach:// reference."""
        value = self.params.get(param)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files[value.removeprefix("attach://")]
        return self.files[param]

    @property
    def keyboard(self) -> list[dict[str, Any]]:
        """The inline buttons of the call's reply markup, row after row."""
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class ChatMessage(BaseModel):
    """A message as the fake keeps it: who sent it, and its text and buttons now."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str = ""
    reply_markup: dict[str, Any] | None = None


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to: int | None = None


class FakeTelegramApi:
    """The fake server. `async with FakeTelegramApi() as api:` starts it on a free port."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._files: dict[str, tuple[dict[str, Any], bytes | None]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._refusing: dict[int, ApiError] = {}
        self.upload_limit_bytes = UPLOAD_LIMIT_BYTES
        """The most one upload request's body may hold (a test lowers it with the bot's)."""
        self._answered: set[str] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0
        # The Bot API methods the fake answers, by their wire names.
        self._methods = {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "setMyCommands": self._set_my_commands,
            "answerCallbackQuery": self._answer_callback_query,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "sendVideo": self._send_video,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "deleteMessage": self._delete_message,
            "getFile": self._get_file,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegramApi:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What the bot's `base_url` is set to (the token is appended by the library)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- the user's side ---------------------------------------------------------------------

    async def send_text(
        self,
        text: str,
        user_id: int = 42,
        chat_id: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """The user writes `text` (in their DM unless `chat_id` names a group; in a forum
        group's topic with `thread_id`). No message is longer than Telegram allows."""
        if len(text) > MESSAGE_LIMIT:
            raise ValueError(
                f"Telegram carries at most {MESSAGE_LIMIT} characters: use send_long_text"
            )
        message = self._text_message(text, user_id, chat_id)
        if thread_id is not None:
            message |= {"message_thread_id": thread_id, "is_topic_message": True}
            message["chat"] |= {"type": "supergroup", "is_forum": True}
        return await self._push({"message": message})

    async def send_long_text(self, text: str, user_id: int = 42) -> list[int]:
        """The user pastes `text` in their DM: the apps send it as several messages, each cut
        at the last line break or space before 4,096 characters (which is dropped)."""
        parts = []
        while len(text) > MESSAGE_LIMIT:
            head = text[:MESSAGE_LIMIT]
            cut = max(head.rfind("\n"), head.rfind(" "))
            cut = cut if cut > 0 else MESSAGE_LIMIT
            parts.append(text[:cut])
            text = text[cut:].lstrip("\n ") if cut < MESSAGE_LIMIT else text[cut:]
        parts.append(text)
        return [await self.send_text(part, user_id) for part in parts if part]

    async def send_document(
        self,
        data: bytes | None,
        file_name: str,
        mime_type: str = "text/plain",
        caption: str | None = None,
        user_id: int = 42,
        chat_id: int | None = None,
        file_size: int | None = None,
    ) -> int:
        """The user sends a file; `data=None` with a `file_size` stands for one too big to
        keep (the bot must not download it anyway)."""
        file_id = f"doc-{next(self._file_ids)}"
        size = file_size if file_size is not None else len(data or b"")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": size,
        }
        self._files[file_id] = ({**document, "file_path": f"documents/{file_name}"}, data)
        fields: dict[str, Any] = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return await self._push({"message": self._user_message(user_id, chat_id, fields)})

    async def press_button(self, call: Call, text: str, user_id: int = 42) -> int:
        """The user presses the inline button labelled `text` on the message `call` made."""
        button = next(b for b in call.keyboard if b["text"] == text)
        message = self.message_of(call)
        query = {
            "id": f"cq-{next(self._update_ids)}",
            "from": _user(user_id),
            "chat_instance": str(message.chat_id),
            "data": button["callback_data"],
            "message": self._wire_message(message),
        }
        return await self._push({"callback_query": query})

    def delete_message(self, call: Call) -> None:
        """The user deletes the message that `call` made."""
        message = self.message_of(call)
        del self.messages[(message.chat_id, message.message_id)]

    async def post_to_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """Deliver an update as Telegram does in webhook mode; returns the HTTP status."""
        assert self.webhook is not None, "the bot has not set a webhook"
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with self._session.post(
            self.webhook["url"], json=update, headers=headers
        ) as response:
            return response.status

    def text_update(self, text: str, user_id: int = 42) -> dict[str, Any]:
        """An update as a webhook receives it, not queued for getUpdates."""
        message = self._text_message(text, user_id, None)
        return {"update_id": next(self._update_ids), "message": message}

    # -- test controls -----------------------------------------------------------------------

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests."""
        error = ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._failures.setdefault(method, []).extend([error] * times)

    def refuse_chat(
        self, chat_id: int, reason: str = "blocked", migrate_to: int | None = None
    ) -> None:
        """From now on, every call into `chat_id` is refused as Telegram refuses it when the
        user blocked the bot (`blocked`, 403), the chat is gone (`gone`), or the group became
        a supergroup (`migrate_to` its new id)."""
        if migrate_to is not None:
            error = ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat")
            error.migrate_to = migrate_to
        elif reason == "blocked":
            error = ApiError(403, "Forbidden: bot was blocked by the user")
        else:
            error = ApiError(400, "Bad Request: chat not found")
        self._refusing[chat_id] = error

    def calls_to(self, *methods: str) -> list[Call]:
        return [call for call in self.calls if call.method in methods]

    def message_of(self, call: Call) -> ChatMessage:
        """The message a sendMessage / edit call made or changed, as it stands now."""
        message_id = call.params.get("message_id") or call.result["message_id"]
        return self.messages[(int(call.params["chat_id"]), int(message_id))]

    async def wait_for(
        self, condition: Callable[[FakeTelegramApi], Any], timeout_s: float = 60
    ) -> Any:
        """Wait until `condition(self)` is truthy, and return its value."""
        async with asyncio.timeout(timeout_s):
            async with self._changed:
                while not (value := condition(self)):
                    await self._changed.wait()
                return value

    async def wait_for_call(
        self, method: str, match: Callable[[Call], bool] = lambda call: True, timeout_s: float = 60
    ) -> Call:
        """The first call of `method` that `match` accepts, waiting for it to come."""
        return await self.wait_for(
            lambda api: next((c for c in api.calls_to(method) if match(c)), None), timeout_s
        )

    def texts_sent(self, chat_id: int = 42) -> list[str]:
        """The texts of the bot's sendMessage calls to one chat, in order."""
        return [
            call.params["text"]
            for call in self.calls_to("sendMessage")
            if call.params["chat_id"] == str(chat_id)
        ]

    async def reply_to(
        self, user_action: Awaitable[object], chat_id: int = 42, timeout_s: float = 10
    ) -> str:
        """Do what the user does (`send_text(...)`, ...) and wait for the bot's next message."""
        before = len(self.texts_sent(chat_id))
        await user_action
        await self.wait_for(lambda api: len(api.texts_sent(chat_id)) > before, timeout_s)
        return self.texts_sent(chat_id)[before]

    # -- the server --------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method=method, params=params, files=files)
        try:
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            if (chat := params.get("chat_id")) is not None and int(chat) in self._refusing:
                raise self._refusing[int(chat)]
            if call.files and (request.content_length or 0) > self.upload_limit_bytes:
                raise ApiError(413, "Request Entity Too Large")
            call.result = await self._answer(call)
        except ApiError as error:
            call.status = error.status
            await self._record(call)
            return _error_response(error)
        await self._record(call)
        result = call.result
        return web.json_response({"ok": True, "result": result})

    async def _answer(self, call: Call) -> Any:
        handler = self._methods.get(call.method)
        if handler is None:
            raise ApiError(404, f"Not Found: method {call.method} is not in the fake")
        return await handler(call.params, call)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            if call.method != "getUpdates":
                self.calls.append(call)
            self._changed.notify_all()

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for document, data in self._files.values():
            if document["file_path"] == path and data is not None:
                return web.Response(body=data, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _get_me(self, params: dict[str, Any], call: Call) -> Any:
        return BOT_USER

    async def _delete_webhook(self, params: dict[str, Any], call: Call) -> Any:
        self.webhook = None
        return True

    async def _set_webhook(self, params: dict[str, Any], call: Call) -> Any:
        self.webhook = params
        return True

    async def _set_my_commands(self, params: dict[str, Any], call: Call) -> Any:
        return True

    async def _answer_callback_query(self, params: dict[str, Any], call: Call) -> Any:
        if params["callback_query_id"] in self._answered:
            raise ApiError(400, _TOO_OLD)
        self._answered.add(params["callback_query_id"])
        return True

    async def _get_updates(self, params: dict[str, Any], call: Call) -> Any:
        offset = int(params.get("offset", 0))
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        wait_s = min(float(params.get("timeout", 0)), _MAX_POLL_S)
        if not self._updates and wait_s > 0:
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: self._updates), wait_s)
                except TimeoutError:
                    return []
        return self._updates[: int(params.get("limit", 100))]

    async def _send_message(self, params: dict[str, Any], call: Call) -> Any:
        _check_length(params["text"], 4096, "message is too long")
        return self._bot_message(call, {"text": params["text"]})

    async def _edit_message_text(self, params: dict[str, Any], call: Call) -> Any:
        message = self._existing(params)
        _check_length(params["text"], 4096, "MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        if message.text == params["text"] and message.reply_markup == markup:
            raise ApiError(400, _NOT_MODIFIED)
        message.text, message.reply_markup = params["text"], markup
        return self._wire_message(message)

    async def _edit_message_reply_markup(self, params: dict[str, Any], call: Call) -> Any:
        message = self._existing(params)
        markup = params.get("reply_markup")
        if message.reply_markup == markup:
            raise ApiError(400, _NOT_MODIFIED)
        message.reply_markup = markup
        return self._wire_message(message)

    async def _delete_message(self, params: dict[str, Any], call: Call) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        del self.messages[key]
        return True

    async def _send_video(self, params: dict[str, Any], call: Call) -> Any:
        upload = call.file("video")
        _check_upload(upload)
        _check_length(params.get("caption", ""), 1024, "message caption is too long")
        video = {
            "file_id": f"video-{next(self._file_ids)}",
            "file_unique_id": "uv",
            "width": int(params.get("width", 0)),
            "height": int(params.get("height", 0)),
            "duration": int(params.get("duration", 0)),
            "file_size": len(upload.data),
        }
        return self._bot_message(call, {"video": video, "caption": params.get("caption", "")})

    async def _send_photo(self, params: dict[str, Any], call: Call) -> Any:
        upload = call.file("photo")
        _check_length(params.get("caption", ""), 1024, "message caption is too long")
        if len(upload.data) > PHOTO_LIMIT_BYTES:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        with Image.open(io.BytesIO(upload.data)) as image:
            width, height = image.size
        # Telegram's photo rules: width plus height at most 10,000, sides at most 20:1.
        if width + height > 10_000 or max(width, height) > 20 * min(width, height):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        photo = [{"file_id": f"photo-{next(self._file_ids)}", "file_unique_id": "up",
                  "width": width, "height": height, "file_size": len(upload.data)}]  # fmt: skip
        return self._bot_message(call, {"photo": photo, "caption": params.get("caption", "")})

    async def _send_document(self, params: dict[str, Any], call: Call) -> Any:
        upload = call.file("document")
        _check_upload(upload)
        document = {
            "file_id": f"doc-{next(self._file_ids)}",
            "file_unique_id": "ud",
            "file_name": upload.filename,
            "file_size": len(upload.data),
        }
        return self._bot_message(call, {"document": document})

    async def _get_file(self, params: dict[str, Any], call: Call) -> Any:
        entry = self._files.get(params["file_id"])
        if entry is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        document, _ = entry
        if document["file_size"] > DOWNLOAD_LIMIT_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {key: document[key] for key in ("file_id", "file_unique_id", "file_size")} | {
            "file_path": document["file_path"]
        }

    # -- helpers -----------------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        async with self._changed:
            self._updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(
        self, user_id: int, chat_id: int | None, fields: dict[str, Any]
    ) -> dict[str, Any]:
        chat = chat_id if chat_id is not None else user_id
        message = ChatMessage(chat_id=chat, message_id=self._next_message_id(chat), from_bot=False)
        self.messages[(chat, message.message_id)] = message
        return {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": _chat(chat, user_id),
            "from": _user(user_id),
            **fields,
        }

    def _text_message(self, text: str, user_id: int, chat_id: int | None) -> dict[str, Any]:
        """A text message; a leading /command is marked as one, as Telegram's clients do."""
        message = self._user_message(user_id, chat_id, {"text": text})
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return message

    def _bot_message(self, call: Call, fields: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(call.params["chat_id"])
        message = ChatMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            from_bot=True,
            text=fields.get("text", ""),
            reply_markup=call.params.get("reply_markup"),
        )
        self.messages[(chat_id, message.message_id)] = message
        return self._wire_message(message) | fields

    def _existing(self, params: dict[str, Any]) -> ChatMessage:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    def _wire_message(self, message: ChatMessage) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": _chat(message.chat_id, message.chat_id),
            "from": BOT_USER if message.from_bot else _user(message.chat_id),
            "text": message.text,
        }
        if message.reply_markup:
            wire["reply_markup"] = message.reply_markup
        return wire


_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}


def _chat(chat_id: int, user_id: int) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "Story club"}
    return {"id": chat_id, "type": "private", "first_name": f"User{user_id}"}


def _check_length(text: str, limit: int, description: str) -> None:
    if len(text) > limit:
        raise ApiError(400, f"Bad Request: {description}")


def _check_upload(upload: UploadedFile) -> None:
    if len(upload.data) > UPLOAD_LIMIT_BYTES:
        raise ApiError(413, "Request Entity Too Large")


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters as the Bot API reads them: strings as sent, everything else JSON-encoded."""
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        return dict(await request.json()), files
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = UploadedFile(
                field=name,
                filename=value.filename,
                content_type=value.content_type,
                data=value.file.read(),
            )
        else:
            text = str(value)
            params[name] = json.loads(text) if name in _JSON_PARAMS else text
    return params, files


# Parameters whose values are JSON objects or lists; the rest stay the strings they were sent
# as (the library writes numbers and flags as JSON text too: compare them as strings).
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "allowed_updates",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
    }
)


def _error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    if error.migrate_to is not None:
        body["parameters"] = {"migrate_to_chat_id": error.migrate_to}
    return web.json_response(body, status=error.status)
