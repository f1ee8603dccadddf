"""The sound mix: real WAVs in, a real AAC file out, decoded with libav and measured."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import Mood, Scene, Setting, SpokenLine
from shotgraph.pipeline.audio_files import write_wav
from shotgraph.pipeline.composition.audio import (
    DUCK_DB,
    MUSIC_UNDER_VOICE_DB,
    SAMPLE_RATE,
    TARGET_LUFS,
    mix_audio,
)
from shotgraph.pipeline.composition.ffmpeg import ffmpeg_exe
from shotgraph.pipeline.composition.timeline import TRANSITION_S, Segment, Timeline
from shotgraph.pipeline.music.synth import SynthMusic
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from tests.helpers.media import probe

FPS = 24
VOICE_HZ, MUSIC_HZ = 1000.0, 110.0
# Title card 0-3 s; scene 0: 3-11 s (spoken from 3.35 s to 6.35 s) and 11-18 s (silent);
# scene 1: 18-25 s (spoken from 18.35 s to 21.35 s); end card 25-27.5 s.
SPEECH = {"s000-00": 3.35, "s001-00": 18.35}
SPEECH_S = 3.0


def _timeline() -> Timeline:
    def shot(shot_id: str, scene: int, start_s: float, end_s: float) -> Segment:
        start = round(start_s * FPS)
        return Segment(
            kind="shot",
            shot_id=shot_id,
            scene_index=scene,
            start_frame=start,
            frame_count=round(end_s * FPS) - start,
        )

    return Timeline(
        fps=FPS,
        segments=[
            Segment(kind="title", start_frame=0, frame_count=3 * FPS),
            shot("s000-00", 0, 3, 11),
            shot("s000-01", 0, 11, 18),
            shot("s001-00", 1, 18, 25),
            Segment(kind="end", start_frame=25 * FPS, frame_count=round(2.5 * FPS)),
        ],
        narration_starts_s=SPEECH,
    )


def _tone(path: Path, hz: float, seconds: float, rate: int, channels: int, level: float) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    wave = level * np.sin(2 * np.pi * hz * t)
    write_wav(path, np.repeat(wave[:, None], channels, axis=1), rate)
    return path


def _beds(folder: Path, rate: int = 44_100, channels: int = 2) -> dict[int, Path]:
    """A steady tone per scene, as long as the music stage asks: the scene plus a crossfade."""
    return {
        0: _tone(folder / "bed0.wav", MUSIC_HZ, 15 + TRANSITION_S, rate, channels, 0.3),
        1: _tone(folder / "bed1.wav", MUSIC_HZ, 7 + TRANSITION_S, rate, channels, 0.3),
    }


def _voices(folder: Path, rate: int = 22_050, channels: int = 1) -> dict[str, Path]:
    return {
        shot: _tone(folder / f"{shot}.wav", VOICE_HZ, SPEECH_S, rate, channels, 0.3)
        for shot in SPEECH
    }


def _decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        planes = [frame.to_ndarray() for frame in container.decode(audio=0)]
    return np.concatenate(planes, axis=1).T


def _band_db(sound: np.ndarray, start_s: float, end_s: float, hz: float) -> float:
    """Level (dB) of the spectrum within a semitone of `hz`, between two times."""
    window = sound[round(start_s * SAMPLE_RATE) : round(end_s * SAMPLE_RATE)].mean(axis=1)
    # Divided by the length squared, a steady tone reads the same in any length of window.
    power = (np.abs(np.fft.rfft(window * np.hanning(window.size))) / window.size) ** 2
    freqs = np.fft.rfftfreq(window.size, 1 / SAMPLE_RATE)
    band = (freqs > hz * 2 ** (-1 / 12)) & (freqs < hz * 2 ** (1 / 12))
    return float(10 * np.log10(power[band].sum() + 1e-20))


def _loudness(path: Path) -> float:
    """Integrated loudness by ffmpeg's EBU R128 meter, from its summary."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", path, "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", done.stderr)[-1])


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    folder = tmp_path_factory.mktemp("mix")
    out = mix_audio(_timeline(), _voices(folder), _beds(folder), folder / "sound.m4a", folder)
    return out, _decode(out)


def test_the_mix_is_aac_48k_stereo_as_long_as_the_film(mixed: tuple[Path, np.ndarray]) -> None:
    out, sound = mixed
    info = probe(out)
    stream = info.stream("audio")
    assert (stream.codec, stream.sample_rate, stream.channels) == ("aac", 48_000, 2)
    assert info.duration_s == pytest.approx(_timeline().duration_s, abs=1 / FPS)
    assert sound.shape[0] == pytest.approx(27.5 * SAMPLE_RATE, abs=SAMPLE_RATE / FPS)


