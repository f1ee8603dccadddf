"""Where films and job artefacts are kept: a local folder or an S3-compatible store.

`open_storage` is the one place that turns settings into a store; `work_root` is the folder
a pipeline writes in (the store itself when it is local, the worker's scratch otherwise).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from shotgraph.config import Settings
from shotgraph.storage.protocol import Storage, StoredObject

__all__ = ["Storage", "StoredObject", "local_copy", "open_storage", "publish_store", "work_root"]


def open_storage(settings: Settings) -> Storage:
    # Imported here: the backends use the job folder's atomic writes, and it uses the disk guard.
    if settings.storage_backend == "s3":
        from shotgraph.storage.s3 import S3Storage

        return S3Storage(settings)
    from shotgraph.storage.local import LocalStorage

    return LocalStorage(settings.storage_path)


def publish_store(settings: Settings) -> Storage | None:
    """The store a pipeline publishes its finished files to; None when it writes straight
    into the store (the local folder)."""
    return open_storage(settings) if settings.storage_backend == "s3" else None


def work_root(settings: Settings) -> Path:
    """Where a pipeline writes a job's files before they are published to the store."""
    return settings.scratch_path if settings.storage_backend == "s3" else settings.storage_path


def local_copy(store: Storage, key: str, settings: Settings) -> Path | None:
    """A file on this machine holding `key` (for an upload to a chat): the stored file itself,
    or a copy fetched into the scratch folder; None when the store has no such object."""
    found = store.local_path(key)
    if found is not None:
        return found
    cache = settings.scratch_path / "delivery"
    _forget_copies_older_than(cache, time.time() - settings.artefact_retention_hours * 3600)
    copy = cache / key
    if copy.exists() or store.fetch(key, copy):
        return copy
    return None


def _forget_copies_older_than(cache: Path, cutoff: float) -> None:
    """Delivery copies are intermediates too: they go after ARTEFACT_RETENTION_HOURS."""
    for path in cache.rglob("*") if cache.exists() else ():
        with contextlib.suppress(FileNotFoundError):  # another process got there first
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
