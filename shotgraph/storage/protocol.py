"""The Storage protocol: where films and a job's artefacts are kept, under keys like
`jobs/<job_id>/visuals/s01-02.1a2b3c4d5e6f7a8b.mp4` (the same path a job folder uses).

Two backends: a local folder (`STORAGE_PATH`, the default) and any S3-compatible object store,
for workers on machines that share no folder with the API and the bots. Every write is whole or
absent: a local file is renamed into place, an S3 object appears when its upload completes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

# Keys are relative POSIX paths of safe names: nothing that could climb out of the root.
_KEY = re.compile(r"^(?!/)(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9._/-]+$")
# Bytes read from the store in one piece when streaming a film.
CHUNK_BYTES = 1 << 20


class StoredObject(BaseModel):
    """One stored file: its key, size and when it was last written (seconds since the epoch)."""

    key: str
    size: int
    modified: float


class Storage(Protocol):
    name: str

    def prepare(self) -> None:
        """Make the store ready to write (the folder, the bucket); BackendUnavailable with the
        reason when it cannot be."""

    def put(self, key: str, source: Path) -> None:
        """Store the file at `source` under `key`, replacing what was there, all at once."""

    def fetch(self, key: str, target: Path) -> bool:
        """Copy `key` to `target` (whole or not at all); False when there is no such object."""

    def stat(self, key: str) -> StoredObject | None: ...

    def list(self, prefix: str) -> list[StoredObject]:
        """Every object whose key starts with `prefix` (a folder ends in `/`)."""

    def delete(self, keys: Sequence[str]) -> None: ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes `start` to `end` (inclusive; None: to the end) of `key`, in chunks."""

    def local_path(self, key: str) -> Path | None:
        """The file itself, where the store is a folder on this machine; else None."""

    def presigned_url(self, key: str, ttl_s: int, filename: str) -> str | None:
        """A URL that serves `key` without credentials for `ttl_s`; None where there is none."""


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"{key!r} is not a storage key")
    return key
