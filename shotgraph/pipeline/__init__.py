"""The story-to-film pipeline: the orchestrator, its stages, and their swappable backends."""
