"""Prompts are data: `prompts/*.yaml` files with declared variables, checked when loaded and when rendered."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.errors import DataFileError
from simulator.loaders import read_yaml


class PromptError(DataFileError):
    pass


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    version: str = Field(min_length=1)
    description: str = Field(min_length=10)
    variables: list[str]
    system: str = Field(min_length=10)
    user: str = Field(min_length=3)

    @model_validator(mode="after")
    def _declared(self) -> Prompt:
        used = _fields(self.system) | _fields(self.user)
        undeclared = used - set(self.variables)
        unused = set(self.variables) - used
        if undeclared:
            raise ValueError(f"uses undeclared variables: {sorted(undeclared)}")
        if unused:
            raise ValueError(f"declares variables it never uses: {sorted(unused)}")
        return self

    def render(self, **values: object) -> tuple[str, str]:
        """(system, user) with every declared variable filled; a missing one fails loudly with its name."""
        missing = [v for v in self.variables if v not in values]
        extra = [k for k in values if k not in self.variables]
        if missing:
            raise PromptError([f"prompts/{self.id}.yaml: missing variable(s) {missing}"])
        if extra:
            raise PromptError([f"prompts/{self.id}.yaml: unknown variable(s) {extra}"])
        text = {k: str(v) for k, v in values.items()}
        return self.system.format(**text), self.user.format(**text)


@lru_cache(maxsize=8)
def load_prompts(directory: Path) -> dict[str, Prompt]:
    prompts: dict[str, Prompt] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            p = Prompt.model_validate(read_yaml(path, directory.parent))
        except ValidationError as err:
            problems += [f"prompts/{path.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]
            continue
        except DataFileError as err:
            problems += err.problems
            continue
        if p.id != path.stem:
            problems.append(f"prompts/{path.name}: id '{p.id}' must match the file name")
        prompts[p.id] = p
    if problems:
        raise PromptError(problems)
    return prompts
