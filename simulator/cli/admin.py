"""`mocksim config`, `mocksim index`, `mocksim check`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from simulator.cli.common import TextOrJson, emit_json
from simulator.runtime import Runtime, get_runtime
from simulator.schemas import schema_drift, write_schemas


def config(fmt: TextOrJson = typer.Option(TextOrJson.text, "--format")) -> None:
    """Print the effective settings, with secrets masked."""
    values = get_runtime().settings.masked()
    if fmt is TextOrJson.json:
        emit_json(values)
        return
    width = max(len(k) for k in values)
    for k, v in values.items():
        typer.echo(f"{k.ljust(width)}  {v}")


def index(rebuild: bool = typer.Option(False, "--rebuild", help="rebuild even when up to date")) -> None:
    """Build the question index (only when the corpus changed, unless --rebuild)."""
    rt = get_runtime()
    questions = rt.questions
    if not rebuild and rt.index.is_current(questions):
        typer.echo(f"question index is up to date ({len(questions)} questions)")
    else:
        _build(rt, rebuild)
    rt.scorer.warm_up()  # the encoder (first run: exported to the cache) and the fitted models, so answers are quick
    typer.echo("scorer ready")


def _build(rt: Runtime, rebuild: bool) -> None:
    questions = rt.questions
    with typer.progressbar(length=len(questions), label="embedding questions") as bar:
        done = [0]

        def progress(n: int, total: int) -> None:
            bar.update(n - done[0])
            done[0] = n

        rt.ensure_index(progress=progress, force=rebuild)
    typer.echo(f"question index built: {len(questions)} questions ({rt.settings.masked()['question_index']})")


def check(write_schemas_: bool = typer.Option(False, "--write-schemas", help="regenerate the JSON Schemas")) -> None:
    """Validate the corpus and rubric files against their schemas."""
    rt = get_runtime()
    if write_schemas_:
        for path in write_schemas(rt.settings.resources):
            typer.echo(f"wrote {path}")
    questions = rt.questions
    rubrics = rt.rubrics
    stale = schema_drift(rt.settings.resources)
    by_round: dict[str, int] = {}
    for q in questions:
        by_round[q.round] = by_round.get(q.round, 0) + 1
    typer.echo(f"{len(questions)} questions ok: {json.dumps(by_round)}")
    typer.echo(f"{len(rubrics)} rubrics ok: {', '.join(sorted(rubrics))}")
    typer.echo(f"{len(_check_tuning(rt.settings.rubrics_dir))} tuning and word-list files ok")
    if stale:
        typer.echo("stale schema files: " + ", ".join(stale) + " (run `mocksim check --write-schemas`)", err=True)
        raise typer.Exit(1)


def _check_tuning(rubrics_dir: Path) -> list[object]:
    """Load every calibration, lexicon and training file the scorer and the rewriter read (each loader checks its
    file's schema and names the file and key when one is wrong)."""
    from simulator.rewriting.words import load_rewrite_words
    from simulator.scoring.calibration import load_calibration
    from simulator.scoring.detectors import load_detectors
    from simulator.scoring.intent import load_exemplars, load_intent_config
    from simulator.scoring.lexicon import load_lexicon
    from simulator.scoring.overall import load_overall
    from simulator.scoring.quantities import load_number_words
    from simulator.scoring.star_model import load_settings, load_training
    from simulator.scoring.tuning import load_tuning

    loaders = (load_calibration, load_intent_config, load_exemplars, load_lexicon, load_overall, load_number_words)
    return [
        f(rubrics_dir)
        for f in (*loaders, load_settings, load_training, load_tuning, load_rewrite_words, load_detectors)
    ]


def register(app: typer.Typer) -> None:
    app.command("config")(config)
    app.command("index")(index)
    app.command("check")(check)
