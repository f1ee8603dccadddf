"""The cost said in chat: dollars for priced models, "unknown" (never "$0.0000") for the rest."""

from shotgraph.config import ModelPrice
from shotgraph.models import CostReport
from shotgraph.pipeline.llm.client import Usage
from shotgraph.pipeline.llm.cost import PriceTable, spell_cost

USAGE = Usage(input_tokens=1_000_000, output_tokens=0)


def test_a_priced_model_is_said_in_dollars() -> None:
    report = CostReport()
    PriceTable({"cheap": ModelPrice(input_per_m=0.5, output_per_m=1.0)}).record_call(
        report, "shots", "cheap", USAGE
    )

    assert spell_cost(report) == "$0.5000"


def test_a_model_without_a_price_makes_the_cost_unknown() -> None:
    report = CostReport()
    PriceTable().record_call(report, "shots", "house-model", USAGE)

    assert spell_cost(report) == "unknown (no price for house-model)"
    assert not report.lines[0].priced


def test_a_mix_says_the_known_part_and_what_is_unknown() -> None:
    report = CostReport()
    prices = PriceTable({"cheap": ModelPrice(input_per_m=0.5, output_per_m=1.0)})
    prices.record_call(report, "scenes", "cheap", USAGE)
    prices.record_call(report, "shots", "house-model", USAGE)

    assert spell_cost(report) == "$0.5000 + unknown (no price for house-model)"


def test_no_llm_call_costs_none() -> None:
    assert spell_cost(CostReport()) == "none"
