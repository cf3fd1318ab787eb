"""Errors that say what to do. Raised `from` their cause; translated once at the boundary (CLI, UI)."""

from __future__ import annotations


class MocksimError(Exception):
    """Base for every error a user may see. `hint` says what to do about it."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  → {self.hint}"


class DataFileError(MocksimError):
    """A corpus, rubric or prompt file is missing, malformed or fails its schema."""

    exit_code = 3

    def __init__(self, problems: list[str], hint: str | None = None) -> None:
        self.problems = problems
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in data files:"
        body = "" if len(problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(head + body + more, hint or "fix the file named above, then run the command again")


class InputError(MocksimError):
    """Something the user supplied (an answer file, a question id, a flag) cannot be used."""

    exit_code = 2


class NotFoundError(InputError):
    """An id that names nothing."""


class IndexError_(MocksimError):
    """The question index cannot be built or reached."""

    exit_code = 4


class ConfigError(MocksimError):
    """A setting is missing or has a value that cannot work."""

    exit_code = 2
