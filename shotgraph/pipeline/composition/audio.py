"""The film's sound: narration at its shots, music beds under it, the music ducked while a voice
speaks, the whole brought to a standard loudness and encoded as AAC.

Placing clips and ducking happen in numpy, block by block, at the sources' own sample rates,
into two raw float32 tracks; a ten-minute film never holds a whole track in memory. The
ducking is a gain envelope computed from the narration itself rather than ffmpeg's
`sidechaincompress`: the voice is known in advance, so the music can dip just *before* a line
starts and hold through the pauses between words (a compressor only reacts, and pumps), and
it costs a few milliseconds instead of a filter pass.

ffmpeg then resamples both tracks to 48 kHz and sums them, twice: once to measure the mix's
loudness (`ebur128`), once to encode it with the one gain that brings it to -16 LUFS, followed
by a peak limiter at -1 dBFS (synthetic speech has sharp peaks, 18 dB above its average, that a
plain gain would clip). That is several times faster than `loudnorm`, which resamples to 192 kHz
and rides the gain; the limiter only touches the peaks, so the result lands within a fraction of
a unit of the target.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shotgraph.pipeline.audio_files import read_wav_range, wav_format
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.pipeline.composition.timeline import TRANSITION_S, Timeline

SAMPLE_RATE = 48_000
TARGET_LUFS = -16.0
# The limiter after the loudness gain keeps every sample below this (-1 dBFS).
PEAK_CEILING = 0.891
# Music between lines sits this far below the voice, and dips this much further under it:
# about 22 dB below the voice while someone speaks.
MUSIC_UNDER_VOICE_DB = 10.0
DUCK_DB = 12.0
# The dip starts this long before a line, holds this long after it, and ramps over this long.
_DUCK_LEAD_S = 0.3
_DUCK_HOLD_S = 0.5
_DUCK_RAMP_S = 0.3
# The envelope's resolution. Tracks are built at rates where 20 ms is a whole number of samples
# (all common ones but 11025 Hz), so the envelope lines up exactly with both tracks.
_CONTROLS_PER_S = 50
_CONTROL_S = 1 / _CONTROLS_PER_S
# A 20 ms frame of narration louder than this counts as speech.
_VOICED_DBFS = -45.0
# Music may be raised at most this much to sit at its level under a quiet voice.
_MAX_MUSIC_BOOST_DB = 12.0
_BLOCK_CONTROLS = 500  # ten seconds per block
_SILENT_LUFS = -70.0
# ffmpeg's own AAC encoder is single-threaded and the slowest step of the mix. Its "fast" coder
# takes a third of the default coder's time, and leaving out the joint-stereo and noise tricks
# (which save bits, not quality) a further fifth; 160 kb/s leaves room for both channels.
_AAC = (
    "-c:a", "aac", "-b:a", "160k",
    "-aac_coder", "fast", "-aac_ms", "0", "-aac_is", "0", "-aac_pns", "0",
)  # fmt: skip


@dataclass(frozen=True)
class _Clip:
    """A WAV laid on a track: where it starts, and how long its edges fade (equal power)."""

    path: Path
    start: int
    frames: int
    fade: int = 0

    @property
    def end(self) -> int:
        return self.start + self.frames

    def read(self, begin: int, end: int) -> np.ndarray:
        """Frames [begin, end) of the clip, counted from its start, faded at its edges."""
        samples = read_wav_range(self.path, begin, end - begin)
        end = begin + samples.shape[0]
        for edge_start, edge_end in ((0, self.fade), (self.frames - self.fade, self.frames)):
            low, high = max(begin, edge_start), min(end, edge_end)
            if low < high:
                position = np.arange(low, high)
                distance = np.minimum(position + 1, self.frames - position) / (self.fade + 1)
                gain = np.sin(distance * np.pi / 2).astype(np.float32)
                samples[low - begin : high - begin] *= gain[:, None]
        return samples


@dataclass(frozen=True)
class _Track:
    """A raw float32 track written to disk, and its mean square where it sounds."""

    path: Path
    sample_rate: int
    channels: int
    mean_square: float


def mix_audio(
    timeline: Timeline,
    narration: dict[str, Path],
    music: dict[int, Path],
    out: Path,
    work_dir: Path,
) -> Path:
    """Write the film's sound to `out` (AAC in an .m4a, 48 kHz stereo), exactly as long as the
    timeline. Missing narration or music is silence; the file is valid either way.

    Intermediate tracks go to a scratch folder inside `work_dir`, gone when this returns.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mix-", dir=work_dir) as scratch:
        folder = Path(scratch)
        voice, voiced = _narration_track(timeline, narration, folder)
        bed = _music_track(timeline, music, folder, _ducking_gain(voiced))
        graph, inputs = _mix_graph(voice, bed, round(timeline.duration_s * SAMPLE_RATE))
        loudness = _measure(graph, inputs, folder / "loudness.txt")
        gain_db = TARGET_LUFS - loudness if loudness > _SILENT_LUFS else 0.0
        limiter = f"alimiter=limit={PEAK_CEILING}:level=false:latency=true"
        run_ffmpeg(
            *inputs, "-filter_complex", f"{graph},volume={gain_db:.3f}dB,{limiter}",
            *_AAC, "-f", "ipod", out,
        )  # fmt: skip
    return out


