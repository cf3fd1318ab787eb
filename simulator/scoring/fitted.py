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


def cached(cache_dir: Path | None, prefix: str, key: str, fit: Callable[[], Weights]) -> Weights:
    """`fit()`'s weights, read from `<cache_dir>/<prefix>-<hash of key>.npz` when present."""
    path = cache_dir / f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz" if cache_dir else None
    if path is not None and path.exists():
        try:
            with np.load(path) as z:
                return z["coef"], z["intercept"]
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    coef, intercept = fit()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f"{path.stem}.{os.getpid()}.part.npz")
            np.savez(part, coef=coef, intercept=intercept)
            os.replace(part, path)  # whole or absent: processes sharing the cache never read half a file
        except OSError:
            pass  # a read-only data dir only costs a refit next time
    return coef, intercept
