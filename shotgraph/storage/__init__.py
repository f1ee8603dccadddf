"""Where films and job artefacts are kept: a local folder or an S3-compatible store.

`open_storage` is the one place that turns settings into a store; `work_root` is the folder
a pipeline writes in (the store itself when it is local, the worker's scratch otherwise).
"""

from __future__ import annotations

from pathlib import Path

from shotgraph.config import Settings
from shotgraph.storage.local import LocalStorage
from shotgraph.storage.protocol import Storage, StoredObject

__all__ = ["Storage", "StoredObject", "open_storage", "work_root"]


def open_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        from shotgraph.storage.s3 import S3Storage  # boto3 only where it is used

        return S3Storage(settings)
    return LocalStorage(settings.storage_path)


def work_root(settings: Settings) -> Path:
    """Where a pipeline writes a job's files before they are published to the store."""
    return settings.scratch_path if settings.storage_backend == "s3" else settings.storage_path
