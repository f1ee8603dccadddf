"""The final MP4: the encoded picture, the mixed sound and a soft subtitle track in one file.

Nothing is re-encoded here: H.264 and AAC are copied, the SRT becomes a `mov_text` track (the
subtitle format MP4 players read), and `+faststart` moves the index to the front so a chat
client can start playing before the download ends. Burned-in subtitles are drawn while the
picture is encoded (see `composition.video.encode_film`), not here.
"""

from __future__ import annotations

from pathlib import Path

from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg

# MP4 tags a track's language with an ISO 639-2 code; stories arrive tagged with ISO 639-1.
_ISO_639_2 = {
    "ar": "ara", "bg": "bul", "bn": "ben", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan",
    "de": "deu", "el": "ell", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus",
    "fa": "fas", "fi": "fin", "fr": "fra", "ga": "gle", "gl": "glg", "he": "heb", "hi": "hin",
    "hr": "hrv", "hu": "hun", "hy": "hye", "id": "ind", "is": "isl", "it": "ita", "ja": "jpn",
    "ka": "kat", "ko": "kor", "la": "lat", "lt": "lit", "lv": "lav", "mk": "mkd", "ms": "msa",
    "nb": "nob", "nl": "nld", "nn": "nno", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron",
    "ru": "rus", "sk": "slk", "sl": "slv", "sq": "sqi", "sr": "srp", "sv": "swe", "sw": "swa",
    "ta": "tam", "th": "tha", "tr": "tur", "uk": "ukr", "ur": "urd", "vi": "vie", "zh": "zho",
}  # fmt: skip
_UNDETERMINED = "und"


def mp4_language(language: str) -> str:
    """The ISO 639-2 code MP4 wants for a language tag such as `en` or `pt-BR`."""
    primary = language.split("-")[0].lower()
    if len(primary) == 3 and primary.isalpha():
        return primary
    return _ISO_639_2.get(primary, _UNDETERMINED)


def mux(
    video: Path,
    audio: Path | None,
    subtitles: Path | None,
    out: Path,
    language: str,
    title: str | None = None,
) -> None:
    """Join the video-only MP4, an AAC audio file and an SRT into `out`.

    Upstream makes the sound as long as the picture, so nothing is cut to the shortest stream.
    """
    inputs: list[str | Path] = ["-i", video]
    maps: list[str] = ["-map", "0:v:0"]
    codecs: list[str] = ["-c:v", "copy"]
    tag = mp4_language(language)
    if audio is not None:
        inputs += ["-i", audio]
        maps += ["-map", f"{len(maps) // 2}:a:0"]
        codecs += ["-c:a", "copy", "-metadata:s:a:0", f"language={tag}"]
    if subtitles is not None:
        inputs += ["-i", subtitles]
        maps += ["-map", f"{len(maps) // 2}:s:0"]
        codecs += ["-c:s", "mov_text", "-metadata:s:s:0", f"language={tag}"]
    metadata = ["-metadata", f"title={title}"] if title else []
    run_ffmpeg(*inputs, *maps, *codecs, *metadata, "-movflags", "+faststart", "-f", "mp4", out)