def test_the_music_ducks_while_the_voice_speaks(mixed: tuple[Path, np.ndarray]) -> None:
    _, sound = mixed
    under_voice = _band_db(sound, 4.0, 6.0, MUSIC_HZ)
    between_lines = _band_db(sound, 12.0, 17.0, MUSIC_HZ)
    assert between_lines - under_voice == pytest.approx(DUCK_DB, abs=2.0)
    assert _band_db(sound, 19.0, 21.0, MUSIC_HZ) == pytest.approx(under_voice, abs=2.0)


def test_the_voice_stands_well_clear_of_the_music(mixed: tuple[Path, np.ndarray]) -> None:
    _, sound = mixed
    gap = _band_db(sound, 4.0, 6.0, VOICE_HZ) - _band_db(sound, 4.0, 6.0, MUSIC_HZ)
    assert gap == pytest.approx(MUSIC_UNDER_VOICE_DB + DUCK_DB, abs=2.0)
    assert 18 <= gap <= 26


def test_music_starts_with_the_first_shot_and_fades_out_with_the_last(
    mixed: tuple[Path, np.ndarray],
) -> None:
    _, sound = mixed
    playing = _band_db(sound, 12.0, 14.0, MUSIC_HZ)
    assert _band_db(sound, 0.5, 2.5, MUSIC_HZ) < playing - 60  # silent under the title
    assert _band_db(sound, 23.0, 24.5, MUSIC_HZ) == pytest.approx(playing, abs=1.0)
    assert _band_db(sound, 26.0, 27.4, MUSIC_HZ) < playing - 60  # the last bed has ended


def test_the_mix_is_brought_to_the_target_loudness(mixed: tuple[Path, np.ndarray]) -> None:
    out, sound = mixed
    assert _loudness(out) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert np.abs(sound).max() < 1.0


def test_no_narration_and_no_music_is_valid_silence(tmp_path: Path) -> None:
    out = mix_audio(_timeline(), {}, {}, tmp_path / "quiet.m4a", tmp_path / "work")
    info = probe(out)
    assert info.stream("audio").codec == "aac"
    assert info.duration_s == pytest.approx(27.5, abs=1 / FPS)
    assert np.abs(_decode(out)).max() < 1e-4


def test_music_alone_is_normalised_too(tmp_path: Path) -> None:
    out = mix_audio(_timeline(), {}, _beds(tmp_path), tmp_path / "music.m4a", tmp_path)
    assert _loudness(out) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert probe(out).duration_s == pytest.approx(27.5, abs=1 / FPS)


def test_clips_of_other_rates_and_layouts_are_converted(tmp_path: Path) -> None:
    voices = _voices(tmp_path)
    voices["s001-00"] = _tone(tmp_path / "edge.wav", VOICE_HZ, SPEECH_S, 24_000, 2, 0.3)
    beds = _beds(tmp_path)
    beds[1] = _tone(tmp_path / "musicgen.wav", MUSIC_HZ, 7.5, 32_000, 1, 0.3)
    # A work folder whose name ffmpeg's filter syntax would otherwise trip over.
    work = tmp_path / "work, it's: [odd]"
    out = mix_audio(_timeline(), voices, beds, tmp_path / "sound.m4a", work)
    sound = _decode(out)
    assert _band_db(sound, 19.0, 21.0, VOICE_HZ) == pytest.approx(
        _band_db(sound, 4.0, 6.0, VOICE_HZ), abs=1.0
    )
    assert _band_db(sound, 23.0, 24.5, MUSIC_HZ) > _band_db(sound, 0.5, 2.5, MUSIC_HZ) + 40
    assert list(work.iterdir()) == []


async def test_real_narration_and_score_mix_to_the_target(
    settings: Settings, tmp_path: Path
) -> None:
    narrator = EspeakNarrator(settings)
    voices = {}
    for shot in SPEECH:
        voices[shot] = tmp_path / f"{shot}.wav"
        line = SpokenLine(text="The lighthouse keeper climbed the stair as the storm came in.")
        await narrator.speak([line], "en", None, voices[shot])
    music = SynthMusic()
    beds = {}
    for scene, seconds, mood in ((0, 15.5, Mood.MYSTERIOUS), (1, 7.5, Mood.TENSE)):
        beds[scene] = tmp_path / f"bed{scene}.wav"
        setting = Setting(location="the lighthouse", mood=mood)
        music.score(Scene(index=scene, setting=setting), seconds, "storybook", 1, beds[scene])
    out = mix_audio(_timeline(), voices, beds, tmp_path / "sound.m4a", tmp_path / "work")
    assert _loudness(out) == pytest.approx(TARGET_LUFS, abs=1.5)
    assert probe(out).duration_s == pytest.approx(27.5, abs=1 / FPS)
    assert list((tmp_path / "work").iterdir()) == []
