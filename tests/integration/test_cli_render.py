"""The `shotgraph` command as a person runs it: real process, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.media import probe

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "STORAGE_PATH": str(cwd / "store"),
        "VIDEO_RESOLUTION": "320x180",
        "VIDEO_FPS": "12",
        "GPU_ENABLED": "false",
        "EXECUTION_PROFILE": "debug_cpu",
    }
    return subprocess.run(
        [sys.executable, "-m", "shotgraph", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_render_writes_the_film_and_subtitles_where_asked(tmp_path: Path) -> None:
    story = tmp_path / "fable.txt"
    story.write_text("The Owl\n\nAn owl named Pip sat on an oak at night. Pip hooted twice.\n")
    done = _run(["render", str(story), "-o", "films/owl.mp4", "--aspect", "9:16"], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    film = tmp_path / "films" / "owl.mp4"
    assert (tmp_path / "films" / "owl.srt").exists()
    picture = probe(film).stream("video")
    assert (picture.width, picture.height) == (180, 320)
    assert b"films/owl.mp4" in done.stdout


def test_render_reads_stdin(tmp_path: Path) -> None:
    done = _run(["render", "-", "-o", "stdin.mp4"], tmp_path, stdin=b"A cat slept by the fire.")
    assert done.returncode == 0, done.stderr.decode()
    assert probe(tmp_path / "stdin.mp4").duration_s > 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", b"is empty"),
        (b"   \n\n  ", b"is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", b"binary file"),
        (b"caf\xe9", b"not UTF-8"),
        (b"x" * 250_000, b"the limit is 200 KB"),
    ],
)
def test_bad_story_files_get_one_sentence_and_exit_2(
    tmp_path: Path, content: bytes, message: bytes
) -> None:
    story = tmp_path / "bad.txt"
    story.write_bytes(content)
    done = _run(["render", str(story)], tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert b"Traceback" not in done.stderr
    # Refused before any work: nothing written, neither a film folder nor a job in storage.
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.txt"]


def test_missing_file_and_bad_option_exit_2(tmp_path: Path) -> None:
    missing = _run(["render", "nope.txt"], tmp_path)
    assert missing.returncode == 2
    assert b"no story file" in missing.stderr
    title = _run(["plan", "-", "--title", "x" * 200], tmp_path, stdin=b"A tale.")
    assert title.returncode == 2
    assert b"title" in title.stderr
    assert b"Traceback" not in title.stderr


def test_plan_prints_json_for_a_story_in_another_language(tmp_path: Path) -> None:
    story = "María caminó hasta el faro al amanecer. El mar estaba tranquilo y gris."
    done = _run(["plan", "-", "--json", "--language", "es"], tmp_path, stdin=story.encode())
    assert done.returncode == 0, done.stderr.decode()
    plan = json.loads(done.stdout)
    assert plan["language"] == "es"
    assert plan["scenes"][0]["shots"]


def test_doctor_reports_each_check(tmp_path: Path) -> None:
    done = _run(["doctor"], tmp_path)
    for name in (b"ffmpeg", b"espeak-ng", b"gpu", b"redis", b"backends"):
        assert name in done.stdout
    assert done.returncode == 0, done.stdout.decode()


def test_storyboard_writes_a_sheet_and_no_film(tmp_path: Path) -> None:
    story = tmp_path / "fable.txt"
    story.write_text("The Owl\n\nAn owl named Pip sat on an oak at night. Pip hooted twice.\n")

    done = _run(["storyboard", str(story), "-o", "board.png"], tmp_path)

    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "board.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"rendering it should take about" in done.stdout
    assert not list((tmp_path / "store").rglob("*.mp4"))


def test_storyboard_refuses_an_output_that_is_not_a_picture(tmp_path: Path) -> None:
    story = tmp_path / "fable.txt"
    story.write_text("The Owl\n\nAn owl named Pip sat on an oak at night.\n")

    done = _run(["storyboard", str(story), "-o", "board.mp4"], tmp_path)

    assert done.returncode == 2
    assert b"name it .png or .jpg" in done.stderr
    assert not (tmp_path / "store").exists()


def test_render_asks_before_the_film_unless_approved(tmp_path: Path) -> None:
    story = tmp_path / "fable.txt"
    story.write_text("The Owl\n\nAn owl named Pip sat on an oak at night. Pip hooted twice.\n")

    declined = _run(
        ["render", str(story), "-o", "film.mp4", "--storyboard", "ask"], tmp_path, stdin=b"n\n"
    )
    assert declined.returncode == 0, declined.stderr.decode()
    assert b"Not rendered" in declined.stdout
    assert not (tmp_path / "film.mp4").exists()

    approved = _run(
        ["render", str(story), "-o", "film.mp4", "--storyboard", "ask", "--approve"], tmp_path
    )
    assert approved.returncode == 0, approved.stderr.decode()
    assert probe(tmp_path / "film.mp4").duration_s > 0
