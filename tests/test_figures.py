"""One set of numbers per stored session, evidence marked per criterion, answers rendered as safe HTML."""

from __future__ import annotations

from simulator.contracts import Scorecard, Session, Turn
from simulator.contracts.scorecard import CriterionScore, RubricScore
from simulator.interviewer.wrapup import _own_quotes
from simulator.store.answer_html import answer_html
from simulator.store.figures import figures, plural
from simulator.store.marks import criteria, css_id, marked_answer, rubric_colours


def _card(overall: int, quotes: dict[str, list[str]]) -> Scorecard:
    return Scorecard(
        overall=overall,
        rubrics={
            "specificity": RubricScore(
                score=3.0,
                criteria={
                    cid: CriterionScore(level=3, evidence=qs, feedback="Name the tools.") for cid, qs in quotes.items()
                },
            )
        },
        round="technical",
    )


def _session(turns: list[Turn]) -> Session:
    return Session(id="s1", rounds=["technical"], question_ids=["q-a", "q-b"], turns=turns)


def test_counts_say_what_is_counted() -> None:
    a = _card(40, {"quantified": ["4 s"]})
    turns = [
        Turn(index=0, question_id="q-a", asked="A?", answer="x", meta={"follow_up_no": 0}, scorecard=a),
        Turn(index=1, question_id="q-a", asked="Why?", answer="y", meta={"follow_up_no": 1}, scorecard=_card(60, {})),
        Turn(index=2, question_id="q-a", asked="Why?", kind="hint", answer="/hint", meta={"follow_up_no": 1}),
        Turn(index=3, question_id="q-b", asked="B?", answer="z", meta={"follow_up_no": 0}, scorecard=_card(80, {})),
    ]
    f = figures(_session(turns))
    assert (f.main_questions, f.answers, f.follow_ups, f.mean) == (2, 3, 1, 70.0), "mean of each question's last"
    assert f.label() == "2 main questions · 3 answers scored · mean 70/100"
    assert figures(_session(turns[:1])).label() == "1 main question · 1 answer scored · mean 40/100"
    assert figures(_session([])).label() == "no answers scored"
    assert plural(1, "match", "matches") == "1 match" and plural(0, "answer") == "0 answers"


def test_marks_follow_the_chosen_criterion() -> None:
    card = _card(50, {"quantified": ["cut p95 to 300 ms"], "named_specifics": ["PostgreSQL", "cut p95"]})
    crits = criteria(card.public()["rubrics"], {}, rubric_colours(["specificity"]))  # type: ignore[arg-type]
    answer = "On PostgreSQL I cut  p95 to 300 ms <b>fast</b>."
    every = marked_answer(answer, crits)
    assert every.count("<mark") == 3 and "&lt;b&gt;" in every, "overlaps split, candidate HTML escaped"
    only = marked_answer(answer, crits, only="specificity.quantified")
    assert only.count("<mark") == 1 and css_id("specificity.named_specifics") not in only
    assert "cut  p95 to 300 ms</mark>" in only, "runs of spaces in the answer still match the quote"


def test_strongest_quotes_lead_with_the_criterions_own_sentence() -> None:
    card = _card(50, {"quantified": ["shared", "only mine"], "named_specifics": ["shared"]})
    assert _own_quotes(card, "specificity", "quantified") == ["only mine", "shared"]
    assert _own_quotes(card, "specificity", "named_specifics") == ["shared"], "still its own evidence"


def test_answer_html_keeps_code_and_never_runs_candidate_html() -> None:
    page = answer_html("Hi <script>x()</script>\n\n```python\nif a >= b:\n    pass\n```\n[x](javascript:alert(1))")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&gt;=" in page and "<pre" in page and "style=" in page, "highlighted with inline colours"
    assert 'href="javascript:' not in page, "a script link stays text"


def test_html_and_markdown_exports_name_criteria_mark_evidence_and_include_the_wrap_up() -> None:
    from simulator.runtime import get_runtime
    from simulator.store.export import to_html, to_markdown

    rt = get_runtime()
    q = rt.question_map["tq-ops-exactly-once-payments"]
    card = _card(55, {"quantified": ["cut p95 to 300 ms"], "named_specifics": ["PostgreSQL"]})
    card = card.model_copy(update={"question_id": q.id})
    answer = "On PostgreSQL I cut p95 to 300 ms.\n\n```sql\nSELECT 1 WHERE 2 >= 1;\n```"
    session = _session(
        [Turn(index=0, question_id=q.id, asked=q.prompt, answer=answer, meta={"q_pos": 0}, scorecard=card)]
    ).model_copy(update={"question_ids": [q.id], "status": "finished"})
    page = to_html(session, rt.rubrics, rt.question_map)
    assert "Named specifics" in page and "specificity.named_specifics" not in page, "names, not ids"
    assert "class='ev " in page and "ev-legend" in page and ":has(.ev-crit" in page, "marks per criterion, hover"
    assert "<h2>Wrap-up</h2>" in page and "1 main question · 1 answer scored · mean 55/100" in page
    assert "&gt;=" in page and "<pre" in page
    md = to_markdown(session, rt.rubrics, rt.question_map)
    assert "```sql\nSELECT 1 WHERE 2 >= 1;\n```" in md and "## Wrap-up" in md and "Question 1 of 1" in md
