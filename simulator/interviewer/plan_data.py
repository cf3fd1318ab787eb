"""The interviewer's data beside the rubrics (`rubrics/phases/`): round phases, generic deepening probes and
the thresholds that decide when an answer already holds what a probe asks. Schema-checked when loaded."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from simulator.contracts.base import Strict
from simulator.errors import DataFileError
from simulator.loaders import read_yaml

SHARE_TOLERANCE = 0.01


class Phase(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str = Field(min_length=3)
    share: float = Field(gt=0, le=1)
    criteria: list[str] = Field(default_factory=list, description="rubric.criterion ids that show the phase")
    source: Literal["deep_dives", "failure_modes", "edge_cases"] | None = None
    steer: str = Field(min_length=10)


class PhaseFile(Strict):
    rounds: dict[str, list[Phase]]

    @model_validator(mode="after")
    def _shares(self) -> PhaseFile:
        for r, phases in self.rounds.items():
            total = sum(p.share for p in phases)
            if abs(total - 1) > SHARE_TOLERANCE:
                raise ValueError(f"the shares of round '{r}' add up to {total:.2f}, not 1")
            if "{topic}" in "".join(p.steer for p in phases if p.source is None):
                raise ValueError(f"round '{r}': a steer with {{topic}} needs a source")
        return self


class DeepeningFile(Strict):
    rubrics: dict[str, list[str]]


class EvidenceFile(Strict):
    key_point_mentioned: float = Field(ge=0, le=1)
    probe_mentioned: float = Field(ge=0, le=1)
    criterion_level: int = Field(ge=1, le=5)
    strong_overall: int = Field(ge=0, le=100)
    strong_coverage: float = Field(ge=0, le=1)


class InterviewerData(Strict):
    phases: PhaseFile
    deepening: DeepeningFile
    evidence: EvidenceFile

    def round_phases(self, round_: str) -> list[Phase]:
        return self.phases.rounds.get(round_, [])


def _load(path: Path, model: type[Strict], root: Path) -> Strict:
    try:
        return model.model_validate(read_yaml(path, root))
    except ValidationError as err:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        raise DataFileError([f"{shown}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]) from err


@lru_cache(maxsize=4)
def load_interviewer_data(rubrics_dir: Path) -> InterviewerData:
    folder = rubrics_dir / "phases"
    root = rubrics_dir.parent
    return InterviewerData(
        phases=_load(folder / "phases.yaml", PhaseFile, root),  # type: ignore[arg-type]
        deepening=_load(folder / "deepening.yaml", DeepeningFile, root),  # type: ignore[arg-type]
        evidence=_load(folder / "evidence.yaml", EvidenceFile, root),  # type: ignore[arg-type]
    )
