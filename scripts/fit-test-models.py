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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's simulator/ and tests/, whatever the venv's editable install points at

from tests.fitted_models import SHIPPED, fit_fake_models  # noqa: E402


def _same(a: Path, b: Path) -> bool:
    with np.load(a) as x, np.load(b) as y:
        return sorted(x.files) == sorted(y.files) and all(np.array_equal(x[k], y[k]) for k in x.files)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        for name, (coef, _) in fit_fake_models(fresh).items():
            print(f"fitted {name}: {coef.shape[0]} classes x {coef.shape[1]} features")
        SHIPPED.mkdir(parents=True, exist_ok=True)
        names = {p.name for p in fresh.glob("*.npz")}
        for old in SHIPPED.glob("*.npz"):
            if old.name not in names:
                old.unlink()
                print(f"removed {old.relative_to(ROOT)} (fitted on data that has changed)")
        for name in sorted(names):
            target = SHIPPED / name
            if target.exists() and _same(target, fresh / name):
                print(f"unchanged {target.relative_to(ROOT)}")
                continue
            target.write_bytes((fresh / name).read_bytes())
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
