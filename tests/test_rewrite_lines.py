"""Rewrites from notes (and answers) jotted one item per line, with or without bullets and full stops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.rewriting import Rewriter
from simulator.rewriting.lines import items
from simulator.rewriting.plan import QUESTIONS, Plan
from simulator.rewriting.words import load_rewrite_words
from simulator.runtime import Runtime

pytestmark = pytest.mark.slow
RUBRICS = Path(__file__).resolve().parents[1] / "rubrics"
# The example from issue 18's user trial: a nightly billing export story, notes one fact a line, no full stops.
EXPORT = (
    "So our nightly billing export kept timing out. I was on call that month and it was kind of on me to sort it. "
    "I looked at it and changed how we paged through invoices. Things were better after that and finance stopped "
    "complaining."
)
EXPORT_NOTES = """export ran 3h40m, hit the 4h job limit twice a week
switched to keyset pagination on (created_at, id), added a covering index
run time down to 22 minutes
no missed exports in the 5 months since
learned to check the query plan before touching the job scheduler"""
RESULT_ASKS = (QUESTIONS["result"], QUESTIONS["result_figure"])


def _texts(text: str) -> list[str]:
    return [i.text for i in items(text, load_rewrite_words(RUBRICS))]


def _role(plan: Plan, fragment: str) -> str:
    hits = [u.role for u in plan.units if fragment in u.text]
    assert len(hits) == 1, f"{fragment!r} should be told once: {[u.text for u in plan.units]}"
    return hits[0]


def test_each_jotted_line_is_an_item_whatever_its_bullet() -> None:
    assert _texts("- run time down to 22 minutes\n* no missed exports since\n• 3 alerts\n2) added an index") == [
        "run time down to 22 minutes",
        "no missed exports since",
        "3 alerts",
        "added an index",
    ]
    assert _texts("1. switched to keyset pagination and\n   added a covering index\n2. run time down,\nto 22 min") == [
        "switched to keyset pagination and added a covering index",
        "run time down, to 22 min",
    ], "a line that ends mid-sentence carries on"
    wrapped = "Our export kept timing out. I was on call that month and it\nwas on me to sort it. I changed the paging."
    assert _texts(wrapped) == [wrapped], "prose broken at a fixed width stays one block"
    assert _texts("one line, no break") == ["one line, no break"]


def test_part_labels_and_headings_name_the_part_and_leave_the_text() -> None:
    w = load_rewrite_words(RUBRICS)
    notes = "Context:\n- 23 live keys in git history\n\nThings I tried:\n- a regex scanner\nResult: review passed\nok"
    got = [(i.text, i.part) for i in items(notes, w)]
    assert got == [
        ("23 live keys in git history", "situation"),
        ("a regex scanner", None),
        ("review passed", "result"),
        ("ok", None),
    ]


def test_jotted_notes_go_to_their_parts(minilm_runtime: Runtime) -> None:
    plan = Rewriter(minilm_runtime).planner.plan(EXPORT, EXPORT_NOTES)
    assert _role(plan, "3h40m") == "situation"
    assert _role(plan, "keyset pagination") == "action"
    assert _role(plan, "22 minutes") == "result", "'X down to N' is an outcome"
    assert _role(plan, "5 months since") == "result", "'no more Y since' is an outcome"
    assert _role(plan, "query plan") == "learning"
    assert _role(plan, "changed how we paged") == "action", "the candidate changed how something works: a step"
    assert not set(RESULT_ASKS) & set(plan.placeholders), "the notes answer the result question"
    assert "I switched to keyset pagination" in " ".join(u.text for u in plan.units), "a jotted step is told as I"
    bulleted = "\n".join(f"- {line}" for line in EXPORT_NOTES.splitlines())
    same = Rewriter(minilm_runtime).planner.plan(EXPORT, bulleted)
    assert [(u.role, u.text) for u in same.units] == [(u.role, u.text) for u in plan.units], "bullets change nothing"


def test_a_change_of_habit_is_a_lesson_and_a_change_to_a_system_a_step(minilm_runtime: Runtime) -> None:
    rt = minilm_runtime
    notes = "that outage changed how we review migrations\nchanged how the jobs paged through invoices"
    plan = Rewriter(rt).planner.plan("Our export kept timing out. I fixed it.", notes)
    assert _role(plan, "review migrations") == "learning"
    assert _role(plan, "jobs paged") == "action"
    late = "A project ran late. I realised my estimates were off and I changed how I planned."
    own = Rewriter(rt).planner.plan(late, "")
    assert _role(own, "changed how I planned") == "learning", "the candidate changed their own way"


def test_jotted_notes_answer_the_result_question_in_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    answer, notes = tmp_path / "answer.txt", tmp_path / "notes.txt"
    for path, text in ((answer, EXPORT), (notes, EXPORT_NOTES + "\n")):
        path.write_text(text, encoding="utf-8")
    args = ["rewrite", "--question-text", "Tell me about a time you fixed a slow job", "--answer-file", str(answer)]
    assert main([*args, "--format", "json"]) == 0
    bare = json.loads(capsys.readouterr().out)
    assert set(RESULT_ASKS) & set(bare["placeholders"]), "without notes the result is asked"
    assert main([*args, "--notes-file", str(notes), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"rewrite", "before", "after", "placeholders", "unsupported_facts"} <= set(out)
    assert not set(RESULT_ASKS) & set(out["placeholders"])
    results = [s["text"] for s in out["segments"] if s["role"] == "result"]
    assert any("22 minutes" in r and "5 months" not in r for r in results), "two sentences, not one"
    assert any("5 months since" in r for r in results) and "\n" not in out["rewrite"]
    assert out["unsupported_facts"] == []


def test_present_tense_jotting_in_a_second_language(minilm_runtime: Runtime) -> None:
    notes = (
        "report finish at 10:30 but sales team need it 8:00\nmy responsibility: the report job\n"
        "change it to incremental load, only new rows\nalso add partition by day on the orders table\n"
        "job finish now at 6:15, 45 minutes instead of 5 hours"
    )
    plan = Rewriter(minilm_runtime).planner.plan("We have problem with the nightly report. Now is ok.", notes)
    assert _role(plan, "10:30") in ("situation", "task"), "a time set against a need is no outcome"
    assert _role(plan, "My responsibility was the report job") == "task"
    assert _role(plan, "I change it to incremental load") == "action", "their tense kept, the subject supplied"
    assert _role(plan, "I also add partition") == "action"
    assert _role(plan, "6:15") == "result"


def test_what_they_would_do_differently_is_the_lesson_even_with_a_figure(minilm_runtime: Runtime) -> None:
    notes = "nobody owned it, I picked it up in my 20% time\nwould write the rollback rules earlier, got 2 wrong first"
    plan = Rewriter(minilm_runtime).planner.plan("The deploys were a pain. We made them better.", notes)
    assert _role(plan, "I would write the rollback rules earlier") == "learning"
    assert _role(plan, "picked it up") == "task" and "task" not in plan.missing
