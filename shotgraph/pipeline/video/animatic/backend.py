"""The animatic backend: a drawn storyboard plate per shot, filmed with a camera move.

`render` draws the plate once and stores it as PNG; `footage` films it at compose time, warping
the plate's I420 planes into one reused frame buffer: well under a millisecond a frame at
1024x576, and no allocation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from shotgraph.pipeline.video.animatic.camera import plan_move, shoot, views
from shotgraph.pipeline.video.animatic.caption import caption_text, draw_caption
from shotgraph.pipeline.video.animatic.palette import palette_for
from shotgraph.pipeline.video.animatic.plate import draw_plate, plate_size
from shotgraph.pipeline.video.protocol import ShotRender, YuvFrame
from shotgraph.pipeline.video.yuv import new_frame, planes

# Plates are flat colour: the fastest zlib level with no row filter is 3x quicker to write and
# read than the defaults, at much the same size.
_PNG_OPTIONS = [
    cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE,
]  # fmt: skip


class AnimaticBackend:
    name = "animatic"
    suffix = ".png"

    def load_models(self) -> None:
        """The animatic draws with code, not models."""

    def render(self, job: ShotRender, out: Path) -> None:
        """The plate: the approved keyframe when the storyboard drew one, else drawn now."""
        if job.keyframe is not None:
            shutil.copyfile(job.keyframe, out)
            return
        self.keyframe(job, out)

    def keyframe(self, job: ShotRender, out: Path) -> None:
        """The keyframe is the whole plate, so the camera can still move over it."""
        write_png(draw_plate(job), out)

    def continues(self, job: ShotRender) -> bool:
        """Every plate stands alone: continuity lives in the storyboard's keyframes."""
        return False

    def footage(self, artefact: Path, job: ShotRender) -> AnimaticFootage:
        return AnimaticFootage(artefact, job)


def write_png(picture: np.ndarray, out: Path) -> None:
    """Write an RGB picture as a quick PNG, or say why not."""
    if not cv2.imwrite(str(out), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR), _PNG_OPTIONS):
        raise OSError(f"could not write the picture {out}")


class AnimaticFootage:
    """A camera move over one plate. The plate is read when the frames start, not before, so a
    film holds only the plates of the shots on screen.

    Every frame is the same buffer, overwritten in place: use (or copy) a frame before asking
    for the next one.
    """

    def __init__(self, plate: Path, job: ShotRender) -> None:
        self.plate = plate
        self.job = job

    def frames(self, frame_count: int) -> Iterator[YuvFrame]:
        job, shot = self.job, self.job.ref.shot
        width, height = job.resolution.width, job.resolution.height
        picture = cv2.imread(str(self.plate), cv2.IMREAD_COLOR)
        if picture is None or (picture.shape[1], picture.shape[0]) != plate_size(job.resolution):
            raise ValueError(f"{self.plate} is not a plate for {job.resolution}")
        plate = planes(cv2.cvtColor(picture, cv2.COLOR_BGR2YUV_I420))
        del picture
        palette = palette_for(job.ref.scene.setting)
        caption = draw_caption(
            caption_text(shot, job.ref.id), width, height, palette.paper, palette.ink
        )
        frame = new_frame(width, height)
        target = planes(frame)
        move = plan_move(shot.camera, shot.direction, shot.motion_strength)
        path = views(move, (width, height), (plate.y.shape[1], plate.y.shape[0]), frame_count)
        previous = None
        for view in path:
            if view != previous:
                shoot(plate, target, view)
                if caption is not None:
                    caption.paste(frame)
                previous = view
            yield frame
