"""The one place that turns settings into backend objects.

Backends are built once per process (a worker keeps its models warm across jobs) and handed to
the orchestrator. Imports are local so that an offline machine never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass

from shotgraph.config import BackendChoice, Settings, resolve_backends
from shotgraph.pipeline.moderation.protocol import Moderator
from shotgraph.pipeline.music.protocol import MusicBackend
from shotgraph.pipeline.planning.protocol import Planner
from shotgraph.pipeline.speech.protocol import Narrator
from shotgraph.pipeline.video.protocol import VideoBackend
from shotgraph.pipeline.video.references import ReferenceMaker


@dataclass
class Backends:
    """What each stage runs on; None where the settings turned a stage off."""

    choice: BackendChoice
    planner: Planner
    video: VideoBackend
    narrator: Narrator | None
    music: MusicBackend | None
    moderator: Moderator | None
    references: ReferenceMaker

    def load_models(self) -> None:
        """Load every model the backends use (a worker does this once, at start)."""
        self.video.load_models()
        if self.music is not None:
            self.music.load_models()

    def names(self) -> dict[str, str]:
        return {
            "planner": self.planner.name,
            "video": self.video.name,
            "narration": self.narrator.name if self.narrator else "none",
            "music": self.music.name if self.music else "none",
            "safety": self.moderator.name if self.moderator else "none",
        }


def build_backends(settings: Settings) -> Backends:
    choice = resolve_backends(settings)
    return Backends(
        choice=choice,
        planner=_planner(settings, choice),
        video=_video(settings, choice),
        narrator=_narrator(settings, choice),
        music=_music(settings, choice),
        moderator=_moderator(settings, choice),
        references=_references(settings, choice),
    )


def build_moderator(settings: Settings) -> Moderator | None:
    """Only the moderator, for front ends that check a person's edit before accepting it."""
    return _moderator(settings, resolve_backends(settings))


def _planner(settings: Settings, choice: BackendChoice) -> Planner:
    if choice.llm_provider == "none":
        from shotgraph.pipeline.planning.rules import RulesPlanner

        return RulesPlanner()
    from shotgraph.pipeline.llm.calls import ModelCaller
    from shotgraph.pipeline.planning.llm import LlmPlanner

    return LlmPlanner.from_settings(
        settings, ModelCaller.from_settings(settings, choice.llm_provider)
    )


def _video(settings: Settings, choice: BackendChoice) -> VideoBackend:
    if choice.video == "diffusion":
        from shotgraph.pipeline.gpu.weights import PRESET_MODEL

        if settings.video_model == PRESET_MODEL:
            from shotgraph.pipeline.video.diffusion.reference_video import ReferenceVideoBackend

            return ReferenceVideoBackend(settings)
        from shotgraph.pipeline.video.diffusion.backend import DiffusionBackend

        return DiffusionBackend(settings)
    from shotgraph.pipeline.video.animatic import AnimaticBackend

    return AnimaticBackend()


def _references(settings: Settings, choice: BackendChoice) -> ReferenceMaker:
    from shotgraph.pipeline.gpu.weights import PRESET_MODEL

    # The older diffusion paths (SVD, LTX text-to-video) take no references: offline sheets
    # still show the cast on the storyboard.
    if choice.video == "diffusion" and settings.video_model == PRESET_MODEL:
        from shotgraph.pipeline.video.diffusion.reference_video import reference_maker

        return reference_maker(settings)
    from shotgraph.pipeline.video.animatic.references import AnimaticReferenceMaker

    return AnimaticReferenceMaker()


def _narrator(settings: Settings, choice: BackendChoice) -> Narrator | None:
    if choice.tts == "none":
        return None
    from shotgraph.pipeline.speech.espeak import EspeakNarrator

    offline = EspeakNarrator(settings)
    if choice.tts == "espeak":
        return offline
    from shotgraph.pipeline.speech.edge import EdgeNarrator
    from shotgraph.pipeline.speech.fallback import FallbackNarrator

    return FallbackNarrator(EdgeNarrator(settings), offline, settings)


def _music(settings: Settings, choice: BackendChoice) -> MusicBackend | None:
    if choice.music == "none":
        return None
    if choice.music == "musicgen":
        from shotgraph.pipeline.music.musicgen import MusicgenMusic

        return MusicgenMusic(settings)
    from shotgraph.pipeline.music.synth import SynthMusic

    return SynthMusic()


def _moderator(settings: Settings, choice: BackendChoice) -> Moderator | None:
    if choice.safety == "none":
        return None
    if choice.safety == "llm":
        from shotgraph.pipeline.llm.calls import ModelCaller
        from shotgraph.pipeline.moderation.llm import LlmModerator

        return LlmModerator.from_settings(
            settings, ModelCaller.from_settings(settings, choice.llm_provider)
        )
    from shotgraph.pipeline.moderation.rules import RulesModerator

    return RulesModerator()
