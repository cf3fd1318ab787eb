"""The wire shape of every event (`mocksim practice --format jsonl`): keys, their order, which ones are left out
when absent, and that a line read back as a typed event writes out as the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest

from simulator.cli import main
from simulator.interviewer.events import (
    EVENT,
    ActionEvent,
    AnyEvent,
    Clarified,
    CriterionView,
    FollowUp,
    Highlight,
    HintGiven,
    InterviewerEvent,
    Notice,
    PhaseEvent,
    PhaseWalk,
    ProbeAttempt,
    QuestionAsked,
    RubricView,
    Scored,
    SessionStarted,
    Shape,
    StartupCheck,
    UsageReport,
    WrapUp,
    wire,
)

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the fake embedder; its index built once per run

CRITERION = CriterionView(level=3, evidence=[], feedback="")
RUBRICS = {"tradeoffs": RubricView(score=3.5, criteria={"alternatives": CRITERION})}
HIGH = Highlight(criterion="a.b", name="B", mean_level=3.0, question_id="q1", quotes=["x"], feedback="f")
USAGE = UsageReport(model_requests=0, prompt_tokens=0, completion_tokens=0, encoding="cl100k_base")
TRIED = [ProbeAttempt(mode="tools", outcome="ok", detail="0.2 s")]
CHECK = StartupCheck(ok=True, mode="tools", tried=TRIED, seconds=0.2, error=None)
SESSION = {"id": "s1", "resumed": False, "backend": "offline", "model": None, "structured_output": None}
CARD = {"question_id": "q1", "turn": 0, "overall": 50, "rubrics": RUBRICS, "coverage": 0.5, "flags": []}
FULL = {"answered": 1, "overall_mean": 50.0, "rubric_averages": {"a": 3.0}, "strongest": HIGH, "weakest": HIGH}
EMPTY = {"answered": 0, "message": "none", "overall_mean": None, "rubric_averages": {}, "strongest": None}
AFTER = {"phases": {}, "usage": USAGE, "scored_by": {}}

# (event, its keys on the wire in order) as the stream has always carried them
SHAPES: list[tuple[Shape, str]] = [
    (
        SessionStarted(**SESSION, rounds=["technical"], minutes=45, questions=["q1"]),
        "type id resumed backend model structured_output rounds minutes questions",
    ),
    (
        SessionStarted(**SESSION, rounds=[], minutes=5, questions=[], requested_backend="openai", startup_check=CHECK),
        "type id resumed backend model structured_output rounds minutes questions requested_backend startup_check",
    ),
    (CHECK, "ok mode tried seconds error"),
    (CHECK.model_copy(update={"ok": False, "message": "unreachable"}), "ok mode tried seconds error message"),
    (TRIED[0], "mode outcome detail"),
    (QuestionAsked(id="q1", round="technical", text="?", index=0, of=2), "type id round text index of"),
    (FollowUp(text="?", target=None, question_id="q1", kind="probe"), "type text target question_id kind phase"),
    (Clarified(text="yes", topic=None, question_id="q1"), "type text topic question_id"),
    (HintGiven(text="think", question_id="q1"), "type text question_id"),
    (Notice(text="empty"), "type text"),
    (Notice(text="again", duplicate=True), "type text duplicate"),
    (ActionEvent(command="hint", text="asked for a hint"), "type command text"),
    (InterviewerEvent(kind="closing", text="bye"), "type kind text"),
    (InterviewerEvent(kind="acknowledgement", text="ok", question_id="q1"), "type kind text question_id"),
    (
        PhaseEvent(question_id="q1", phase="p", name="P", index=0, of=3, reached=[], text="t"),
        "type question_id phase name index of reached text",
    ),
    (
        Scored(**CARD, missing_points=[], notices=[], backend="offline"),
        "type question_id turn overall rubrics coverage flags missing_points notices backend fallback "
        "fallback_reason fallback_notice",
    ),
    (
        Scored(**CARD, missing_points=[], notices=[], backend="offline", phases_reached=[]),
        "type question_id turn overall rubrics coverage flags missing_points notices backend fallback "
        "fallback_reason fallback_notice phases_reached",
    ),
    (RUBRICS["tradeoffs"], "score criteria"),
    (CRITERION, "level evidence feedback"),
    (
        WrapUp(session_id="s1", **FULL, drills=[], drills_in_words=[], next_focus="a.b", **AFTER),
        "type session_id answered overall_mean rubric_averages strongest weakest drills drills_in_words "
        "next_focus phases usage scored_by",
    ),
    (
        WrapUp(session_id="s1", **EMPTY, weakest=None, drills=[], next_focus=None, **AFTER),
        "type session_id answered message rubric_averages strongest weakest drills next_focus overall_mean "
        "phases usage scored_by",
    ),
    (HIGH, "criterion name mean_level question_id quotes feedback"),
    (PhaseWalk(round="system_design", reached=[], of=["A"], missed=["A"]), "round reached of missed"),
    (
        USAGE,
        "model_requests prompt_tokens completion_tokens median_prompt_tokens_per_turn estimated_cost_usd encoding",
    ),
    (
        USAGE.model_copy(update={"model_retries": 0, "tokens_estimated": False}),
        "model_requests prompt_tokens completion_tokens median_prompt_tokens_per_turn estimated_cost_usd encoding "
        "model_retries tokens_estimated",
    ),
]


@pytest.mark.parametrize(("event", "keys"), SHAPES, ids=lambda x: type(x).__name__ if isinstance(x, Shape) else "")
def test_each_event_keeps_its_keys_in_order_on_the_wire(event: Shape, keys: str) -> None:
    assert list(wire(event)) == keys.split()


def test_every_event_type_is_pinned() -> None:
    pinned = {e.type for e, _ in SHAPES if hasattr(e, "type")}  # type: ignore[attr-defined]
    assert pinned == {m.model_fields["type"].default for m in get_args(AnyEvent)}


def test_a_line_read_back_writes_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every line a scripted session prints is one pinned shape, and its typed event dumps to the same line."""
    f = tmp_path / "answers.txt"
    f.write_text(
        "Can I assume a single region?\n---\nI would use Redis as a cache in front of PostgreSQL.\n---\n/hint\n"
        "---\nThe tradeoff is staleness because of TTLs.\n---\n/repeat\n---\n/skip\n"
    )
    args = ["practice", "--round", "technical", "--questions", "2", "--answers-file", str(f), "--format", "jsonl"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    shapes = {(e.type, tuple(k.split())) for e, k in SHAPES if hasattr(e, "type")}  # type: ignore[attr-defined]
    for line in lines:
        raw = json.loads(line)
        assert (raw["type"], tuple(raw)) in shapes, line
        event = EVENT.validate_python(raw)
        assert json.dumps(wire(event), ensure_ascii=False) == line
    assert {json.loads(x)["type"] for x in lines} >= {"session", "question", "clarification", "hint", "scorecard"}


def test_unknown_keys_and_types_are_refused() -> None:
    with pytest.raises(ValueError, match="extra"):
        EVENT.validate_python({"type": "hint", "text": "t", "question_id": None, "colour": "red"})
    with pytest.raises(ValueError, match="does not match any of the expected tags"):
        EVENT.validate_python({"type": "telemetry"})
