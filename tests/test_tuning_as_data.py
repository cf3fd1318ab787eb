"""Tuning is data: the signal modules hold logic only, and the tuning files are schema-checked on load."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from simulator.errors import DataFileError
from simulator.scoring.lexicon import load_lexicon
from simulator.scoring.tuning import load_tuning
from simulator.settings import PROJECT_ROOT

SIGNALS_DIR = PROJECT_ROOT / "simulator" / "scoring" / "signals"
ALLOWED = {0, 1, -1}  # level 1 / "one more level" / "nothing", and the last item of a list
WHERE = (
    "move it to rubrics/calibration/signals.yaml (the signal's section, with a one-line comment saying what "
    "it controls and how it was fitted), add the key to simulator/scoring/tuning.py and read it as "
    "a.tuning.<section>.<key>"
)


def numeric_literals(source: str, filename: str) -> list[str]:
    """`file:line: literal` for each number in `source` other than 0, 1 and -1 (strings and booleans are fine)."""
    tree = ast.parse(source, filename)
    negated = {id(n.operand) for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
            continue
        if not isinstance(node.value, int | float | complex):
            continue
        value = -node.value if id(node) in negated else node.value
        if value not in ALLOWED:
            out.append(f"{filename}:{node.lineno}: numeric literal {value!r}")
    return out


def test_signal_modules_hold_no_numeric_literals() -> None:
    modules = sorted(SIGNALS_DIR.glob("*.py"))
    assert len(modules) >= 9
    found = [
        hit
        for path in modules
        for hit in numeric_literals(path.read_text(encoding="utf-8"), str(path.relative_to(PROJECT_ROOT)))
    ]
    assert not found, "tuning values in a signal module; " + WHERE + ":\n" + "\n".join(found)


def test_the_check_finds_literals_and_names_file_and_line() -> None:
    src = "LIMIT = 3\n\ndef f(a):\n    return a.words >= 0.5 or a.level == -1 or a.n > 1 or a.x[0] or a.ok is True\n"
    assert numeric_literals(src, "signals/demo.py") == [
        "signals/demo.py:1: numeric literal 3",
        "signals/demo.py:4: numeric literal 0.5",
    ]


def test_tuning_files_load() -> None:
    rubrics = PROJECT_ROOT / "rubrics"
    tuning = load_tuning(rubrics)
    assert tuning.is_good(tuning.levels.good) and not tuning.is_good(tuning.levels.good - 1)
    lex = load_lexicon(rubrics)
    assert lex.contains("task_personal", " i had to ship it") and not lex.contains("big_o", "no complexity here")


def _copy_rubrics(tmp_path: Path) -> Path:
    dest = tmp_path / "rubrics"
    shutil.copytree(PROJECT_ROOT / "rubrics", dest)
    return dest


@pytest.mark.parametrize(
    ("relpath", "old", "new", "message"),
    [
        (
            "calibration/signals.yaml",
            "  narration_min_words: 6",
            "  narration_min_words: six",
            r"rubrics/calibration/signals.yaml: coding.narration_min_words: ",
        ),
        (
            "calibration/signals.yaml",
            "  lesson_tail: 3",
            "  lesson_tail: 3\n  lesson_tale: 4",
            r"rubrics/calibration/signals.yaml: star.lesson_tale: Extra inputs are not permitted",
        ),
        (
            "calibration/signals.yaml",
            "  code_narration: [1, 3, 5, 7]",
            "  code_narration: [7, 5]",
            r"rubrics/calibration/signals.yaml: ladders: .*non-decreasing.*code_narration",
        ),
        (
            "lexicon/word_sets.yaml",
            '  big_o: ["o("]',
            "",
            r"rubrics/lexicon/word_sets.yaml: substrings.big_o: Field required",
        ),
    ],
)
def test_a_bad_tuning_file_names_the_file_and_key(
    tmp_path: Path, relpath: str, old: str, new: str, message: str
) -> None:
    rubrics = _copy_rubrics(tmp_path)
    path = rubrics / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as err:
        load_lexicon(rubrics)
    assert "fix the key named above" in str(err.value.hint)
