"""The offline video backend: drawn storyboard plates filmed with camera moves."""

from shotgraph.pipeline.video.animatic.backend import AnimaticBackend, AnimaticFootage

__all__ = ["AnimaticBackend", "AnimaticFootage"]
