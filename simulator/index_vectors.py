"""Question vectors kept between index builds, in the model cache (`MOCKSIM_CACHE_DIR`, else the data dir's cache/).

A rebuild embeds only the texts it has not embedded before: after a corpus edit, the questions that changed; in a
new data dir sharing the cache, nothing. Vectors are stored by a hash of the exact text and of the embedder's
identity (its model and version), so a changed text or model is embedded afresh and never served stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from simulator.embeddings import Embedder
from simulator.scoring.fitted import write_npz

Progress = Callable[[int, int], None]


def _key(identity: str, text: str) -> str:
    return hashlib.sha256(f"{identity}\n{text}".encode()).hexdigest()[:32]


class VectorCache:
    def __init__(self, folder: Path | None, embedder: Embedder, batch: int) -> None:
        self.embedder, self.batch = embedder, batch
        tag = hashlib.sha256(embedder.identity.encode()).hexdigest()[:12]
        self.path = folder / f"index-vectors-{embedder.name}-{tag}.npz" if folder else None

    def _read(self) -> dict[str, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path) as z:
                keys, rows = z["keys"], z["vectors"]
            if rows.shape != (len(keys), self.embedder.dim):
                raise ValueError("shape")
            return dict(zip((str(k) for k in keys), rows, strict=True))
        except (OSError, ValueError, KeyError):
            self.path.unlink(missing_ok=True)  # damaged: embed again rather than fail the build
            return {}

    def _write(self, found: dict[str, np.ndarray]) -> None:
        if self.path is not None:
            rows = np.stack(list(found.values())) if found else np.zeros((0, self.embedder.dim), np.float32)
            write_npz(self.path, keys=np.array(list(found), dtype=np.str_), vectors=rows)

    def vectors(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One unit vector per text, embedding only those not cached; the cache then holds exactly these texts."""
        identity = self.embedder.identity
        keys = [_key(identity, t) for t in texts]
        stored = self._read()
        found = {k: stored[k] for k in keys if k in stored}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        done = len(texts) - len(missing)
        if progress and done:
            progress(done, len(texts))
        for start in range(0, len(missing), self.batch):
            chunk = missing[start : start + self.batch]
            for text, row in zip(chunk, self.embedder.embed(chunk), strict=True):
                found[_key(identity, text)] = np.asarray(row, dtype=np.float32)
            done = min(len(texts), done + len(chunk))
            if progress:
                progress(done, len(texts))
        if missing or len(stored) != len(found):
            self._write({k: found[k] for k in dict.fromkeys(keys)})
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, self.embedder.dim), np.float32)
