"""Logistic-regression weights fitted on the project's labelled data, cached in the data dir by a hash of
what they were fitted on (so a change to the data or the encoder refits them once)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

Weights = tuple[np.ndarray, np.ndarray]


def logistic(x: np.ndarray, y: np.ndarray, c: float, max_iter: int) -> Weights:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=max_iter).fit(x, y)
    return clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)


SHIPPED = "fitted"  # rubrics/fitted/: weights fitted ahead for the default encoders (scripts/fit-shipped-models.py)
# The encoders `auto` chooses (runtime/precision): ONNX Runtime fp32, or torch bf16 on a CPU with native bf16.
SHIPPED_FOR = ("minilm/onnxruntime/fp32", "minilm/torch/bf16")


def file_name(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"


def _read(path: Path) -> Weights | None:
    """The weights in `path`, or None when it is missing or not a pair of logistic-regression weights."""
    try:
        with np.load(path) as z:
            coef, intercept = z["coef"], z["intercept"]
    except (OSError, ValueError, KeyError):
        return None
    if coef.ndim != 2 or intercept.shape != (coef.shape[0],):
        return None
    return coef, intercept


def cached(
    cache_dir: Path | None, prefix: str, key: str, fit: Callable[[], Weights], shipped: Path | None = None
) -> Weights:
    """`fit()`'s weights, read from `<shipped>/<prefix>-<hash of key>.npz` (fitted ahead and committed) or from the
    same name in `cache_dir` when either is there; fitted and cached otherwise."""
    name = file_name(prefix, key)
    if shipped is not None and (found := _read(shipped / name)) is not None:
        return found
    path = cache_dir / name if cache_dir else None
    if path is not None and path.exists():
        if (found := _read(path)) is not None:
            return found
        path.unlink(missing_ok=True)
    coef, intercept = fit()
    if path is not None:
        write_npz(path, coef=coef, intercept=intercept)
    return coef, intercept


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """Write `arrays` to `path` whole or not at all (processes sharing a cache never read half a file); a read-only
    folder is not an error, it only costs the work again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.stem}.{os.getpid()}.part.npz")
        np.savez(part, **arrays)  # type: ignore[arg-type]
        os.replace(part, path)
    except OSError:
        pass


def _same(a: Path, b: Path) -> bool:
    x, y = _read(a), _read(b)
    return x is not None and y is not None and all(np.array_equal(i, j) for i, j in zip(x, y, strict=True))


def publish(fresh: Path, target: Path) -> list[str]:
    """Make `target` hold exactly the weights files fitted into `fresh` (the refresh scripts): files fitted on data
    that has changed are removed, and a file whose weights are unchanged is left as it is, so git shows no change.
    Returns what was done, a line each."""
    target.mkdir(parents=True, exist_ok=True)
    names = {p.name for p in fresh.glob("*.npz")}
    done = []
    for old in target.glob("*.npz"):
        if old.name not in names:
            old.unlink()
            done.append(f"removed {old.name} (fitted on data that has changed)")
    for name in sorted(names):
        if (target / name).exists() and _same(target / name, fresh / name):
            done.append(f"unchanged {name}")
            continue
        (target / name).write_bytes((fresh / name).read_bytes())
        done.append(f"wrote {name}")
    return done
