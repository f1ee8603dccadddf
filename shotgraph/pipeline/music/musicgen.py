"""MusicGen through transformers: a scene's bed from its mood and the film's style.

MusicGen makes at most about 30 s per call (its decoder's window). A longer bed is continued
the way audiocraft does it: each further call is prompted with the last seconds of audio made
so far (MUSICGEN_CONTEXT_S) and adds the rest of its window; the joins are crossfaded over a
few milliseconds, where the re-decoded prompt meets the audio already made. With
MUSICGEN_SCOPE=film a scene's bed starts as a continuation of the previous scene's, from where
that scene ends, so the film has one score that changes mood with its scenes. Not `audiocraft`
itself: it is unmaintained since 2024 and pins an old torch.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from shotgraph.config import Settings
from shotgraph.models import Mood, Scene, seed_of
from shotgraph.pipeline.audio_files import read_wav_range, wav_format, write_wav
from shotgraph.pipeline.gpu.manager import (
    ModelManager,
    explain_missing_weights,
    model_source,
    process_models,
)
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.music.protocol import PreviousBed

_MOOD_MUSIC = {
    Mood.CALM: "calm, gentle ambient score, soft piano and warm strings",
    Mood.JOYFUL: "joyful, bright and bouncy orchestral score, pizzicato strings and flutes",
    Mood.TENSE: "tense, suspenseful score, low pulsing strings and deep drums",
    Mood.SAD: "sad, slow melancholic score, solo cello and piano",
    Mood.MYSTERIOUS: "mysterious, hushed score, celesta, harp and airy pads",
    Mood.TRIUMPHANT: "triumphant, uplifting orchestral score, brass fanfare and timpani",
}
_JOIN_S = 0.05


def music_prompt(scene: Scene, style: str) -> str:
    """What MusicGen is asked for: the mood's instruments, the film's style, the scene's time
    of day, and no voices (the narration goes on top)."""
    setting = scene.setting
    return (
        f"{_MOOD_MUSIC[setting.mood]}, film music for a {style} story, "
        f"{setting.time_of_day.value} in {setting.location}, instrumental, no vocals"
    )


def chunk_seconds(
    duration_s: float, chunk_s: float, context_s: float, continuing: bool = False
) -> list[float]:
    """Seconds of new audio each call adds: a whole window first (unless `continuing` earlier
    audio), then windows less the context they are prompted with, until `duration_s` is
    covered."""
    step = chunk_s - context_s
    chunks = [min(step if continuing else chunk_s, duration_s)]
    while sum(chunks) < duration_s:
        chunks.append(min(step, duration_s - sum(chunks)))
    return chunks


def _lead_in(previous: PreviousBed | None, rate: int, context: int) -> np.ndarray | None:
    """The last `context` samples of the previous bed before its scene ends (mono), or None
    when there is none to continue (or it was made at another rate)."""
    if previous is None or context == 0:
        return None
    info = wav_format(previous.path)
    if info is None or info.sample_rate != rate:
        return None
    end = min(round(previous.end_s * rate), info.frames)
    if end < context:
        return None
    return read_wav_range(previous.path, end - context, context)[:, 0].copy()


class MusicgenMusic:
    name = "musicgen"

    def __init__(self, settings: Settings, manager: ModelManager | None = None) -> None:
        self.runtime = ModelRuntime.from_settings(settings)
        self.runtime.require_device("MUSIC_BACKEND=musicgen")
        self.model_id = settings.musicgen_model
        self.guidance = settings.musicgen_guidance
        self.chunk_s = settings.musicgen_chunk_s
        # A prompt as long as the window would leave no room to continue.
        self.context_s = min(settings.musicgen_context_s, settings.musicgen_chunk_s / 2)
        self.continues_scenes = settings.musicgen_scope == "film" and self.context_s > 0
        self.manager = manager or process_models()

    def score(
        self,
        scene: Scene,
        duration_s: float,
        style: str,
        seed: int,
        out: Path,
        previous: PreviousBed | None = None,
    ) -> None:
        """Write a stereo WAV of exactly `duration_s` seconds at MusicGen's sample rate,
        continuing `previous` from where its scene ends when given one."""
        import torch

        model, processor = self._model()
        codec = model.config.audio_encoder
        rate, hop = codec.sampling_rate, codec.hop_length
        total = round(duration_s * rate)
        context = round(self.context_s * codec.frame_rate) * hop  # whole codec frames
        join = min(round(_JOIN_S * rate), context)
        prompt = music_prompt(scene, style)
        lead_in = _lead_in(previous, rate, context)
        # generate() samples from torch's global generator: seed it for repeatable beds.
        torch.manual_seed(seed_of("musicgen", seed, scene.index))
        audio = np.zeros(0, np.float32)
        chunks = chunk_seconds(duration_s, self.chunk_s, self.context_s, lead_in is not None)
        for seconds in chunks:
            # MusicGen's delay pattern costs num_codebooks - 1 frames of every call.
            tokens = math.ceil(seconds * codec.frame_rate) + model.decoder.num_codebooks - 1
            before = audio if audio.size else lead_in
            if before is None or context == 0:
                audio = np.concatenate([audio, self._generate(model, processor, prompt, tokens)])
                continue
            made = self._generate(model, processor, prompt, tokens, before[-context:], rate)
            if audio.size:
                fade = np.linspace(0.0, 1.0, join, dtype=np.float32)
                audio[-join:] = audio[-join:] * (1 - fade) + made[context - join : context] * fade
            audio = np.concatenate([audio, made[context:]])
        audio = np.pad(audio[:total], (0, max(0, total - audio.size)))
        write_wav(out, np.repeat(audio[:, None], 2, axis=1), rate)

    def _generate(
        self,
        model: Any,
        processor: Any,
        prompt: str,
        tokens: int,
        context: np.ndarray | None = None,
        rate: int | None = None,
    ) -> np.ndarray:
        """Mono float audio of `tokens` codec frames; prompted with `context`, the output
        starts with that context re-decoded."""
        import torch

        if context is None:
            inputs = processor(text=[prompt], padding=True, return_tensors="pt")
        else:
            inputs = processor(
                text=[prompt], audio=context, sampling_rate=rate, padding=True, return_tensors="pt"
            )
        dtype = self.runtime.torch_dtype()
        inputs = {
            name: value.to(self.runtime.device, dtype if value.is_floating_point() else None)
            for name, value in inputs.items()
        }
        with torch.inference_mode():
            values = model.generate(
                **inputs, do_sample=True, guidance_scale=self.guidance, max_new_tokens=tokens
            )
        return values[0, 0].float().cpu().numpy()

    def load_models(self) -> None:
        self._model()

    def _model(self) -> tuple[Any, Any]:
        def build() -> tuple[Any, Any]:
            from transformers import AutoProcessor, MusicgenForConditionalGeneration

            source = model_source(self.model_id)
            with explain_missing_weights(self.model_id, self.runtime):
                processor = AutoProcessor.from_pretrained(
                    source, local_files_only=self.runtime.offline
                )
                model = MusicgenForConditionalGeneration.from_pretrained(
                    source, dtype=self.runtime.torch_dtype(), local_files_only=self.runtime.offline
                )
            return model.to(self.runtime.device).eval(), processor

        key = self.runtime.model_key("music", self.model_id)
        return self.manager.get(key, self.runtime, build)
