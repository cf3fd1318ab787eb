"""System design: requirements, estimation, data model and APIs, components, deep dives, reliability, security.

Each criterion counts sentences with its cue language and, for bank questions, checks the answer against
the question's own design notes (requirements, entities, components, deep dives, failure modes, monitoring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simulator.contracts import Question
from simulator.scoring.analysis import Analysis
from simulator.scoring.coverage import point_scores
from simulator.scoring.levels import TOP, Signal, by_count, quotes
from simulator.scoring.signals import register

GAPS = {
    "requirements": "Start by pinning down functional and non-functional requirements and what is out of scope.",
    "estimation": "Estimate the load: requests per second, storage per year, peak versus average.",
    "data_model_apis": "Sketch the core entities, their keys, and the main API calls.",
    "high_level": "Lay out the components and how a request flows through them.",
    "deep_dive": "Go deep on the hardest part: the bottleneck, hot keys, consistency or ordering.",
    "reliability": "Say how it fails and how you would know: replication, retries, SLOs, alerts.",
    "security": "Cover authentication, authorisation, abuse limits and sensitive data.",
}
CUES = {
    "requirements": "design_requirements",
    "estimation": "design_estimation",
    "data_model_apis": "design_data_api",
    "high_level": "design_components",
    "deep_dive": "design_deep_dive",
    "reliability": "design_reliability",
    "security": "design_security",
}


def _notes(q: Question | None, criterion: str) -> Sequence[str]:
    if q is None or q.design is None:
        return ()
    d = q.design
    return {
        "requirements": d.functional_requirements,
        "data_model_apis": d.entities_apis,
        "high_level": d.components,
        "deep_dive": d.deep_dives,
        "reliability": [*d.failure_modes, *d.monitoring],
    }.get(criterion, ())


def design_signal(criterion: str) -> Callable[[Analysis, Question | None], Signal]:
    def signal(a: Analysis, q: Question | None) -> Signal:
        t = a.tuning.design
        sents = a.matching(CUES[criterion])
        count = a.hits(sents, CUES[criterion])
        if criterion == "estimation":  # figures count, not only sentences: a terse estimate packs several
            sents = [s for s in sents if s.quantities or any(ch.isdigit() for ch in s.lower)]
            count = len(sents) + len({x for s in sents for x in s.quantities}) // t.figures_per_point
        level = by_count(count, a.lex.ladder("design_cues"))
        notes = _notes(q, criterion)
        if notes and a.sentences:
            hit = [p for p in point_scores(a, notes, q.prompt if q else "") if p.covered]
            share = len(hit) / len(notes)
            covered = by_count(round(share * t.notes_steps), a.lex.ladder("design_notes"))
            level = max(level, covered) if share else level
            if share >= t.notes_bonus_share and sents:
                level += 1
        level = min(level, TOP)
        return Signal(level, quotes([s.sentence.text for s in sents]), a.tuning.gap(level, GAPS[criterion]))

    return signal


for _criterion, _cue in CUES.items():  # each design criterion's signal is named after its cue list
    register(design_signal(_criterion), _cue)
