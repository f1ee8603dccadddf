"""Compose: subtitles, the sound mix and the picture, then one MP4 with all three.

The sound is mixed in a thread while the picture encodes in another: both are mostly ffmpeg
and OpenCV work that releases the GIL, so on a two-core machine they overlap.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from shotgraph.models import Captions, JobFiles, JobResult, ShotPlan, Stage
from shotgraph.pipeline.artefacts import atomic_output
from shotgraph.pipeline.composition.audio import mix_audio
from shotgraph.pipeline.composition.captions import CaptionStyle, write_captions
from shotgraph.pipeline.composition.cards import end_card, title_card
from shotgraph.pipeline.composition.mux import mux
from shotgraph.pipeline.composition.subtitles import cues_for_film, write_srt
from shotgraph.pipeline.composition.timeline import Timeline
from shotgraph.pipeline.composition.video import EncoderSettings, encode_film
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.progress import StageProgress
from shotgraph.pipeline.stages.narration import NarratedShot
from shotgraph.pipeline.stages.visuals import RenderedShot


async def run_compose(
    job: JobRun,
    plan: ShotPlan,
    timeline: Timeline,
    visuals: dict[str, RenderedShot],
    narration: dict[str, NarratedShot],
    music: dict[int, Path],
) -> JobResult:
    key = job.key(
        job.settings.cache_inputs("video_"),
        captions_of(job),
        plan,
        timeline,
        sorted(shot.artefact.name for shot in visuals.values()),
        # The same WAV name is re-spoken online after an outage: the voice is part of the key.
        sorted((shot.wav.name, shot.speech.backend) for shot in narration.values()),
        sorted(bed.name for bed in music.values()),
    )
    folder = job.folder
    # A film of edited shots (a retake) is named by its inputs, so each version keeps its own
    # files beside the first, which keeps the plain names.
    stem = f"film-{key[:8]}" if job.request.shot_edits else "film"
    files = JobFiles(
        video=folder.relative(folder.output(f"{stem}.mp4")),
        subtitles=folder.relative(folder.output(f"{stem}.srt")),
        plan=folder.relative(folder.output(f"{stem.replace('film', 'plan')}.json")),
        thumbnail=folder.relative(folder.output(f"{stem.replace('film', 'thumbnail')}.jpg")),
    )

    root = job.folder.storage_root
    outputs = tuple(root / name for name in files.model_dump().values())

    async def make() -> JobResult:
        await _compose(job, plan, timeline, visuals, narration, music, files, progress)
        for output in reversed(outputs):  # the film last: once it is stored, all of them are
            await asyncio.to_thread(job.folder.publish, output)
        return _result(job, plan, timeline, files)

    with job.stage(Stage.COMPOSE, "Putting the film together") as progress:
        return await job.cached(Stage.COMPOSE, "result", key, JobResult, make, files=outputs)


async def _compose(
    job: JobRun,
    plan: ShotPlan,
    timeline: Timeline,
    visuals: dict[str, RenderedShot],
    narration: dict[str, NarratedShot],
    music: dict[int, Path],
    files: JobFiles,
    progress: StageProgress,
) -> None:
    root, work = job.folder.storage_root, job.folder.scratch()
    srt = root / files.subtitles
    speeches = {shot: n.speech for shot, n in narration.items()}
    with atomic_output(srt) as partial:
        write_srt(cues_for_film(timeline, speeches), partial)
    captions = captions_of(job)
    burned: Path | None = None
    if captions == "burned":
        style = CaptionStyle(job.resolution)
        burned = work / "captions.ass"
        write_captions(
            cues_for_film(timeline, speeches, line_chars=style.line_chars), style, burned
        )
    (root / files.plan).write_text(_timed_plan(plan, timeline).model_dump_json(indent=1), "utf-8")

    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        # Runs in the encoder's thread: the checkpoint raises here, ending the frame loop (and
        # its ffmpeg); an exception in a loop callback would only be logged.
        progress.checkpoint()
        loop.call_soon_threadsafe(progress.report, done / total, f"Frame {done} of {total}")

    backend = job.backends.video
    footage = {
        shot_id: backend.footage(shot.artefact, shot.render) for shot_id, shot in visuals.items()
    }
    picture, sound = work / "picture.mp4", work / "sound.m4a"
    narration_wavs = {shot_id: n.wav for shot_id, n in narration.items()}
    await asyncio.gather(
        asyncio.to_thread(mix_audio, timeline, narration_wavs, music, sound, work),
        asyncio.to_thread(
            encode_film,
            timeline,
            footage,
            title_card(plan.title),
            end_card(),
            job.resolution,
            EncoderSettings.from_settings(job.settings),
            picture,
            root / files.thumbnail,
            report,
            burned,
        ),
    )
    progress.checkpoint()  # the last one before the film is written
    with atomic_output(root / files.video) as partial:
        soft = srt if captions != "off" else None
        mux(picture, sound, soft, partial, plan.language, plan.title)
    picture.unlink()
    sound.unlink()


def captions_of(job: JobRun) -> Captions:
    """How this film carries its subtitles: the request's choice, else BURN_SUBTITLES."""
    if job.request.captions is not None:
        return job.request.captions
    return "burned" if job.settings.burn_subtitles else "soft"


def _timed_plan(plan: ShotPlan, timeline: Timeline) -> ShotPlan:
    """The plan as filmed: each shot's duration is what the timeline gave it."""
    seconds = {s.shot_id: s.frame_count / timeline.fps for s in timeline.shot_segments()}
    timed = plan.model_copy(deep=True)
    for ref in timed.shots():
        ref.shot.duration_s = round(seconds[ref.id], 3)
    return timed


def _result(job: JobRun, plan: ShotPlan, timeline: Timeline, files: JobFiles) -> JobResult:
    resolution = job.resolution
    return JobResult(
        job_id=job.folder.job_id,
        title=plan.title,
        files=files,
        duration_s=timeline.duration_s,
        width=resolution.width,
        height=resolution.height,
        fps=timeline.fps,
        size_bytes=(job.folder.storage_root / files.video).stat().st_size,
        shot_count=plan.shot_count,
        scene_count=len(plan.scenes),
        backends=job.backends.names(),
        notes=job.notes,
        cost=job.cost,
    )
