"""One set of numbers for a stored session: the wrap-up, Review, Progress and the exports all read them here.

Counted from the stored turns, so a session reads the same before and after a resume:
- main questions: bank questions with at least one scored answer;
- answers: scored answer turns, follow-up answers included;
- mean: the mean overall score of each main question's last scored answer (what the wrap-up reports)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.contracts import Question, Rubric, Scorecard, Session, Turn
from simulator.interviewer.events import WrapUp
from simulator.interviewer.wrapup import wrap_up_of


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 question', '2 questions'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def is_follow_up(t: Turn) -> bool:
    """A turn answering a follow-up, not the main question (the engine stores which follow-up it was)."""
    no = t.meta.get("follow_up_no")
    return isinstance(no, int) and no > 0


def final_cards(session: Session) -> dict[str, Scorecard]:
    """Each main question's last scored answer, in the order the questions were answered."""
    out: dict[str, Scorecard] = {}
    for t in session.turns:
        if t.kind == "answer" and t.scorecard is not None and t.question_id:
            out.pop(t.question_id, None)
            out[t.question_id] = t.scorecard
    return out


@dataclass(frozen=True)
class Figures:
    main_questions: int
    answers: int
    follow_ups: int
    mean: float | None

    def label(self) -> str:
        """'2 main questions · 6 answers · mean 46/100' — says what is counted."""
        if not self.answers:
            return "no answers scored"
        mean = "" if self.mean is None else f" · mean {self.mean:.0f}/100"
        return f"{plural(self.main_questions, 'main question')} · {plural(self.answers, 'answer')} scored{mean}"


def figures(session: Session) -> Figures:
    cards = final_cards(session)
    scored = [t for t in session.turns if t.kind == "answer" and t.scorecard is not None]
    mean = round(sum(c.overall for c in cards.values()) / len(cards), 1) if cards else None
    return Figures(len(cards), len(scored), sum(1 for t in scored if is_follow_up(t)), mean)


def wrap_up(session: Session, questions: dict[str, Question], rubrics: dict[str, Rubric]) -> WrapUp:
    """The wrap-up as computed from the stored turns (the same on Practice, after a resume and on Review)."""
    cards = final_cards(session)
    known = {k: v for k, v in questions.items() if k in session.question_ids or k in cards}
    f = figures(session)
    return wrap_up_of(session.id, cards, known, rubrics).model_copy(
        update={"main_questions": f.main_questions, "answers_scored": f.answers, "label": f.label()}
    )
