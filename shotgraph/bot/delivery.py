"""How a finished film reaches a chat: uploaded as it is, as a smaller encode made to fit the
platform's limit, or as a signed download link when even that would not fit or look right."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from shotgraph.api.links import DownloadLinks
from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable
from shotgraph.models import JobResult
from shotgraph.pipeline.composition.ffmpeg import FfmpegFailed, run_ffmpeg
from shotgraph.sizes import spell_bytes
from shotgraph.storage import local_copy, open_storage
from shotgraph.storage.retention import expired_sentence

log = logging.getLogger(__name__)

# Room left under a limit for the container's overhead and the encoder missing its target.
_SIZE_MARGIN = 0.9
_AUDIO_BITS_PER_S = 64_000
# Below this video bitrate a film is mush; a link serves the user better.
_MIN_VIDEO_BITS_PER_S = 150_000
# Encodes tried before giving up on fitting and sending a link instead.
_FIT_ATTEMPTS = 2
# The smaller encode is at most this many pixels wide (landscape) or high (portrait).
_FIT_LONG_SIDE = 854


class Delivery(BaseModel):
    """What to post: a file to upload, or a link (with why, for the message)."""

    kind: Literal["upload", "link", "unavailable", "expired"]
    path: Path | None = None
    url: str | None = None
    reduced: bool = False
    """The upload is a smaller encode than the original film."""
    note: str = ""


async def plan_delivery(
    settings: Settings,
    result: JobResult,
    limit_bytes: int,
    expired: bool = False,
    reserved_bytes: int = 0,
) -> Delivery:
    """The best way to get the film into a chat whose uploads stop at `limit_bytes`, of which
    `reserved_bytes` go to the rest of the request (Telegram counts the thumbnail and caption
    against the same limit); the film comes from the store (a copy is fetched when the store
    is a bucket)."""
    film = None
    if not expired:
        store = open_storage(settings)
        film = await asyncio.to_thread(local_copy, store, result.files.video, settings)
    if film is None:
        return Delivery(kind="expired", note=expired_sentence(settings))
    room = max(limit_bytes - reserved_bytes, 0)
    if film.stat().st_size <= room:
        return Delivery(kind="upload", path=film)
    fitted = await fit_to_size(film, result.duration_s, room)
    if fitted is not None:
        return Delivery(
            kind="upload",
            path=fitted,
            reduced=True,
            note=f"A smaller version to fit the {spell_bytes(limit_bytes)} upload limit.",
        )
    try:
        links = DownloadLinks(settings)
    except BackendUnavailable:
        return Delivery(
            kind="unavailable",
            note=(
                f"The film is {spell_bytes(film.stat().st_size)}, over this chat's "
                f"{spell_bytes(limit_bytes)} limit, and download links are not set up here "
                "(LINK_SECRET)."
            ),
        )
    return Delivery(
        kind="link",
        url=links.url_for(result.job_id),
        note=f"The film is too big to upload here; the link works for "
        f"{links.ttl_s // 86_400 or 1} days.",
    )


async def fit_to_size(film: Path, duration_s: float, limit_bytes: int) -> Path | None:
    """A re-encode of `film` that fits `limit_bytes`, made once and kept beside it; None when
    the bitrate it would need is too low to be worth watching."""
    target = film.with_name(f"{film.stem}.fit-{limit_bytes}.mp4")
    if target.exists() and target.stat().st_size <= limit_bytes:
        return target
    total_bits_per_s = limit_bytes * 8 * _SIZE_MARGIN / max(duration_s, 1.0)
    video_bits_per_s = int(total_bits_per_s - _AUDIO_BITS_PER_S)
    # Bot processes on a shared storage may fit the same film at once: a partial of each.
    partial = target.with_name(f".{target.stem}.partial-{uuid.uuid4().hex}.mp4")
    # x264 overshoots its target on grainy pictures; a second pass aims lower by the miss.
    for _ in range(_FIT_ATTEMPTS):
        if video_bits_per_s < _MIN_VIDEO_BITS_PER_S:
            break
        try:
            await asyncio.to_thread(_encode_at, film, partial, video_bits_per_s)
        except FfmpegFailed:
            log.exception("smaller encode of %s failed", film)
            break
        size = partial.stat().st_size
        if size <= limit_bytes:
            partial.replace(target)
            return target
        video_bits_per_s = int(video_bits_per_s * limit_bytes / size * _SIZE_MARGIN)
    partial.unlink(missing_ok=True)
    return None


def _encode_at(film: Path, out: Path, video_bits_per_s: int) -> None:
    # The long side at most _FIT_LONG_SIDE pixels, the other side even, either orientation.
    long = _FIT_LONG_SIDE
    scale = f"scale='if(gt(iw,ih),min({long},iw),-2)':'if(gt(iw,ih),-2,min({long},ih))'"
    run_ffmpeg(
        "-i", film,
        "-map", "0:v:0", "-map", "0:a:0?", "-map", "0:s?",
        "-vf", scale,
        "-c:v", "libx264", "-preset", "veryfast",
        "-b:v", str(video_bits_per_s), "-maxrate", str(video_bits_per_s),
        "-bufsize", str(video_bits_per_s * 2),
        "-c:a", "aac", "-b:a", str(_AUDIO_BITS_PER_S),
        "-c:s", "copy",
        "-movflags", "+faststart",
        out,
    )  # fmt: skip
