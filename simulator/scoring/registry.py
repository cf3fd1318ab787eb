"""Signal names (as written in rubrics/*.yaml) mapped to the functions that compute them."""

from __future__ import annotations

from collections.abc import Callable

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.levels import Signal
from simulator.scoring.signals import approach, coding, design, explanation, motivation, specificity, star, tradeoffs
from simulator.scoring.signals.coverage_signals import depth, key_points

SignalFn = Callable[[Analysis, Question | None], Signal]


def _plain(fn: Callable[[Analysis], Signal]) -> SignalFn:
    def wrapped(a: Analysis, q: Question | None) -> Signal:
        return fn(a)

    wrapped.__name__ = fn.__name__
    return wrapped


SIGNALS: dict[str, SignalFn] = {
    "role_situation": _plain(star.situation),
    "role_task": _plain(star.task),
    "role_action": _plain(star.action),
    "role_result": _plain(star.result),
    "result_learning": _plain(star.result),
    "role_balance": _plain(star.balance),
    "numbers_with_units": _plain(specificity.quantified),
    "before_after": _plain(specificity.quantified),
    "tech_terms": _plain(specificity.named_specifics),
    "first_person_actions": _plain(specificity.ownership),
    "vague_claims": _plain(specificity.concreteness),
    "alternatives_named": _plain(tradeoffs.alternatives),
    "costs_risks": _plain(tradeoffs.costs),
    "requirement_links": _plain(tradeoffs.justification),
    "failure_handling": _plain(tradeoffs.failure_modes),
    "design_requirements": design.design_signal("requirements"),
    "design_estimation": design.design_signal("estimation"),
    "design_data_api": design.design_signal("data_model_apis"),
    "design_components": design.design_signal("high_level"),
    "design_deep_dive": design.design_signal("deep_dive"),
    "design_reliability": design.design_signal("reliability"),
    "design_security": design.design_signal("security"),
    "code_clarify": coding.clarify,
    "code_brute_then_optimal": coding.approaches,
    "code_complexity": coding.complexity,
    "code_edge_cases": coding.edge_cases,
    "code_testing": coding.testing,
    "code_narration": coding.narration,
    "key_point_coverage": key_points,
    "key_point_depth": depth,
    "stance_reasons": _plain(motivation.position),
    "domain_knowledge": _plain(motivation.knows_domain),
    "own_experience": _plain(motivation.ties_experience),
    "concrete_not_generic": _plain(motivation.concrete),
    "diagnose_first": _plain(approach.diagnose),
    "ordered_plan": _plain(approach.plan),
    "communication": _plain(approach.communication),
    "prevention": _plain(approach.prevention),
    "mechanism": _plain(explanation.mechanism),
    "example": _plain(explanation.example),
    "when_to_use": _plain(explanation.when_to_use),
}
