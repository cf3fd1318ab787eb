"""After an answer is stored: score it, then follow up, move to the next question or wrap up."""

from __future__ import annotations

from typing import Any

from simulator.contracts import Scorecard, Turn
from simulator.interviewer.backends import TurnContext, TurnResult
from simulator.interviewer.budget import history_text
from simulator.interviewer.core import InterviewerCore
from simulator.interviewer.events import Event, InterviewerEvent, Scored, UsageReport
from simulator.interviewer.wrapup import phases_summary, wrap_up_of
from simulator.llm.base import OnText
from simulator.tokens import encoding_for


class TurnFlow(InterviewerCore):
    def _score_and_move(self, turn: Turn, on_text: OnText | None) -> list[Event]:
        cur = self._require()
        ctx = TurnContext(
            cur.question,
            cur.question.prompt,
            "\n\n".join(cur.answers),
            history_text(self.summary_lines, self.recent, self.backend.model),
            self.max_follow_ups - cur.follow_ups,
            list(self.asked_probes),
            set(cur.covered),
            cur.deepened,
            cur.phases if self.max_follow_ups > 0 else None,  # no follow-ups at all: no phase walk either
            self.clock(),
        )
        result = self.backend.turn(ctx, on_text)
        card = result.scorecard
        if result.evidence is not None:
            cur.mentioned |= result.evidence.mentioned
        if cur.hint_used and "hint_used" not in card.flags:
            card = card.model_copy(update={"flags": [*card.flags, "hint_used"]})
        assert turn.id is not None
        self.store.attach_scorecard(
            self.owner,
            turn.id,
            card,
            result.prompt_version,
            result.prompt_tokens,
            result.completion_tokens,
            result.latency_ms,
        )
        if result.requests:
            self.usage.add(result.prompt_tokens, result.completion_tokens, result.requests)
        self._absorb(card, turn.asked, turn.answer)
        move = "wrap_up" if self.clock() >= self._minutes() else result.move
        follow = result.follow_up
        evidence = [q for r in card.rubrics.values() for c in r.criteria.values() for q in c.evidence]
        evidence = [q for q in evidence if q in turn.answer]  # quote this turn's words, not an earlier one's
        ack = result.acknowledgement or self.voice.acknowledge(turn.answer, evidence, self.session_id, turn.index)
        modelled = result.requests > 0 and result.fallback is None and bool(result.says)
        self.model_words = result.says if modelled and move != "follow_up" else None
        self._record_move(turn, card, result, move, ack)
        self.turn_backends[card.backend] = self.turn_backends.get(card.backend, 0) + 1
        scored = Scored.of(
            card,
            cur.question.id,
            turn.index,
            fallback=result.fallback,
            fallback_reason=result.meta.get("fallback_reason") if result.fallback else None,
            fallback_notice=result.notice,
            phases_reached=cur.phases.names() if cur.phases is not None else None,
        )
        said = InterviewerEvent(kind="acknowledgement", text=ack, question_id=cur.question.id)
        moved = self._apply_move(
            move,
            follow.text if follow else None,
            follow.target if follow else None,
            kind=follow.kind if follow else "probe",
            phase=follow.phase if follow else None,
        )
        return [scored, said, *moved]

    def _record_move(self, turn: Turn, card: Scorecard, result: TurnResult, move: str, ack: str) -> None:
        """What the engine decided, on the stored turn: a resume replays it from here."""
        cur = self._require()
        follow = result.follow_up
        assert turn.id is not None
        self.store.update_turn_meta(
            self.owner,
            turn.id,
            {
                "move": move,
                "follow_up": follow.text if follow else None,
                "follow_up_target": follow.target if follow else None,
                "follow_up_kind": follow.kind if follow else None,
                "follow_up_phase": follow.phase if follow else None,
                "phases_reached": list(cur.phases.reached) if cur.phases else None,
                "acknowledgement": ack,
                "fallback": result.fallback,
                "latency_ms": round(result.latency_ms, 1),
                "backend": card.backend,
                "model_requests": result.requests,
                **({"fallback_notice": result.notice} if result.notice else {}),
                **result.meta,
            },
        )

    def _absorb(self, card: Scorecard, asked: str, answer: str) -> None:
        cur = self._require()
        cur.covered |= set(card.covered_points)
        if cur.phases is not None:
            cur.phases.absorb(card, self.data.evidence.criterion_level)
        self.final_cards[cur.question.id] = card
        weakest = min(
            ((c.level, f"{r}.{k}") for r, rs in card.rubrics.items() for k, c in rs.criteria.items()), default=(0, "-")
        )[1]
        self.summary_lines.append(f"- {cur.question.id}: overall {card.overall}, weakest {weakest}")
        self.recent.append((asked, answer))

    def _apply_move(
        self,
        move: str,
        follow_text: Any,
        target: Any,
        emit: bool = True,
        kind: str = "probe",
        phase: Any = None,
    ) -> list[Event]:
        cur = self._require()
        if move == "wrap_up":
            return self.wrap_up() if emit else self._finish_quietly()
        if move == "follow_up" and isinstance(follow_text, str) and follow_text:
            out: list[Event] = []
            if kind != "phase":
                cur.follow_ups += 1
            if kind == "deepening":
                cur.deepened = True
            if isinstance(phase, str) and cur.phases is not None and phase in cur.phases.ids():
                entering = phase not in cur.phases.steered and cur.phases.ids()[cur.phases.current] != phase
                if kind != "probe" and entering:
                    cur.phases.enter(phase, self.clock())
                    out.append(self._phase_event())
            cur.asked = follow_text
            cur.target = str(target) if target else None
            cur.kind = kind
            self.asked_probes.append(follow_text)
            return [*out, self._follow_up_event()] if emit else []
        return self._advance(emit)

    def _advance(self, emit: bool = True) -> list[Event]:
        self.pos += 1
        if self.pos >= len(self.questions):
            return self.wrap_up() if emit else self._finish_quietly()
        self.current = self._new_current(self.pos)
        if not emit:
            return []
        words, self.model_words = self.model_words, None
        text = words or self.voice.transition(self.session_id, self.pos)
        return [InterviewerEvent(kind="transition", text=text), self._question_event()]

    def _finish_quietly(self) -> list[Event]:
        self.finished = True
        return []

    # --------------------------------------------------------------- wrap up
    def wrap_up(self) -> list[Event]:
        assert self.session is not None
        self.finished = True
        self.store.set_status(self.owner, self.session.id, "finished")
        summary = wrap_up_of(self.session.id, self.final_cards, {q.id: q for q in self.questions}, self.rt.rubrics)
        summary.phases = phases_summary(self.phase_log, {q.id: q.round for q in self.questions})
        summary.usage = self._usage_report()
        summary.scored_by = dict(self.turn_backends)
        words, self.model_words = self.model_words, None
        closing = words or self.voice.closing(self.session.id)
        return [InterviewerEvent(kind="closing", text=closing), summary]

    def _usage_report(self) -> UsageReport:
        per_turn = sorted(p for p, _ in self.usage.per_turn)
        ledger = getattr(getattr(self.backend, "chat", None), "ledger", None)  # retries, estimated token counts
        return UsageReport(
            model_requests=self.usage.requests,
            prompt_tokens=self.usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens,
            median_prompt_tokens_per_turn=per_turn[len(per_turn) // 2] if per_turn else 0,
            estimated_cost_usd=self.usage.cost(self.rt.settings.llm_prices, self.backend.model),
            encoding=encoding_for(self.backend.model).name,
            model_retries=None if ledger is None else ledger.retries,
            tokens_estimated=None if ledger is None else ledger.estimated,
        )
