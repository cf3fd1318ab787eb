"""Turn the reliability JSON into docs/RELIABILITY.md: each figure with the command that reproduces it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

COMMAND = "bash scripts/test-services.sh .venv/bin/python benchmarks/reliability.py"


def write_report(r: dict[str, Any], path: Path) -> None:
    c, h, s, b = r["crash_safety"], r["hostile_answers"], r["secrets"], r["bad_input"]
    lines = [
        "# Reliability and security figures",
        "",
        f"Measured {datetime.date.today():%Y-%m-%d} on 2 cores. Reproduce everything below with:",
        "",
        f"    {COMMAND}",
        "",
        "It prints the same figures as JSON and rewrites this file.",
        "",
        "## Crash safety",
        f"{c['runs']} scripted sessions against the loopback model server (replies take 0.2–0.8 s), each killed with "
        f"SIGKILL at random moments and resumed with `mocksim practice --resume ID` until every answer was in: "
        f"**{c['sigkills']} kills** ({c['kills_by_point']['model_call']} during a model call, "
        f"{c['kills_by_point']['store_write']} inside a database write via `MOCKSIM_FAULT_KILL=store_write:0.25`, "
        f"{c['kills_by_point']['elsewhere']} elsewhere), {c['resumes']} resumes.",
        "",
        f"- answers lost: **{c['answers_lost']}**",
        f"- answers stored twice: **{c['answers_duplicated']}**",
        f"- answers left unscored after the last resume: **{c['answers_left_unscored']}**",
        "",
        "## Model faults",
        "Each fault injected by the loopback OpenAI-compatible server, through the real openai client and "
        "langchain-openai (timeout 1 s, one client retry):",
        "",
        "| fault | turns | completed | by the model | after a repair request | offline fallback |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in r["model_faults"].items():
        lines.append(
            f"| {name} | {f['turns']} | {f['completed']} | {f['model']} | {f['model_after_repair']} | "
            f"{f['offline_fallback']} |"
        )
    lines += [
        "",
        "A fallback turn carries the flag `backend_fallback` and a notice on its scorecard; the turn's record says "
        "why (`fallback` in its metadata).",
        "",
        "## Hostile answers",
        f"{h['attempts']} injection attempts appended to a weak answer, judged by a fake model that obeys them "
        f"(level 5 everywhere, quoting the answer): the score stayed at the offline scorer's level in "
        f"**{h['kept_at_offline_level']}/{h['attempts']}**, and **{h['flagged']}/{h['attempts']}** were flagged.",
        "",
        "| attempt | offline | with the obedient judge | flags |",
        "|---|---|---|---|",
    ]
    for row in h["rows"]:
        attack = row["attack"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{attack}` | {row['offline']} | {row['llm_card']} | {', '.join(row['flags'])} |")
    lines += [
        "",
        "## Load",
        "20 threads × 20 turns, each turn stored then scored offline and its scorecard stored:",
        "",
        "| database | turns stored | distinct | wall | scored turns/s |",
        "|---|---|---|---|---|",
    ]
    for ld in r["load"]:
        lines.append(
            f"| {ld['backend']} | {ld['turns_stored']}/{ld['expected']} | {ld['distinct']} | {ld['wall_s']} s "
            f"| {ld['scored_turns_per_s']} |"
        )
    lines += [
        "",
        "## Bad input",
        f"`tests/test_bad_input_properties.py` (hypothesis): {b['generated_inputs']:,} generated inputs over the "
        "scorer, the question loader and `mocksim score` — empty and whitespace text, 100k-character answers, control "
        "characters, other scripts, code blocks, random bytes and invalid UTF-8 files. Result: "
        f"{'all passed' if b['passed'] else 'FAILED'} ({b['summary']}, {b['wall_s']} s).",
        "",
        "## Secrets",
        f"A planted API key (in `OPENAI_API_KEY` and pasted into an answer) against an endpoint refusing it with 401: "
        f"found in {s['planted_in_outputs']} of {s['outputs_checked']} command outputs (stdout and stderr of practice, "
        f"three exports and config), in the database file: {s['planted_in_database_file']}, in the JSON export: "
        f"{s['planted_in_export']}.",
        "",
    ]
    path.write_text("\n".join(lines))
