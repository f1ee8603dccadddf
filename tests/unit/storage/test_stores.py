"""Both stores behave the same: whole writes, listing, ranged reads, deletes, refused keys.
The S3 store runs against a real S3 server (SeaweedFS), never a mock."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from shotgraph.errors import BackendUnavailable
from shotgraph.storage import Storage, local_copy, open_storage
from shotgraph.storage.s3 import S3Storage
from tests.conftest import offline_settings


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    overrides = request.getfixturevalue("s3_overrides") if request.param == "s3" else {}
    return open_storage(offline_settings(tmp_path, **overrides))


def test_a_stored_file_reads_back_whole_and_by_range(store: Storage, tmp_path: Path) -> None:
    source = tmp_path / "clip.bin"
    body = bytes(range(256)) * 5000  # over one read chunk
    source.write_bytes(body)
    store.put("jobs/abc/visuals/s01.mp4", source)

    found = store.stat("jobs/abc/visuals/s01.mp4")
    assert found is not None
    assert found.size == len(body)
    assert b"".join(store.read("jobs/abc/visuals/s01.mp4")) == body
    assert b"".join(store.read("jobs/abc/visuals/s01.mp4", 10, 19)) == body[10:20]
    assert b"".join(store.read("jobs/abc/visuals/s01.mp4", len(body) - 5)) == body[-5:]

    copy = tmp_path / "elsewhere" / "copy.bin"
    assert store.fetch("jobs/abc/visuals/s01.mp4", copy)
    assert copy.read_bytes() == body
    assert not store.fetch("jobs/abc/visuals/none.mp4", tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert store.stat("jobs/abc/visuals/none.mp4") is None


def test_listing_and_deleting_by_prefix(store: Storage, tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"x")
    for key in ("jobs/a/film.mp4", "jobs/a/music/m.wav", "jobs/ab/film.mp4", "other/z"):
        store.put(key, source)

    assert [o.key for o in store.list("jobs/a/")] == ["jobs/a/film.mp4", "jobs/a/music/m.wav"]
    assert len(store.list("jobs/")) == 3
    store.delete(["jobs/a/film.mp4", "jobs/a/music/m.wav"])
    assert store.list("jobs/a/") == []
    assert [o.key for o in store.list("jobs/")] == ["jobs/ab/film.mp4"]


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "jobs/../x", "jobs/a b", ""])
def test_keys_that_could_climb_out_are_refused(store: Storage, key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        store.stat(key)


def test_a_presigned_url_serves_ranges_without_keys(s3_overrides: dict, tmp_path: Path) -> None:
    store = open_storage(offline_settings(tmp_path, **s3_overrides))
    assert isinstance(store, S3Storage)
    source = tmp_path / "film.mp4"
    source.write_bytes(b"0123456789")
    store.put("jobs/j/film.mp4", source)

    url = store.presigned_url("jobs/j/film.mp4", 60, "The Kite.mp4")
    assert url is not None
    answer = httpx.get(url, headers={"Range": "bytes=2-5"})
    assert answer.status_code == 206
    assert answer.content == b"2345"
    assert httpx.get(url.split("?")[0]).status_code == 403  # not without the signature


def test_a_wrong_secret_is_refused_by_the_server(s3_overrides: dict, tmp_path: Path) -> None:
    wrong = {**s3_overrides, "s3_secret_access_key": "not-the-secret"}
    store = open_storage(offline_settings(tmp_path, **wrong))
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        store.list("jobs/")


def test_a_missing_bucket_is_made_and_a_refused_one_is_explained(
    s3_overrides: dict, tmp_path: Path
) -> None:
    fresh = {**s3_overrides, "s3_bucket": f"made-{time.time_ns()}"}
    store = open_storage(offline_settings(tmp_path, **fresh))
    store.prepare()
    store.prepare()  # already there: nothing to do
    source = tmp_path / "f"
    source.write_bytes(b"x")
    store.put("jobs/a/film.mp4", source)
    assert store.stat("jobs/a/film.mp4") is not None

    wrong = {**s3_overrides, "s3_secret_access_key": "not-the-secret"}
    with pytest.raises(BackendUnavailable, match="refused us"):
        open_storage(offline_settings(tmp_path, **wrong)).prepare()


def test_delivery_copies_come_from_the_bucket_and_old_ones_are_forgotten(
    s3_overrides: dict, tmp_path: Path
) -> None:
    settings = offline_settings(tmp_path, **s3_overrides, artefact_retention_hours=1)
    store = open_storage(settings)
    source = tmp_path / "film.mp4"
    source.write_bytes(b"film")
    store.put("jobs/new/film.mp4", source)
    stale = settings.scratch_path / "delivery" / "jobs" / "old" / "film.mp4"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old film")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    copy = local_copy(store, "jobs/new/film.mp4", settings)
    assert copy is not None
    assert copy.read_bytes() == b"film"
    assert not stale.exists()
    assert local_copy(store, "jobs/gone/film.mp4", settings) is None
