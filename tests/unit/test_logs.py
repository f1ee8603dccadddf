"""Redaction of secrets from log records: what the settings hold, and what is shaped like a
token, in messages, arguments and exception text, through real formatters."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from shotgraph.api.links import DownloadLinks
from shotgraph.logs import LOG_FORMAT, MARKER, install_redaction, secrets_of
from tests.conftest import offline_settings

TELEGRAM_TOKEN = "123456:AAHsecretsecretsecretsecretsecret01"
SECRETS = {
    "telegram_bot_token": TELEGRAM_TOKEN,
    "telegram_webhook_secret": "webhook-secret-value",
    "discord_bot_token": "MTIzNDU2.discord-bot-token-value",
    "llm_api_key": "sk-llm-key-value-123",
    "api_keys": "alice:alice-api-key-1,bob:bob-api-key-22",
    "link_secret": "link-signing-secret",
    "redis_url": "redis://:redis-password-9@127.0.0.1:6379/0",
}


@pytest.fixture
def captured(tmp_path: Path) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger at DEBUG writing formatted lines to a buffer, redaction installed for the
    secrets above; the process's record factory is restored afterwards."""
    factory = logging.getLogRecordFactory()
    install_redaction(offline_settings(tmp_path, **SECRETS))
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger = logging.getLogger("test.redaction")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield logger, buffer
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(factory)


def test_every_secret_the_settings_hold_is_found(tmp_path: Path) -> None:
    found = secrets_of(offline_settings(tmp_path, **SECRETS))
    for value in (
        TELEGRAM_TOKEN,
        "webhook-secret-value",
        "MTIzNDU2.discord-bot-token-value",
        "sk-llm-key-value-123",
        "alice-api-key-1",
        "bob-api-key-22",
        "link-signing-secret",
        "redis-password-9",
    ):
        assert value in found


def test_secrets_in_messages_arguments_and_exceptions_are_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    url = httpx.URL(f"http://127.0.0.1:8081/bot{TELEGRAM_TOKEN}/getMe")
    logger.info('HTTP Request: %s %s "%s %d %s"', "POST", url, "HTTP/1.1", 200, "OK")
    logger.debug("key %s", "sk-llm-key-value-123")
    logger.warning({"Authorization": "Bearer alice-api-key-1"})
    try:
        raise ValueError("the server refused webhook-secret-value and link-signing-secret")
    except ValueError:
        logger.exception("failed with redis-password-9")
    text = buffer.getvalue()
    for secret in (
        TELEGRAM_TOKEN,
        "sk-llm-key-value-123",
        "alice-api-key-1",
        "webhook-secret-value",
        "link-signing-secret",
        "redis-password-9",
    ):
        assert secret not in text
    assert text.count(MARKER) >= 6
    assert "HTTP Request: POST http://127.0.0.1:8081/bot[redacted]/getMe" in text
    assert 'HTTP/1.1 200 OK"' in text  # the numbers are untouched


def test_a_signed_link_is_redacted_in_uvicorns_access_log(
    captured: tuple[logging.Logger, io.StringIO], tmp_path: Path
) -> None:
    """uvicorn's access formatter unpacks its five arguments: they keep their shape."""
    logger, buffer = captured
    link = DownloadLinks(offline_settings(tmp_path, link_secret="x" * 20)).url_for("job123")
    token = link.rsplit("/", 1)[1]
    handler = logger.handlers[0]
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
    logger.info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5555", "GET", f"/v/{token}/film.mp4", "1.1", 206
    )
    logger.info("the bot posted %s", f"Your film is ready: {link}")
    text = buffer.getvalue()
    assert token not in text
    assert '"GET /v/[redacted]/film.mp4 HTTP/1.1" 206' in text


def test_discord_interaction_tokens_are_redacted_but_ids_kept(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    logger.debug(
        "POST %s with %s has returned %s",
        "http://127.0.0.1:9/api/v10/interactions/1234/aW50ZXJhY3Rpb24tdG9rZW4/callback",
        "{}",
        204,
    )
    logger.debug("PATCH /webhooks/999/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original")
    text = buffer.getvalue()
    assert "aW50ZXJhY3Rpb24tdG9rZW4" not in text
    assert "/interactions/1234/[redacted]/callback" in text
    assert "/webhooks/999/[redacted]/messages/@original" in text


def test_lines_without_secrets_are_unchanged(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    logger.info("job %s: %d shots in %.1f s", "a1b2c3d4e5f60718", 6, 33.25)
    assert buffer.getvalue().endswith("test.redaction: job a1b2c3d4e5f60718: 6 shots in 33.2 s\n")


def test_a_token_in_a_logged_payload_is_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    event = {"t": "INTERACTION_CREATE", "d": {"id": "77", "token": "interaction-token-77"}}
    logger.debug("WebSocket Event: %s", event)
    text = buffer.getvalue()
    assert "interaction-token-77" not in text
    assert "'token': '[redacted]'" in text
