"""The CLI: help, config, index and the questions commands, with bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.settings import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("fake_embedder")  # every test here runs on the fake embedder

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands() -> None:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "mocksim"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("config", "index", "check", "questions"):
        assert command in out


def test_config_masks_the_api_key(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-PLANTED-SECRET-123456")
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:hunter2@127.0.0.1/mocksim")
    code, out, _ = run(capsys, "config", "--format", "json")
    assert code == 0
    assert "PLANTED-SECRET" not in out and "hunter2" not in out
    data = json.loads(out)
    assert data["llm_api_key"].startswith("sk-") and data["database"] == "postgresql://app:****@127.0.0.1/mocksim"


@pytest.mark.slow  # the cold start: builds the whole index and trains the STAR classifier
def test_index_then_up_to_date(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKSIM_CACHE_DIR")  # a real cold start: the models are fitted into the data dir
    code, out, _ = run(capsys, "index")
    assert code == 0 and "question index built" in out
    code, out, _ = run(capsys, "index")
    assert "up to date" in out
    assert "scorer ready" in out  # the STAR and intent models are fitted and cached, so the first answer is quick
    home = Path(os.environ["MOCKSIM_HOME"])
    assert list((home / "cache").glob("star-*.npz")) and list((home / "cache").glob("intent-*.npz"))


def test_check_validates_data(capsys: Capture) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0 and "questions ok" in out and "9 rubrics ok" in out


def test_questions_list_jsonl_has_full_fields(capsys: Capture) -> None:
    code, out, _ = run(capsys, "questions", "list", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 1
    assert {"id", "round", "topics", "key_points", "follow_ups", "reference_answer"} <= set(rows[0])


def test_questions_search_show_and_bad_input(capsys: Capture) -> None:
    code, out, _ = run(capsys, "questions", "search", "retry with backoff", "--limit", "3", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 3 and "similarity" in rows[0]
    code, out, _ = run(capsys, "questions", "show", rows[0]["id"])
    assert code == 0 and "Key points" in out
    code, _, err = run(capsys, "questions", "show", rows[0]["id"][:-1] + "zz")
    assert code == 2 and "no question with id" in err
    code, _, err = run(capsys, "questions", "search", "   ")
    assert code == 2 and "empty" in err
    code, _, err = run(capsys, "questions", "search", "x", "--round", "lunch")
    assert code == 2 and "unknown round 'lunch'" in err


@pytest.mark.usefixtures("prebuilt_index")  # not about building it
def test_plan_from_a_job_description(capsys: Capture, tmp_path: Path) -> None:
    jd = tmp_path / "jd.txt"
    jd.write_text("Senior backend engineer. You will build event-driven payment services on Kafka.")
    code, out, _ = run(
        capsys,
        "questions",
        "plan",
        "--jd-file",
        str(jd),
        "--rounds",
        "technical,behavioral",
        "--minutes",
        "40",
        "--format",
        "json",
    )
    assert code == 0
    plan = json.loads(out)
    assert [r["round"] for r in plan["rounds"]] == ["technical", "behavioral"]
    assert all(r["questions"] for r in plan["rounds"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\xff\xfe\x00bad", "not UTF-8"), (None, "not found")],
)
def test_plan_bad_jd_files(capsys: Capture, tmp_path: Path, content: bytes | None, message: str) -> None:
    jd = tmp_path / "jd.txt"
    if content is not None:
        jd.write_bytes(content)
    code, _, err = run(capsys, "questions", "plan", "--jd-file", str(jd))
    assert code == 2 and message in err and "Traceback" not in err


def test_check_validates_tuning_and_word_lists(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0 and "tuning and word-list files ok" in out
    import shutil

    for part in ("corpus", "rubrics", "prompts"):
        shutil.copytree(PROJECT_ROOT / part, tmp_path / part)
    words = tmp_path / "rubrics" / "lexicon" / "rewrite.yaml"
    words.write_text(words.read_text(encoding="utf-8") + "\nnot_a_setting: 1\n", encoding="utf-8")
    monkeypatch.setenv("MOCKSIM_RESOURCES", str(tmp_path))
    from simulator import runtime, settings

    settings.get_settings.cache_clear()
    monkeypatch.setattr(runtime, "_default", None)
    code, _, err = run(capsys, "check")
    assert code != 0 and "rubrics/lexicon/rewrite.yaml: not_a_setting" in err and "Traceback" not in err
