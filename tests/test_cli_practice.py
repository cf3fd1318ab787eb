"""`mocksim practice --answers-file F --format jsonl`: the exact event contract."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from simulator.cli import main

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the fake embedder; its index built once per run


def test_scripted_session_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "answers.txt"
    f.write_text(
        "Can I assume a single region?\n---\nI would use Redis as a cache in front of PostgreSQL.\n"
        "---\n/hint\n---\nThe tradeoff is staleness because of TTLs.\n---\n/skip\n"
    )
    code = main(["practice", "--round", "technical", "--questions", "2", "--answers-file", str(f), "--format", "jsonl"])
    out = capsys.readouterr().out
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    types = [e["type"] for e in events]
    assert types[0] == "session" and types[1] == "question" and types[-1] == "summary"
    assert "clarification" in types and "hint" in types and "scorecard" in types
    card = next(e for e in events if e["type"] == "scorecard")
    assert {"overall", "rubrics", "coverage", "flags"} <= set(card)
    fu = [e for e in events if e["type"] == "follow_up"]
    assert all({"text", "target"} <= set(e) for e in fu)
    sid = events[0]["id"]
    code = main(["sessions", "show", sid])
    shown = capsys.readouterr().out
    assert code == 0 and "I would use Redis" in shown
    assert main(["sessions", "export", sid, "--format", "json", "--output", str(tmp_path / "s.json")]) == 0
    assert main(["sessions", "list", "--format", "jsonl"]) == 0
    listed = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert listed[0]["id"] == sid and listed[0]["status"] == "finished"
    assert main(["sessions", "import", str(tmp_path / "s.json")]) == 0
    assert main(["sessions", "delete", sid, "--yes"]) == 0
    assert main(["progress", "--format", "json"]) == 0
    prog = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert prog["sessions"] == 1 and prog["weakest"]


def test_resume_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = tmp_path / "one.txt"
    one.write_text("I would add an index.\n")
    assert (
        main(
            [
                "practice",
                "--round",
                "technical",
                "--questions",
                "1",
                "--minutes",
                "5",
                "--answers-file",
                str(one),
                "--format",
                "jsonl",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["practice", "--resume", "nope", "--answers-file", str(one)]) == 2
    assert "no session 'nope'" in capsys.readouterr().err
    assert main(["practice", "--round", "lunch"]) == 2
    assert main(["practice", "--answers-file", str(tmp_path / "missing.txt")]) == 2
    assert main(["practice", "--backend", "claude", "--answers-file", str(one)]) == 2


def test_an_interactive_round_in_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = (
        "I would put a composite index on (user_id, created_at)\n"
        "and page with a cursor, because offsets get slower the deeper you go.\n"
        "\n"
        "/skip\n"
        "/end\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["practice", "--round", "technical", "--questions", "3"]) == 0
    out = capsys.readouterr().out
    assert "Started session" in out and "Question 1/3 [technical]" in out
    assert "Score " in out and "/100" in out, "the two typed lines were sent as one answer and scored"
    assert "Question 2/3" in out or "Follow-up:" in out
    assert "Session " in out and "complete: 1 questions" in out and "drills:" in out


def test_a_terminal_session_left_early_says_how_to_resume(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I would cache the hot keys in Redis with a short TTL.\n"))
    assert main(["practice", "--round", "technical", "--questions", "2"]) == 0
    captured = capsys.readouterr()
    sid = json.loads(main_json(["sessions", "list", "--format", "jsonl"], capsys))["id"]
    assert f"mocksim practice --resume {sid}" in captured.err
    monkeypatch.setattr("sys.stdin", io.StringIO("/end\n"))
    assert main(["practice", "--resume", sid]) == 0
    out = capsys.readouterr().out
    assert f"Resumed session {sid}" in out and "complete: 1 questions" in out


def main_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out.splitlines()[0]
