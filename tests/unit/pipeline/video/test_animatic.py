"""The animatic backend: plates that differ per shot, and camera moves that move the right way."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest

from shotgraph.config import Resolution
from shotgraph.models import (
    CameraMove,
    Character,
    Direction,
    Mood,
    Place,
    Scene,
    Setting,
    Shot,
    ShotRef,
    ShotType,
    TimeOfDay,
)
from shotgraph.pipeline.video.animatic import AnimaticBackend
from shotgraph.pipeline.video.animatic.caption import caption_text
from shotgraph.pipeline.video.animatic.props import prop_for
from shotgraph.pipeline.video.protocol import ShotRender

SMALL = Resolution(width=320, height=180)
PEOPLE = [Character(name="Mara", gender="female"), Character(name="Tom", gender="male")]


def shot_render(
    *,
    shot_type: ShotType = ShotType.MEDIUM,
    camera: CameraMove = CameraMove.STATIC,
    direction: Direction = Direction.RIGHT,
    place: Place = Place.HILLS,
    time_of_day: TimeOfDay = TimeOfDay.DAY,
    scene_index: int = 0,
    resolution: Resolution = SMALL,
    prompt: str = "Mara looks out to sea",
    strength: float = 0.8,
) -> ShotRender:
    shot = Shot(
        index=0,
        type=shot_type,
        camera=camera,
        direction=direction,
        duration_s=2.0,
        visual_prompt=prompt,
        characters=["Mara", "Tom"],
        motion_strength=strength,
    )
    setting = Setting(location="the coast", place=place, time_of_day=time_of_day, mood=Mood.CALM)
    scene = Scene(index=scene_index, setting=setting, shots=[shot])
    return ShotRender(
        ref=ShotRef(scene=scene, shot=scene.shots[0]),
        characters=PEOPLE,
        style="storybook",
        seed=7,
        resolution=resolution,
        fps=12,
        duration_s=2.0,
    )


def film(job: ShotRender, tmp_path: Path, count: int = 12) -> list[np.ndarray]:
    backend = AnimaticBackend()
    plate = tmp_path / f"{job.ref.id}-{job.ref.shot.type}-{job.ref.shot.camera}.png"
    backend.render(job, plate)
    return [frame.copy() for frame in backend.footage(plate, job).frames(count)]


def luma(frame: np.ndarray) -> np.ndarray:
    height = frame.shape[0] * 2 // 3
    return frame[:height].astype(np.float32)


def test_frames_are_i420_at_the_render_size(tmp_path: Path) -> None:
    frames = film(shot_render(camera=CameraMove.PUSH_IN), tmp_path, count=17)
    assert len(frames) == 17
    assert all(f.shape == (270, 320) and f.dtype == np.uint8 for f in frames)


def test_portrait_frames(tmp_path: Path) -> None:
    job = shot_render(resolution=SMALL.for_portrait(), camera=CameraMove.PAN)
    frames = film(job, tmp_path, count=5)
    assert [f.shape for f in frames] == [(480, 180)] * 5
    assert luma(frames[0]).std() > 10


def test_different_shots_draw_different_pictures(tmp_path: Path) -> None:
    pictures = [
        film(shot_render(shot_type=kind, place=place, scene_index=i), tmp_path, count=1)[0]
        for i, (kind, place) in enumerate(
            [
                (ShotType.WIDE, Place.HILLS),
                (ShotType.WIDE, Place.SEA),
                (ShotType.CLOSE_UP, Place.HILLS),
                (ShotType.INSERT, Place.CITY),
                (ShotType.OVER_THE_SHOULDER, Place.INTERIOR),
            ]
        )
    ]
    for i, first in enumerate(pictures):
        for second in pictures[i + 1 :]:
            assert np.abs(luma(first) - luma(second)).mean() > 8


def test_same_shot_twice_is_identical(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = film(shot_render(), tmp_path / "a", count=1)[0]
    second = film(shot_render(), tmp_path / "b", count=1)[0]
    assert np.array_equal(first, second)


def test_time_of_day_sets_the_light(tmp_path: Path) -> None:
    day = film(shot_render(shot_type=ShotType.WIDE), tmp_path, count=1)[0]
    night = film(shot_render(shot_type=ShotType.WIDE, time_of_day=TimeOfDay.NIGHT), tmp_path, 1)[0]
    assert luma(day).mean() > luma(night).mean() + 40


def test_every_place_and_shot_type_draws(tmp_path: Path) -> None:
    for i, (place, kind) in enumerate(zip(Place, ShotType, strict=False)):
        frame = film(shot_render(shot_type=kind, place=place, scene_index=i), tmp_path, 1)[0]
        assert luma(frame).std() > 5, (place, kind)


def test_static_shot_holds_still_and_moving_shots_move(tmp_path: Path) -> None:
    still = film(shot_render(camera=CameraMove.STATIC), tmp_path)
    assert np.abs(luma(still[0]) - luma(still[-1])).max() == 0
    for move in (CameraMove.PAN, CameraMove.PUSH_IN, CameraMove.DOLLY, CameraMove.ORBIT):
        frames = film(shot_render(camera=move), tmp_path)
        changes = [np.abs(luma(a) - luma(b)).mean() for a, b in itertools.pairwise(frames)]
        assert min(changes) > 0, move
        assert np.abs(luma(frames[0]) - luma(frames[-1])).mean() > 2, move


def shift(first: np.ndarray, last: np.ndarray) -> tuple[float, float]:
    """How far the picture content moved from the first frame to the last (x, y pixels)."""
    height, width = luma(first).shape
    # The centre only: the caption and the vignette's edge stay put and would pull towards 0.
    centre = (slice(height // 6, height * 5 // 6), slice(width // 8, width * 7 // 8))
    (dx, dy), _ = cv2.phaseCorrelate(luma(first)[centre].copy(), luma(last)[centre].copy())
    return dx, dy


@pytest.mark.parametrize(
    ("move", "direction", "expect"),
    [
        (CameraMove.PAN, Direction.RIGHT, (-1, 0)),
        (CameraMove.PAN, Direction.LEFT, (1, 0)),
        (CameraMove.TILT, Direction.UP, (0, 1)),
        (CameraMove.TILT, Direction.DOWN, (0, -1)),
        (CameraMove.DOLLY, Direction.RIGHT, (-1, 0)),
        (CameraMove.ORBIT, Direction.LEFT, (1, 0)),
    ],
)
def test_lateral_moves_travel_the_right_way(
    tmp_path: Path, move: CameraMove, direction: Direction, expect: tuple[int, int]
) -> None:
    frames = film(shot_render(shot_type=ShotType.WIDE, camera=move, direction=direction), tmp_path)
    dx, dy = shift(frames[0], frames[-1])
    moved = (dx, dy)
    for axis in (0, 1):
        if expect[axis]:
            assert moved[axis] * expect[axis] > 5, moved
        else:
            assert abs(moved[axis]) < 2, moved


def magnification(first: np.ndarray, last: np.ndarray) -> float:
    """The zoom from the first frame to the last: the factor that, undone on the last frame,
    best matches the centre of the first."""
    a, b = luma(first), luma(last)
    height, width = a.shape
    crop = (slice(height // 4, height * 3 // 4), slice(width // 4, width * 3 // 4))

    def error(factor: float) -> float:
        undone = cv2.resize(b, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
        h, w = undone.shape
        y0, x0 = (h - height // 2) // 2, (w - width // 2) // 2
        return float(np.abs(undone[y0 : y0 + height // 2, x0 : x0 + width // 2] - a[crop]).mean())

    factors = np.linspace(0.7, 1.45, 31)
    return float(factors[np.argmin([error(f) for f in factors])])


def test_push_in_enlarges_and_pull_out_shrinks(tmp_path: Path) -> None:
    push = film(shot_render(camera=CameraMove.PUSH_IN), tmp_path)
    pull = film(shot_render(camera=CameraMove.PULL_OUT), tmp_path)
    assert magnification(push[0], push[-1]) > 1.15
    assert magnification(pull[0], pull[-1]) < 0.87


def test_stronger_moves_travel_further(tmp_path: Path) -> None:
    gentle = film(
        shot_render(shot_type=ShotType.WIDE, camera=CameraMove.PAN, strength=0.1), tmp_path
    )
    strong = film(
        shot_render(shot_type=ShotType.WIDE, camera=CameraMove.PAN, strength=1.0), tmp_path
    )
    assert abs(shift(strong[0], strong[-1])[0]) > abs(shift(gentle[0], gentle[-1])[0]) * 1.8


def test_caption_stays_put_while_the_camera_moves(tmp_path: Path) -> None:
    frames = film(shot_render(camera=CameraMove.PAN), tmp_path)
    corner = (slice(9, 15), slice(10, 50))
    assert np.array_equal(frames[0][corner], frames[-1][corner])
    assert luma(frames[0])[corner].std() > 20  # text, not flat paper


@pytest.mark.parametrize(
    ("text", "prop"),
    [
        ("She lights the old lantern", "lantern"),
        ("A letter lies on the table", "letter"),
        ("The keys to the tower", "key"),
        ("The ship's bell rings", "boat"),
        ("A bell in the fog", "bell"),
        ("Nothing in particular", "chest"),
    ],
)
def test_insert_prop_follows_the_words(text: str, prop: str) -> None:
    assert prop_for(text) == prop


def test_caption_names_the_way_the_camera_really_goes() -> None:
    tilt = shot_render(camera=CameraMove.TILT, direction=Direction.RIGHT).ref
    push = shot_render(shot_type=ShotType.CLOSE_UP, camera=CameraMove.PUSH_IN).ref
    assert caption_text(tilt.shot, tilt.id) == "MEDIUM · TILT UP · s000-00"
    assert caption_text(push.shot, push.id) == "CLOSE-UP · PUSH IN · s000-00"