def _narration_track(
    timeline: Timeline, narration: dict[str, Path], work_dir: Path
) -> tuple[_Track | None, np.ndarray]:
    """The voices laid at their shots' narration starts, and which 20 ms frames hold speech."""
    placed = {shot: path for shot, path in narration.items() if shot in timeline.narration_starts_s}
    rate = _track_rate(placed.values())
    if rate is None:
        return None, np.zeros(0, dtype=bool)
    clips = []
    for shot, path in sorted(placed.items()):
        frames, source = _conformed(path, rate, 1, work_dir / f"voice-{shot}.wav")
        clips.append(_Clip(source, round(timeline.narration_starts_s[shot] * rate), frames))
    control = rate // _CONTROLS_PER_S
    voiced_floor = control * 10 ** (_VOICED_DBFS / 10)
    voiced: list[np.ndarray] = []
    speech_energy = 0.0

    def measure(block: np.ndarray, _: int) -> np.ndarray:
        nonlocal speech_energy
        squares = np.square(block[:, 0], dtype=np.float64)
        per_control = np.add.reduceat(squares, np.arange(0, squares.size, control))
        speaking = per_control > voiced_floor
        voiced.append(speaking)
        speech_energy += float(per_control[speaking].sum())
        return block

    total = round(timeline.duration_s * rate)
    path = work_dir / "voice.f32"
    _write_track(clips, 1, total, control * _BLOCK_CONTROLS, measure, path)
    speaking = np.concatenate(voiced)
    spoken_frames = int(speaking.sum()) * control
    mean_square = speech_energy / spoken_frames if spoken_frames else 0.0
    return _Track(path, rate, 1, mean_square), speaking


