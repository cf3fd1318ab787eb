"""One loader for the scorer's tuning files (`rubrics/calibration/*.yaml`, `rubrics/lexicon/*.yaml`): read the
YAML, validate it against a pydantic model, and name the file and key that is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from simulator.errors import DataFileError
from simulator.loaders import read_yaml

M = TypeVar("M", bound=BaseModel)


def load_model(model: type[M], rubrics_dir: Path, relpath: str) -> M:
    """`rubrics_dir/relpath` validated as `model`; every problem reads `rubrics/<relpath>: <key>: <what>`.
    Fitted weights are kept as JSON (large, written by a script); everything a person edits is YAML."""
    path = rubrics_dir / relpath
    try:
        if path.suffix == ".json":
            return model.model_validate_json(path.read_bytes())
        return model.model_validate(read_yaml(path, rubrics_dir.parent))
    except ValidationError as err:
        raise DataFileError(
            [f"rubrics/{relpath}: {'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in err.errors()],
            f"fix the key named above in rubrics/{relpath} (the comment beside each key says what it controls), "
            "then run the command again",
        ) from err
    except OSError as err:
        raise DataFileError([f"rubrics/{relpath}: {err}"], "restore the file from git or refit it") from err
