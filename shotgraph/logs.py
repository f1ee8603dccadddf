"""Logging for every process (worker, pipeline child, API, both bots, the CLI): one format, and
no secret in any line at any level.

Libraries log what they hold: httpx logs each request's full URL, and the Telegram Bot API puts
the bot token in the path; uvicorn's access log has every signed film link; discord.py's debug
log has interaction tokens in webhook URLs; an SDK's exception may quote a key. So redaction
is not a filter on our own handlers but a record factory: every record, whichever logger made
it and whichever handler (ours, uvicorn's, a test's) prints it, is scrubbed when it is made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from pydantic import SecretStr

from shotgraph.config import Settings

MARKER = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Secrets whose value is not in our settings but whose shape is known.
_SHAPES = (
    # A Telegram bot token, wherever it stands: in a Bot API URL or a file URL.
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b"),
    # A signed film link (itsdangerous: payload.timestamp.signature), under /v/ or alone.
    re.compile(r"(?<=/v/)[^/?#\s\"'<>]+"),
    re.compile(r"\b[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}\b"),
    # Discord interaction tokens: `/interactions/<id>/<token>/` and `/webhooks/<app>/<token>`,
    # and any `"token": "..."` in a logged payload (an INTERACTION_CREATE event, say).
    re.compile(r"(?<=/interactions/)(\d+/)[^/?#\s\"'<>]+"),
    re.compile(r"(?<=/webhooks/)(\d+/)[^/?#\s\"'<>]+"),
    re.compile(r"""(["']token["']\s*:\s*["'])[^"']+"""),
)
# Values shorter than this are not treated as secrets: redacting "x" would shred every line.
_SHORTEST_SECRET = 6


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold: each `SecretStr` field (the keys of `API_KEYS` also
    without their `name:`) and the password in `REDIS_URL`."""
    found: list[str] = []
    for name in type(settings).model_fields:
        found.extend(_secret_values(getattr(settings, name)))
    password = urlsplit(settings.redis_url).password
    if password:
        found.append(password)
    return sorted({s for s in found if len(s) >= _SHORTEST_SECRET}, key=len, reverse=True)


def _secret_values(value: object) -> Iterable[str]:
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        yield secret
        _, colon, key = secret.partition(":")
        if colon:
            yield key
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _secret_values(item)


class Redactor:
    """Replaces the given secrets, and anything shaped like a token or signed link, by
    `MARKER`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = [re.escape(s) for s in secrets if len(s) >= _SHORTEST_SECRET]
        self._known = re.compile("|".join(known)) if known else None

    def text(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(MARKER, text)
        for shape in _SHAPES:
            text = shape.sub(_keep_id, text)
        return text

    def value(self, value: object) -> object:
        """A log argument with secrets redacted; unchanged (type included) when it had none,
        so formatters that unpack their arguments (uvicorn's access log) keep working."""
        if value is None or isinstance(value, bool | int | float):
            return value
        try:
            shown = value if isinstance(value, str) else str(value)
        except Exception:  # an argument whose str() fails is the formatter's problem, not ours
            return value
        redacted = self.text(shown)
        return value if redacted == shown else redacted

    def record(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str):
            record.msg = self.text(record.msg)
        else:
            record.msg = self.value(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: self.value(arg) for key, arg in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self.value(arg) for arg in record.args)
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            # Formatted now, so that every formatter prints the redacted text it finds cached.
            record.exc_text = self.text(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.text(record.stack_info)


def _keep_id(match: re.Match[str]) -> str:
    """Keeps what a shape's first group holds (the id before a Discord token, a payload's
    `"token": "` key), drops the secret after it."""
    return (match.group(1) if match.re.groups else "") + MARKER


_redactor = Redactor()
_base_factory = logging.getLogRecordFactory()


def _make_record(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    _redactor.record(record)
    return record


def install_redaction(settings: Settings) -> Redactor:
    """Scrub every log record made in this process from now on of the settings' secrets."""
    global _redactor
    _redactor = Redactor(secrets_of(settings))
    logging.setLogRecordFactory(_make_record)
    return _redactor


def configure_logging(settings: Settings) -> None:
    """The one logging set-up of every process: `LOG_LEVEL`, one format, redaction on."""
    install_redaction(settings)
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
