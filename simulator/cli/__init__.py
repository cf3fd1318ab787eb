"""The `mocksim` command line. Errors are translated here, once: a message, a hint, an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import click
import typer

from simulator.cli.admin import register as register_admin
from simulator.cli.common import refresh_backend_help
from simulator.cli.practice import practice
from simulator.cli.questions import app as questions_app
from simulator.cli.rewrite import rewrite
from simulator.cli.score import score
from simulator.cli.sessions import app as sessions_app
from simulator.cli.sessions import progress
from simulator.errors import MocksimError

app = typer.Typer(
    name="mocksim",
    help="mocksim: a mock-interview simulator for backend engineers. Offline by default.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
register_admin(app)
app.add_typer(questions_app, name="questions")
app.command("score")(score)
app.command("practice")(practice)
app.command("rewrite")(rewrite)
app.add_typer(sessions_app, name="sessions")
app.command("progress")(progress)


@lru_cache(maxsize=1)
def _command(backends: str) -> Callable[..., Any]:
    """The click command built from `app`, once per list of backends its help names (building it takes longer than
    scoring a short answer, and tests call `main` thousands of times in one process)."""
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> int:
    try:
        command = _command(refresh_backend_help())
        result = command(args=argv, standalone_mode=False, prog_name="mocksim")
    except MocksimError as err:
        typer.echo(f"error: {err.message}", err=True)
        if err.hint:
            typer.echo(f"  → {err.hint}", err=True)
        code = err.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        code = 130
    else:
        code = result if isinstance(result, int) else 0
    if argv is None:
        sys.exit(code)
    return code
