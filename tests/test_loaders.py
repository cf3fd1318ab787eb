"""Bad data files produce messages that name the file, the item and the field — never tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.errors import DataFileError
from simulator.loaders import load_question_file, load_questions, load_rubrics, read_yaml
from simulator.settings import PROJECT_ROOT


def _good_question(**over: object) -> dict:
    q = {
        "id": "sd-url-shortener",
        "round": "system_design",
        "topics": ["storage", "caching"],
        "difficulty": "medium",
        "seniority": "mid",
        "prompt": "Design a URL shortener for a large consumer product.",
        "key_points": ["a", "b", "c", "d"],
        "follow_ups": [
            {"text": "How do you generate ids?", "key_point": 0},
            {"text": "What happens on a cache miss?", "key_point": 1},
            {"text": "What would you monitor first?", "criterion": "system_design.reliability"},
        ],
        "pitfalls": ["no estimates"],
        "rubrics": ["system_design", "tradeoffs", "specificity", "coverage"],
        "reference_answer": "I would start from the requirements and an estimate of reads and writes per second.",
        "clarifications": {"scale": "100 million new links a month"},
        "design": {
            "functional_requirements": ["shorten", "redirect"],
            "entities_apis": ["POST /links", "GET /{code}"],
            "components": ["api", "kv store", "cache"],
            "deep_dives": ["id generation", "hot keys"],
            "failure_modes": ["cache down", "store down"],
            "monitoring": ["redirect p99", "error rate"],
        },
    }
    q.update(over)
    return q


def _write(tmp: Path, name: str, questions: list[dict]) -> Path:
    d = tmp / "corpus" / "questions"
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(yaml.safe_dump({"questions": questions}, sort_keys=False))
    return p


def test_good_file_loads(tmp_path: Path) -> None:
    p = _write(tmp_path, "system_design.yaml", [_good_question()])
    assert [q.id for q in load_question_file(p, tmp_path)] == ["sd-url-shortener"]


def test_missing_field_names_file_item_and_field(tmp_path: Path) -> None:
    q = _good_question()
    del q["key_points"]
    p = _write(tmp_path, "system_design.yaml", [q])
    with pytest.raises(DataFileError) as err:
        load_question_file(p, tmp_path)
    assert err.value.problems == [
        "corpus/questions/system_design.yaml: question 'sd-url-shortener': key_points: field required"
    ]


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.yaml", [_good_question(keypoints=["typo"])])
    with pytest.raises(DataFileError, match=r"question 'sd-url-shortener': keypoints: extra inputs"):
        load_question_file(p, tmp_path)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    d = tmp_path / "corpus" / "questions"
    d.mkdir(parents=True)
    (d / "bad.yaml").write_text("questions:\n  - id: x\n    topics: [a, b\n    round: coding\n")
    with pytest.raises(DataFileError, match=r"corpus/questions/bad.yaml: line \d+, column \d+: malformed YAML"):
        load_questions(d, tmp_path)


def test_a_yaml_error_reads_as_the_pure_python_parser_words_it(tmp_path: Path) -> None:
    """libyaml words this error differently; read_yaml re-reads a rejected file so the message stays the same."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: x\n    topics: [a, b\n    round: coding\n")
    with pytest.raises(yaml.MarkedYAMLError) as parsed:
        yaml.safe_load(bad.read_text())
    line, column = parsed.value.problem_mark.line + 1, parsed.value.problem_mark.column + 1
    with pytest.raises(DataFileError) as err:
        read_yaml(bad, tmp_path)
    assert err.value.problems == [f"bad.yaml: line {line}, column {column}: malformed YAML: {parsed.value.problem}"]
    assert "expected ',' or ']', but got ':'" in err.value.problems[0]


def _reads_the_same(files: list[Path]) -> None:
    assert files
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_rubrics_and_prompts_read_the_same_as_with_the_pure_python_parser() -> None:
    """read_yaml parses with libyaml when PyYAML has it; the small files (block text, flow lists, quoting) agree."""
    _reads_the_same(sorted([*(PROJECT_ROOT / "rubrics").glob("*.yaml"), *(PROJECT_ROOT / "prompts").rglob("*.yaml")]))


@pytest.mark.slow  # parses 1.8 MB with the pure-Python parser
def test_every_data_file_reads_the_same_as_with_the_pure_python_parser() -> None:
    dirs = ("corpus", "rubrics", "prompts", "benchmarks", "tests")
    files = sorted(p for d in dirs for p in (PROJECT_ROOT / d).rglob("*.yaml"))
    assert len(files) >= 30
    _reads_the_same(files)


def test_duplicate_ids_and_bad_follow_up_target(tmp_path: Path) -> None:
    bad = _good_question(id="sd-two")
    bad["follow_ups"][0] = {"text": "Points past the end?", "key_point": 9}
    _write(tmp_path, "a.yaml", [_good_question()])
    _write(tmp_path, "b.yaml", [_good_question(), bad])
    with pytest.raises(DataFileError) as err:
        load_questions(tmp_path / "corpus" / "questions", tmp_path)
    text = "\n".join(err.value.problems)
    assert "corpus/questions/b.yaml: question 'sd-url-shortener': id: duplicate of the one in" in text
    assert "question 'sd-two'" in text and "past the last key point" in text


def test_non_utf8_and_wrong_shape(tmp_path: Path) -> None:
    d = tmp_path / "corpus" / "questions"
    d.mkdir(parents=True)
    (d / "a.yaml").write_bytes(b"questions: \xff\xfe")
    (d / "b.yaml").write_text("- just a list\n")
    with pytest.raises(DataFileError) as err:
        load_questions(d, tmp_path)
    text = "\n".join(err.value.problems)
    assert "a.yaml: not valid UTF-8" in text
    assert "b.yaml: the file must be a mapping with one key, 'questions'" in text


def test_rubric_id_must_match_file_and_levels_complete(tmp_path: Path) -> None:
    src = yaml.safe_load((PROJECT_ROOT / "rubrics" / "star.yaml").read_text())
    src["criteria"][0]["levels"].pop(5)
    (tmp_path / "star.yaml").write_text(yaml.safe_dump(src))
    with pytest.raises(DataFileError, match=r"star.yaml: rubric 'star': criteria.0.levels: .*1, 2, 3, 4, 5"):
        load_rubrics(tmp_path, tmp_path)


def test_cli_reports_bad_corpus_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    q = _good_question()
    del q["key_points"]
    _write(tmp_path, "system_design.yaml", [q])
    (tmp_path / "rubrics").symlink_to(PROJECT_ROOT / "rubrics")
    monkeypatch.setenv("MOCKSIM_RESOURCES", str(tmp_path))
    code = main(["questions", "list"])
    err = capsys.readouterr().err
    assert code == 3
    assert "corpus/questions/system_design.yaml: question 'sd-url-shortener': key_points: field required" in err
    assert "Traceback" not in err


def test_real_corpus_and_rubrics_load() -> None:
    questions = load_questions(PROJECT_ROOT / "corpus" / "questions", PROJECT_ROOT)
    rubrics = load_rubrics(PROJECT_ROOT / "rubrics", PROJECT_ROOT)
    assert questions and set(rubrics) == {
        "star",
        "specificity",
        "tradeoffs",
        "system_design",
        "coding_talk",
        "coverage",
        "motivation",
        "approach",
        "explanation",
    }
    assert all(q.intent is not None for q in questions)
