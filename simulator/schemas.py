"""JSON Schemas for the data files, generated from the pydantic contracts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.contracts import QuestionFile, Rubric


def generated() -> dict[str, dict[str, Any]]:
    return {
        "corpus/schema.json": QuestionFile.model_json_schema(),
        "rubrics/schema.json": Rubric.model_json_schema(),
    }


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(root: Path) -> list[Path]:
    written = []
    for rel, schema in generated().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(schema), encoding="utf-8")
        written.append(path)
    return written


def schema_drift(root: Path) -> list[str]:
    """Schema files that are missing or differ from what the contracts generate."""
    stale = []
    for rel, schema in generated().items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != _render(schema):
            stale.append(rel)
    return stale
