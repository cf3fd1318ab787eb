"""Prompts are files with declared variables; every prompt renders; a missing variable fails with its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.prompts import PromptError, load_prompts
from simulator.settings import PROJECT_ROOT


def test_every_prompt_renders() -> None:
    prompts = load_prompts(PROJECT_ROOT / "prompts")
    assert {"judge_turn", "repair_json", "rewrite_star"} <= set(prompts)
    for p in prompts.values():
        system, user = p.render(**{v: f"<{v}>" for v in p.variables})
        for v in p.variables:
            assert f"<{v}>" in system + user
        assert "{" not in user.replace("{{", "").replace("}}", "") or p.id == "rewrite_star"


def test_missing_variable_fails_loudly() -> None:
    p = load_prompts(PROJECT_ROOT / "prompts")["repair_json"]
    with pytest.raises(PromptError, match=r"missing variable\(s\) \['error'\]"):
        p.render()
    with pytest.raises(PromptError, match="unknown variable"):
        p.render(error="x", surprise=1)


def test_undeclared_variable_in_a_file_is_rejected(tmp_path: Path) -> None:
    d = tmp_path / "prompts"
    d.mkdir()
    (d / "bad.yaml").write_text(
        "id: bad\nversion: '1'\ndescription: a prompt that is broken\nvariables: [a]\n"
        "system: 'uses {a} and {b}'\nuser: 'hello there'\n"
    )
    with pytest.raises(PromptError, match=r"prompts/bad.yaml: .*undeclared variables: \['b'\]"):
        load_prompts(d)