def _music_track(
    timeline: Timeline, music: dict[int, Path], work_dir: Path, ducking: np.ndarray
) -> _Track | None:
    """The scene beds, each from its scene's first shot, crossfading where they meet, ducked
    under the voice."""
    rate = _track_rate(music.values())
    if rate is None:
        return None
    total = round(timeline.duration_s * rate)
    fade = round(TRANSITION_S * rate)
    clips = []
    for scene, path in sorted(music.items()):
        shots = [s for s in timeline.shot_segments() if s.scene_index == scene]
        if not shots:
            continue
        frames, source = _conformed(path, rate, 2, work_dir / f"music-{scene}.wav")
        start = round(shots[0].start_frame / timeline.fps * rate)
        frames = min(frames, total - start)
        if frames > 0:
            clips.append(_Clip(source, start, frames, fade=min(fade, frames // 2)))
    control = rate // _CONTROLS_PER_S
    music_energy = 0.0

    def duck(block: np.ndarray, start: int) -> np.ndarray:
        nonlocal music_energy
        flat = block.ravel()
        music_energy += float(np.dot(flat, flat)) / 2
        if ducking.size == 0:
            return block
        position = np.arange(start, start + block.shape[0]) / control - 0.5
        gain = np.interp(position, np.arange(ducking.size), ducking).astype(np.float32)
        return block * gain[:, None]

    path = work_dir / "music.f32"
    _write_track(clips, 2, total, control * _BLOCK_CONTROLS, duck, path)
    heard = _covered_frames(clips)
    return _Track(path, rate, 2, music_energy / heard if heard else 0.0)


def _ducking_gain(voiced: np.ndarray) -> np.ndarray:
    """The music's gain per 20 ms frame: down by DUCK_DB around speech, ramped smoothly.
    Empty when nobody speaks."""
    if not voiced.any():
        return np.zeros(0, np.float32)
    lead, hold = round(_DUCK_LEAD_S / _CONTROL_S), round(_DUCK_HOLD_S / _CONTROL_S)
    ramp = round(_DUCK_RAMP_S / _CONTROL_S)
    # A frame is ducked when speech starts within `lead` frames after it or ended within
    # `hold` frames before it.
    reach = np.convolve(voiced.astype(np.float32), np.ones(lead + hold + 1))
    ducked = (reach[lead : lead + voiced.size] > 0.5).astype(np.float32)
    depth = np.convolve(ducked, np.ones(ramp) / ramp, mode="same")
    return (10 ** (-DUCK_DB * depth / 20)).astype(np.float32)


def _music_weight(voice: _Track | None, bed: _Track | None) -> float:
    """The music's gain in the mix, so that between lines it sits MUSIC_UNDER_VOICE_DB below
    the voice. Mean squares rather than loudness: close enough to balance two tracks, and
    the loudness of their sum is measured exactly afterwards."""
    if voice is None or bed is None or voice.mean_square <= 0 or bed.mean_square <= 0:
        return 1.0
    gap_db = 10 * np.log10(voice.mean_square / bed.mean_square) - MUSIC_UNDER_VOICE_DB
    return float(10 ** (min(gap_db, _MAX_MUSIC_BOOST_DB) / 20))


def _track_rate(paths: Collection[Path]) -> int | None:
    """The sample rate most clips already have (the others are converted to it); None when
    there are no clips."""
    if not paths:
        return None
    rates = Counter(info.sample_rate for path in paths if (info := wav_format(path)))
    usable = [rate for rate, _ in rates.most_common() if rate % _CONTROLS_PER_S == 0]
    return usable[0] if usable else SAMPLE_RATE


def _conformed(path: Path, rate: int, channels: int, converted: Path) -> tuple[int, Path]:
    """The clip's length in frames, and the clip as a 16-bit WAV of the track's rate and
    channels (converted by ffmpeg only when it is not one already)."""
    info = wav_format(path)
    if info is None or (info.sample_rate, info.channels) != (rate, channels):
        run_ffmpeg(
            "-i", path, "-ar", str(rate), "-ac", str(channels), "-c:a", "pcm_s16le", "-f", "wav",
            converted,
        )  # fmt: skip
        path, info = converted, wav_format(converted)
        if info is None:
            raise RuntimeError(f"ffmpeg wrote no 16-bit WAV to {converted}")
    return info.frames, path


def _covered_frames(clips: list[_Clip]) -> int:
    """How many frames of the track at least one clip covers."""
    covered, reached = 0, 0
    for clip in sorted(clips, key=lambda clip: clip.start):
        covered += max(0, clip.end - max(clip.start, reached))
        reached = max(reached, clip.end)
    return covered


def _write_track(
    clips: list[_Clip],
    channels: int,
    total: int,
    block_frames: int,
    shape: Callable[[np.ndarray, int], np.ndarray],
    path: Path,
) -> None:
    """Sum the clips into a raw float32 track of `total` frames, one block at a time; `shape`
    sees (and may change) each block, with its first frame's position, before it is written."""
    with path.open("wb") as file:
        for start in range(0, total, block_frames):
            frames = min(block_frames, total - start)
            block = np.zeros((frames, channels), np.float32)
            for clip in clips:
                begin, end = max(clip.start, start), min(clip.end, start + frames)
                if begin < end:
                    samples = clip.read(begin - clip.start, end - clip.start)
                    block[begin - start : begin - start + samples.shape[0]] += samples
            file.write(shape(block, start).astype("<f4", copy=False).tobytes())


def _mix_graph(
    voice: _Track | None, bed: _Track | None, total: int
) -> tuple[str, list[str | Path]]:
    """The ffmpeg inputs, and a filter graph summing both tracks at 48 kHz stereo, exactly
    `total` samples long; further filters can be appended to it with a comma."""
    music_weight = _music_weight(voice, bed)
    inputs: list[str | Path] = []
    chains: list[str] = []
    for track, weight in ((voice, 1.0), (bed, music_weight)):
        if track is None:
            continue
        inputs += ["-f", "f32le", "-ar", str(track.sample_rate), "-ac", str(track.channels)]
        inputs += ["-i", track.path]
        steps = [f"aresample={SAMPLE_RATE}"]
        if track.channels == 1:
            steps.append("pan=stereo|c0=c0|c1=c0")
        steps.append(f"volume={weight:.5f}")
        chains.append(f"[{len(chains)}:a]{','.join(steps)}[in{len(chains)}]")
    if not chains:
        inputs += ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
        chains.append("[0:a]anull[in0]")
    labels = "".join(f"[in{index}]" for index in range(len(chains)))
    summed = (
        f"{labels}amix=inputs={len(chains)}:normalize=0" if len(chains) > 1 else f"{labels}anull"
    )
    return ";".join([*chains, f"{summed},apad=whole_len={total},atrim=end_sample={total}"]), inputs


def _measure(graph: str, inputs: list[str | Path], report: Path) -> float:
    """Integrated loudness (LUFS) of the graph's output; -inf for silence."""
    meter = f"ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={_filter_path(report)}"
    run_ffmpeg(*inputs, "-filter_complex", f"{graph},{meter}", "-f", "null", "-")
    readings = re.findall(r"lavfi\.r128\.I=(\S+)", report.read_text())
    return float(readings[-1]) if readings else float("-inf")


def _filter_path(path: Path) -> str:
    """A file name escaped for an option inside an ffmpeg filter graph (two levels deep)."""
    option = re.sub(r"([\\':])", r"\\\1", str(path))
    return re.sub(r"([\\'\[\],;])", r"\\\1", option)
