"""Scored STAR rewrites: honest gains, placeholders for what is missing, no invented facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.facts import unsupported
from simulator.llm.fake import FakeChatModel
from simulator.rewrite import Rewriter, scoring_text
from simulator.runtime import Runtime

pytestmark = pytest.mark.slow
WEAK = (
    "So yeah, at my last job the checkout service was slow. We had some issues with the database. "
    "I looked into it and improved performance a lot. Honestly I'm a team player and communication is key."
)
NOTES = (
    "The p95 latency was 2.1 seconds before. I found an N+1 query in the cart endpoint using "
    "pg_stat_statements and added a composite index. After the fix p95 dropped to 300 ms. "
    "I learned to add query count alerts."
)
QID = "bh-bottleneck-slow-endpoint-story"


def test_offline_rewrite_without_notes_is_honest(minilm_runtime: Runtime) -> None:
    rt = minilm_runtime
    r = Rewriter(rt).rewrite(WEAK, question=rt.question_map[QID])
    for rid, before in r.before.rubrics.items():
        assert r.after.rubrics[rid].score >= before.score, rid
    assert any(p.startswith("[Task:") for p in r.placeholders)
    assert any("how much faster" in p for p in r.placeholders)  # the vague "improved performance"
    assert "[which issues exactly?]" in r.placeholders  # "some issues"
    assert r.unsupported_facts == [] and unsupported(r.text, [WEAK], rt.scorer.lex) == []
    assert "team player" not in r.text and not r.text.startswith("Situation: So yeah")
    assert "[" not in scoring_text(r.text)
    assert r.reference and r.after.overall - r.before.overall <= 5, "placeholders earn nothing"


def test_notes_are_woven_in_and_raise_the_score(minilm_runtime: Runtime) -> None:
    rt = minilm_runtime
    r = Rewriter(rt).rewrite(WEAK, question=rt.question_map[QID], notes=NOTES)
    assert "300 ms" in r.text and "composite index" in r.text
    assert r.after.overall > r.before.overall + 15
    assert unsupported(r.text, [WEAK, NOTES], rt.scorer.lex) == []


def test_llm_rewrite_that_invents_a_metric_is_repaired(minilm_runtime: Runtime) -> None:
    rt = minilm_runtime
    fake = FakeChatModel(
        [
            {
                "situation": "At my last job the checkout service on Kubernetes was slow for 40000 users.",
                "task": "I had to fix it.",
                "action": "I looked into the database and improved performance.",
                "result": "p95 fell from 900 ms to 120 ms and Stripe stopped timing out.",
            }
        ]
    )
    r = Rewriter(rt, fake).rewrite(WEAK, question=rt.question_map[QID])
    invented = {f.text for f in r.unsupported_facts}
    assert {"900", "120", "40000"} <= invented and "Stripe" in invented and "Kubernetes" in invented
    assert "900" not in r.text and "Stripe" not in r.text and "[number?]" in r.text
    assert unsupported(r.text, [WEAK], rt.scorer.lex) == []
    assert fake.calls and "<<answer-" in fake.calls[0]["messages"][1][1]


def test_rewrite_cli_json_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")
    a, n = tmp_path / "a.txt", tmp_path / "n.txt"
    a.write_text(WEAK)
    n.write_text(NOTES)
    assert (
        main(["rewrite", "--question-id", QID, "--answer-file", str(a), "--notes-file", str(n), "--format", "json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert {"rewrite", "before", "after", "placeholders", "unsupported_facts"} <= set(out)
    assert {"overall", "rubrics", "coverage", "flags"} <= set(out["before"])
    assert (
        main(["rewrite", "--question-text", "Tell me about a time you fixed a slow endpoint", "--answer-file", str(a)])
        == 0
    )
    assert "To fill in" in capsys.readouterr().out
    assert main(["rewrite", "--answer-file", str(a)]) == 2
    assert main(["rewrite", "--question-id", QID, "--answer-file", str(tmp_path / "none.txt")]) == 2
