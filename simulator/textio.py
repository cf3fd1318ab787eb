"""Reading user-supplied text files safely: clear messages for missing, binary, huge or empty input."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from simulator.errors import InputError

MAX_FILE_BYTES = 5_000_000


def clean_text(text: str) -> str:
    """Drop control characters (keeping newlines and tabs) and normalise line endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def read_text_file(path: str | Path, what: str, allow_empty: bool = False) -> str:
    """Read `path` (or stdin for '-') as UTF-8 text, or raise InputError saying what to do."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        label = "standard input"
    else:
        p = Path(path).expanduser()
        label = str(p)
        if not p.exists():
            raise InputError(f"{what} file not found: {p}", "check the path and try again")
        if p.is_dir():
            raise InputError(f"{what} path is a folder, not a file: {p}", "pass a text file")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{what} file is too large ({size:,} bytes): {p}",
                f"keep it under {MAX_FILE_BYTES // 1_000_000} MB",
            )
        raw = p.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{what} from {label} is too large", f"keep it under {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} file is not UTF-8 text: {label} (bad byte at offset {exc.start})",
            "save it as UTF-8 plain text (not .docx or PDF) and try again",
        ) from exc
    text = clean_text(text)
    if not allow_empty and not text.strip():
        raise InputError(f"{what} file is empty: {label}", f"write the {what} into the file and try again")
    return text
