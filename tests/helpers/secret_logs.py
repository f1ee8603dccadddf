"""Every log line a process makes at DEBUG, for the tests that scan them for secrets."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from shotgraph.config import Settings
from shotgraph.logs import LOG_FORMAT, install_redaction


@contextmanager
def debug_logs(settings: Settings) -> Iterator[io.StringIO]:
    """This process's logging as a `shotgraph` process sets it up (redaction from `settings`),
    at DEBUG, every line of every logger also written to the buffer yielded."""
    factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    level = root.level
    install_redaction(settings)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.setLogRecordFactory(factory)


def leaked(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that appear in `text`."""
    return [secret for secret in secrets if secret in text]
