"""Load the schema-checked data files: the question corpus and the rubrics.

Problems are reported with the file, the item and the field, e.g.
`corpus/questions/system_design.yaml: question 'sd-url-shortener': key_points: field required`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from simulator.contracts import Question, Rubric
from simulator.errors import DataFileError

M = TypeVar("M", bound=BaseModel)

# PyYAML's safe loader on libyaml's C parser when PyYAML was built with it: the same documents, about seven times
# faster on the question corpus (tests/test_loaders.py checks every data file parses the same both ways).
_FAST_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def read_yaml(path: Path, root: Path | None = None) -> Any:
    """Parse a YAML file; a syntax error names the file and its line."""
    shown = _display(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError([f"{shown}: file not found"]) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError([f"{shown}: not valid UTF-8 text (byte {exc.start})"]) from exc
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass  # a file libyaml rejects is parsed again below, so the error reads as it always has
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError([f"{shown}: {where}malformed YAML: {problem}"]) from exc


def _format_errors(prefix: str, err: ValidationError) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        msg = e["msg"]
        msg = msg[0].lower() + msg[1:] if msg else msg
        if msg.startswith("value error, "):
            msg = msg[len("value error, ") :]
        out.append(f"{prefix}: {loc}: {msg}" if loc else f"{prefix}: {msg}")
    return out


def validate_items(items: Any, model: type[M], shown: str, kind: str, key: str) -> tuple[list[M], list[str]]:
    """Validate a list of dicts one by one, so each problem names its item."""
    problems: list[str] = []
    good: list[M] = []
    if not isinstance(items, list) or not items:
        return [], [f"{shown}: expected a non-empty list under '{key}'"]
    for n, raw in enumerate(items):
        label = f"{kind} #{n + 1}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            label = f"{kind} '{raw['id']}'"
        if not isinstance(raw, dict):
            problems.append(f"{shown}: {label}: expected a mapping, got {type(raw).__name__}")
            continue
        try:
            good.append(model.model_validate(raw))
        except ValidationError as err:
            problems.extend(_format_errors(f"{shown}: {label}", err))
    return good, problems


def _question_file(path: Path, root: Path | None) -> tuple[list[Question], list[str]]:
    shown = _display(path, root)
    try:
        data = read_yaml(path, root)
    except DataFileError as err:
        return [], err.problems
    if not isinstance(data, dict) or set(data) != {"questions"}:
        return [], [f"{shown}: the file must be a mapping with one key, 'questions'"]
    return validate_items(data["questions"], Question, shown, "question", "questions")


def load_question_file(path: Path, root: Path | None = None) -> list[Question]:
    good, problems = _question_file(path, root)
    if problems:
        raise DataFileError(problems)
    return good


def load_questions(directory: Path, root: Path | None = None) -> list[Question]:
    """Every question under `directory` (`*.yaml`), checked for schema and unique ids."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DataFileError(
            [f"{_display(directory, root)}: no *.yaml question files found"],
            hint="point MOCKSIM_RESOURCES at a checkout that has corpus/questions/",
        )
    problems: list[str] = []
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for path in files:
        loaded, file_problems = _question_file(path, root)
        problems.extend(file_problems)
        for q in loaded:
            shown = _display(path, root)
            if q.id in seen:
                problems.append(f"{shown}: question '{q.id}': id: duplicate of the one in {seen[q.id]}")
            seen[q.id] = shown
            questions.append(q)
    if problems:
        raise DataFileError(problems)
    return questions


def load_rubrics(directory: Path, root: Path | None = None) -> dict[str, Rubric]:
    """Every rubric in `directory/*.yaml` (one rubric a file), keyed by id."""
    rubrics: dict[str, Rubric] = {}
    problems: list[str] = []
    files = sorted(p for p in directory.glob("*.yaml"))
    if not files:
        raise DataFileError([f"{_display(directory, root)}: no rubric files found"])
    for path in files:
        shown = _display(path, root)
        try:
            data = read_yaml(path, root)
        except DataFileError as err:
            problems.extend(err.problems)
            continue
        if not isinstance(data, dict):
            problems.append(f"{shown}: expected a mapping (one rubric)")
            continue
        label = f"rubric '{data.get('id', path.stem)}'"
        try:
            rubric = Rubric.model_validate(data)
        except ValidationError as err:
            problems.extend(_format_errors(f"{shown}: {label}", err))
            continue
        if rubric.id != path.stem:
            problems.append(f"{shown}: {label}: id: must match the file name '{path.stem}'")
            continue
        rubrics[rubric.id] = rubric
    if problems:
        raise DataFileError(problems)
    return rubrics


def check_rubric_refs(questions: Iterable[Question], rubrics: dict[str, Rubric]) -> list[str]:
    """Follow-ups that name a criterion must name one that exists."""
    problems = []
    for q in questions:
        for i, f in enumerate(q.follow_ups):
            if f.criterion is None:
                continue
            rid, cid = f.criterion.split(".", 1)
            if rid not in rubrics or cid not in {c.id for c in rubrics[rid].criteria}:
                problems.append(f"question '{q.id}': follow_ups.{i}.criterion: unknown criterion {f.criterion}")
    return problems
