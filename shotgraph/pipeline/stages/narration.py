"""Narration: speech for every shot, one WAV each. Its real length later sets the shot's length."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shotgraph.models import ShotPlan, Stage
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.speech.casting import Casting, cast_plan
from shotgraph.pipeline.speech.protocol import Speech


@dataclass(frozen=True)
class NarratedShot:
    wav: Path
    speech: Speech


async def run_narration(job: JobRun, plan: ShotPlan) -> dict[str, NarratedShot]:
    narrator = job.backends.narrator
    if narrator is None:
        return {}
    voice = job.request.voice
    tts_settings = job.settings.cache_inputs("espeak_", "edge_", "tts_")
    casting = cast_plan(plan) if job.settings.tts_character_voices else Casting()
    spoken = [ref for ref in plan.shots() if ref.shot.narration]
    narrated: dict[str, NarratedShot] = {}
    with job.stage(Stage.NARRATION, "Recording the narration") as progress:
        for position, ref in enumerate(spoken, start=1):
            lines = ref.shot.narration
            # A shot depends only on the parts of those who speak in it.
            cast = casting.for_speakers({line.speaker for line in lines if line.speaker})
            key = job.key(narrator.name, tts_settings, lines, plan.language, voice, cast)
            wav = job.folder.artefact(Stage.NARRATION, ref.id, key, ".wav")

            async def speak(lines=lines, wav=wav, cast=cast, shot=ref.id) -> Speech:
                job.made_shot(Stage.NARRATION, shot)
                with job.folder.written(wav) as partial:
                    return await narrator.speak(lines, plan.language, voice, partial, cast)

            speech = await job.cached(
                Stage.NARRATION,
                ref.id,
                key,
                Speech,
                speak,
                files=(wav,),
                # A shot the offline voice spoke during an outage is tried online again.
                reuse=lambda stored: stored.backend == narrator.name,
            )
            if speech.note:
                job.notes.append(f"narration {ref.id}: {speech.note}")
            if speech.duration_s > 0:
                narrated[ref.id] = NarratedShot(wav=wav, speech=speech)
            progress.update(position / len(spoken), f"Shot {position} of {len(spoken)}")
    return narrated
