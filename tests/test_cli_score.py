"""`mocksim score`: the exact CLI contracts other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the fake embedder; its index built once per run

Capture = pytest.CaptureFixture[str]
ANSWER = (
    "I would store an idempotency key per payment in PostgreSQL with a unique constraint, because two retries can "
    "race. A repeated key returns the stored response instead of charging again. Keys expire after 24 hours."
)


def run(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_by_question_id_json(capsys: Capture, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ANSWER)
    code, out, _ = run(
        capsys, "score", "--question-id", "tq-ops-exactly-once-payments", "--answer-file", str(f), "--format", "json"
    )
    assert code == 0
    card = json.loads(out)
    assert {"overall", "rubrics", "coverage", "flags"} <= set(card)
    assert card["intent"] == "explanation"
    assert set(card["rubrics"]) == {"explanation", "specificity", "tradeoffs", "coverage"}
    crit = card["rubrics"]["tradeoffs"]["criteria"]["justification"]
    assert {"level", "evidence", "feedback"} <= set(crit)


def test_score_free_text_with_reference_text_report(capsys: Capture, tmp_path: Path) -> None:
    a, r = tmp_path / "a.txt", tmp_path / "r.txt"
    a.write_text(ANSWER)
    r.write_text("Use an idempotency key stored with the response; return it on retries.")
    code, out, _ = run(
        capsys,
        "score",
        "--question-text",
        "How do you make payments safe to retry?",
        "--reference-file",
        str(r),
        "--round",
        "technical",
        "--answer-file",
        str(a),
    )
    assert code == 0 and "Overall" in out and "coverage" in out and "“" in out


def test_score_batch_keeps_order_and_reports_bad_lines(capsys: Capture, tmp_path: Path) -> None:
    lines = [
        {"id": "a", "question": "tq-ops-exactly-once-payments", "answer": ANSWER},
        {
            "id": "b",
            "question": "Why are hash maps fast?",
            "answer": "Hashing picks a bucket.",
            "round": "technical",
            "reference": "Hashing gives O(1) average lookups.",
        },
        "not json {",
        {"id": "d", "question": "Tell me about a time you fixed an outage.", "answer": "I rolled back the deploy."},
        {"id": "e", "question": "", "answer": "x"},
    ]
    f = tmp_path / "b.jsonl"
    f.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    code, out, err = run(capsys, "score", "--batch", str(f))
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "3", "d", "5"]
    assert set(rows[0]) == {"id", "overall", "rubrics", "coverage", "flags"}
    assert rows[1]["coverage"] is not None and "star" in rows[3]["rubrics"]
    assert "error" in rows[2] and "not valid JSON" in rows[2]["error"]
    assert code == 2 and "could not be scored" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "--answer-file", "x"], "exactly one of --question-id or --question-text"),
        (["score", "--question-id", "tq-ops-exactly-once-payments"], "--answer-file is required"),
        (["score", "--question-id", "nope-nope", "--answer-file", "ANSWER"], "no question with id"),
        (["score", "--question-text", "Q?", "--answer-file", "/no/such/file"], "not found"),
        (["score", "--question-text", "Q?", "--round", "lunch", "--answer-file", "ANSWER"], "unknown round"),
    ],
)
def test_score_bad_input(capsys: Capture, tmp_path: Path, args: list[str], message: str) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ANSWER)
    code, _, err = run(capsys, *[str(f) if a == "ANSWER" else a for a in args])
    assert code == 2 and message in err and "Traceback" not in err
