"""The offline planner: a story planned into scenes and shots by rules, with no language model."""

from shotgraph.pipeline.planning.rules.planner import RulesPlanner

__all__ = ["RulesPlanner"]
