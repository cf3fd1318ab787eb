"""Refresh tests/fixtures/model-cache/: the fake encoder's fitted scoring models that test runs start from.

Run it after a change to the training data, the calibration settings or the fake encoder (tests/test_fitted_models.py
says when), from the repository root:

    .venv/bin/python scripts/fit-test-models.py

It fits every model in an empty folder with the package's own code (tests/fitted_models.py), then makes the shipped
folder hold exactly those files. A file whose weights did not change is left as it is, so git shows no change."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's simulator/ and tests/, whatever the venv's editable install points at

from simulator.scoring.fitted import publish  # noqa: E402
from tests.fitted_models import SHIPPED, fit_fake_models  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        for name, (coef, _) in fit_fake_models(fresh).items():
            print(f"fitted {name}: {coef.shape[0]} classes x {coef.shape[1]} features")
        for line in publish(fresh, SHIPPED):
            print(f"{line} in {SHIPPED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
