"""The LLM planner: Steps A, B and C by language models, routed per step."""

from shotgraph.pipeline.planning.llm.planner import LlmPlanner

__all__ = ["LlmPlanner"]
