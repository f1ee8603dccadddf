"""Cost tracking: a price table per model, and the per-job CostReport filled call by call.

The defaults are plausible list prices for the default models on Together's serverless API,
in dollars per million tokens; they go stale, so check them against the provider's price page
and override or extend them with LLM_PRICES.
"""

from __future__ import annotations

import logging

from shotgraph.config import ModelPrice, Settings
from shotgraph.models import CostLine, CostReport, LlmAttempt
from shotgraph.pipeline.llm.client import Usage

log = logging.getLogger(__name__)

DEFAULT_PRICES: dict[str, ModelPrice] = {
    "google/gemma-3n-E4B-it": ModelPrice(input_per_m=0.02, output_per_m=0.04),
    "meta-llama/Llama-3.2-3B-Instruct-Turbo": ModelPrice(input_per_m=0.06, output_per_m=0.06),
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo": ModelPrice(input_per_m=0.18, output_per_m=0.18),
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": ModelPrice(input_per_m=0.18, output_per_m=0.59),
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8": ModelPrice(
        input_per_m=0.27, output_per_m=0.85
    ),
    "meta-llama/Llama-3.3-70B-Instruct-Turbo": ModelPrice(input_per_m=0.88, output_per_m=0.88),
    "meta-llama/Llama-Guard-4-12B": ModelPrice(input_per_m=0.20, output_per_m=0.20),
    "mistralai/Mistral-7B-Instruct-v0.3": ModelPrice(input_per_m=0.20, output_per_m=0.20),
}


class PriceTable:
    """Prices by model name; a model it does not know is counted at $0, marked unpriced on its
    cost line (so chat says "unknown", not "$0"), and logged once."""

    def __init__(self, overrides: dict[str, ModelPrice] | None = None) -> None:
        self.prices = {**DEFAULT_PRICES, **(overrides or {})}
        self._unpriced: set[str] = set()

    @classmethod
    def from_settings(cls, settings: Settings) -> PriceTable:
        return cls(settings.llm_prices)

    def dollars(self, model: str, usage: Usage) -> float:
        price = self.prices.get(model)
        if price is None:
            if model not in self._unpriced:
                self._unpriced.add(model)
                log.warning("no price for model %s; set LLM_PRICES to count its cost", model)
            return 0.0
        return (
            usage.input_tokens * price.input_per_m + usage.output_tokens * price.output_per_m
        ) / 1e6

    def record_call(self, report: CostReport, stage: str, model: str, usage: Usage) -> None:
        self.record_tokens(report, stage, model, usage)
        _line(report, stage, model).calls += 1
        report.attempts.append(LlmAttempt(stage=stage, model=model, outcome="ok"))

    def record_tokens(self, report: CostReport, stage: str, model: str, usage: Usage) -> None:
        """Tokens billed, whether or not the answer was usable (a cut one is billed too)."""
        line = _line(report, stage, model)
        line.input_tokens += usage.input_tokens
        line.output_tokens += usage.output_tokens
        line.dollars += self.dollars(model, usage)
        line.priced = line.priced and model in self.prices


def spell_cost(report: CostReport) -> str:
    """The LLM cost as chat shows it: never "$0.0000" for a model with no known price."""
    if not report.lines:
        return "none"
    unpriced = sorted({line.model for line in report.lines if not line.priced})
    if not unpriced:
        return f"${report.total_dollars:.4f}"
    unknown = f"unknown (no price for {', '.join(unpriced)})"
    if all(not line.priced for line in report.lines):
        return unknown
    return f"${report.total_dollars:.4f} + {unknown}"


def record_failure(report: CostReport, stage: str, model: str, outcome: str, detail: str) -> None:
    """A failed request: counted as a retry of its stage and model, and listed as an attempt."""
    _line(report, stage, model).retries += 1
    record_step(report, stage, model, outcome, detail)


def record_step(report: CostReport, stage: str, model: str, outcome: str, detail: str = "") -> None:
    """A step in reading an answer (a repair, a retry of the step), which costs no request."""
    report.attempts.append(LlmAttempt(stage=stage, model=model, outcome=outcome, detail=detail))


def _line(report: CostReport, stage: str, model: str) -> CostLine:
    for line in report.lines:
        if line.stage == stage and line.model == model:
            return line
    line = CostLine(stage=stage, model=model)
    report.lines.append(line)
    return line
