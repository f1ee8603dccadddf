"""The local folder store: `STORAGE_PATH`, shared by every process on one machine (or NFS)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from shotgraph.pipeline.artefacts import atomic_output, is_partial
from shotgraph.storage.protocol import CHUNK_BYTES, StoredObject, check_key


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, key: str, source: Path) -> None:
        target = self._path(key)
        if target.exists() and os.path.samefile(target, source):
            return  # the worker wrote it in place: the folder is the store
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as partial:
            shutil.copyfile(source, partial)

    def fetch(self, key: str, target: Path) -> bool:
        source = self._path(key)
        if not source.is_file():
            return False
        if target.exists() and os.path.samefile(target, source):
            return True
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as partial:
            shutil.copyfile(source, partial)
        return True

    def stat(self, key: str) -> StoredObject | None:
        try:
            found = self._path(key).stat()
        except FileNotFoundError:
            return None
        return StoredObject(key=key, size=found.st_size, modified=found.st_mtime)

    def list(self, prefix: str) -> list[StoredObject]:
        found: list[StoredObject] = []
        # Walk only the folder the prefix names, not the whole store.
        start = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        for folder, _, names in os.walk(start):
            for name in names:
                path = Path(folder) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix) or is_partial(path):
                    continue
                with contextlib.suppress(FileNotFoundError):  # pruned a moment ago
                    found.append(self._object(key, path))
        return sorted(found, key=lambda item: item.key)

    def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            path = self._path(key)
            path.unlink(missing_ok=True)
            # Empty folders left behind go too, up to (not including) the root.
            for parent in path.parents:
                if parent == self.root or not parent.is_relative_to(self.root):
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        with self._path(key).open("rb") as file:
            file.seek(start)
            left = None if end is None else end - start + 1
            while left is None or left > 0:
                chunk = file.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def presigned_url(self, key: str, ttl_s: int, filename: str) -> str | None:
        return None

    @staticmethod
    def _object(key: str, path: Path) -> StoredObject:
        found = path.stat()
        return StoredObject(key=key, size=found.st_size, modified=found.st_mtime)
