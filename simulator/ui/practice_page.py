"""Practice: set up a round, then the interview as a chat with a timer, hint / skip / end, and scorecards."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from simulator.contracts.question import ROUNDS
from simulator.errors import MocksimError
from simulator.interviewer.backends import Backend, LLMBackend, OfflineBackend
from simulator.interviewer.budget import describe_usage
from simulator.interviewer.engine import Interviewer, Plan, WallClock
from simulator.interviewer.intents import classify
from simulator.planning import infer_seniority
from simulator.ui import voice
from simulator.ui.components import md_escape, scorecard, show_error
from simulator.ui.mermaid import to_dot
from simulator.ui.resources import bank, make_backend, runtime, store
from simulator.ui.state import AppState, state

MAX_JD = 20_000


def _startup_offer(s: AppState) -> bool:
    """The model server failed its start-up check: say why, before any question, and offer offline."""
    if not s.startup_problem or s.pending_plan is None:
        return False
    st.error(f"**The model server cannot be used.** {s.startup_problem}")
    c1, c2 = st.columns(2)
    if c1.button("Continue offline", key="startup_offline"):
        _begin(s, s.pending_plan, OfflineBackend(runtime()))
    if c2.button("Back to setup", key="startup_back"):
        s.pending_plan, s.startup_problem = None, None
        st.rerun()
    return True


def _setup(s: AppState) -> None:
    if _startup_offer(s):
        return
    st.subheader("Set up a round")
    unfinished = [x for x in store().list_sessions(s.profile) if x.status == "active"]
    if unfinished:
        with st.expander(f"Resume an unfinished session ({len(unfinished)})"):
            choice = st.selectbox(
                "Session",
                [x.id for x in unfinished],
                key="resume_id",
                format_func=lambda i: next(
                    f"{x.id} · {x.created_at:%Y-%m-%d %H:%M} · {x.answers} answers" for x in unfinished if x.id == i
                ),
            )
            if st.button("Resume", key="resume_btn"):
                try:
                    iv, events = Interviewer.resume(
                        runtime(),
                        make_backend(s.backend, s.llm_base_url, s.llm_model, s.llm_api_key),
                        store(),
                        s.profile,
                        str(choice),
                        clock=WallClock(),
                    )
                    s.interviewer, s.events = iv, events
                    st.rerun()
                except MocksimError as err:
                    show_error(err)
    with st.form("setup"):
        rounds = st.multiselect("Rounds", list(ROUNDS), default=["behavioral", "technical"], key="setup_rounds")
        c1, c2, c3 = st.columns(3)
        questions = c1.number_input("Questions", 1, 20, 3, key="setup_questions")
        minutes = c2.number_input("Minutes", 5, 240, 45, key="setup_minutes")
        seniority = c3.selectbox("Seniority", ["auto", "junior", "mid", "senior", "staff"], key="setup_seniority")
        jd = st.text_area("Job description (optional, pasted)", key="setup_jd", height=120)
        chosen_backend = st.radio(
            "Interviewer",
            ["offline", "openai"],
            index=["offline", "openai"].index(s.backend),
            horizontal=True,
            key="setup_backend",
            help="openai uses the endpoint, model and key from the Settings page",
        )
        st.caption(
            "The endpoint, model and key for openai are set on the Settings page"
            + (f" · focus: **{s.focus}**" if s.focus else "")
            + (f" · question: **{s.practise_question}**" if s.practise_question else "")
        )
        go = st.form_submit_button("Start the interview")
    if not go:
        return
    if not rounds and not s.practise_question:
        st.error("Pick at least one round.")
        return
    if len(jd) > MAX_JD:
        st.warning(f"The job description is {len(jd):,} characters; the first {MAX_JD:,} are used.")
        jd = jd[:MAX_JD]
    s.backend = chosen_backend
    jd_text = jd.strip() or None
    level = seniority if seniority != "auto" else (infer_seniority(jd_text) if jd_text else "mid")
    plan = Plan(
        rounds=list(rounds) or ["behavioral"],
        questions=int(questions),
        minutes=int(minutes),
        seniority=level,
        job_description=jd_text,
        focus=s.focus,
        question_ids=[s.practise_question] if s.practise_question else [],
    )
    try:
        with st.spinner("Choosing questions…"):
            bank()
            chosen = make_backend(s.backend, s.llm_base_url, s.llm_model, s.llm_api_key)
        if isinstance(chosen, LLMBackend):
            with st.spinner("Checking the model server…"):
                check = chosen.prepare()
            if check.mode is None:
                kind, detail = chosen.disabled or ("unsupported", "")
                s.pending_plan = plan
                s.startup_problem = chosen.explain(kind, detail, session_wide=True).replace(
                    "this session is scored offline from here on.", "mocksim cannot use it."
                )
                st.rerun()
        _begin(s, plan, chosen)
    except MocksimError as err:
        show_error(err)


def _begin(s: AppState, plan: Plan, chosen: Backend) -> None:
    """Start the round with `chosen`; a start-up problem offered offline instead is cleared here."""
    s.pending_plan, s.startup_problem = None, None
    try:
        with st.spinner("Choosing questions…"):
            iv = Interviewer(runtime(), chosen, store(), s.profile, clock=WallClock())
            s.events = iv.start(plan)
        s.interviewer, s.focus, s.practise_question = iv, None, None
        st.rerun()
    except MocksimError as err:
        show_error(err)


def _render_event(e: dict[str, Any], last_answer: str | None, i: int) -> None:
    kind = e["type"]
    if kind == "candidate":
        with st.chat_message("user"):
            st.markdown(md_escape(e["text"]))
    elif kind == "question":
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            st.markdown(f"**Question {e['index'] + 1}/{e['of']}** · *{e['round']}*\n\n{e['text']}")
    elif kind == "action":  # /hint, /skip, /end: what the candidate did, not what they said
        st.caption(f":material/touch_app: You {e['text']}")
    elif kind == "interviewer":
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            st.markdown(md_escape(e["text"]))
    elif kind == "phase":
        st.caption(f"Phase {e['index'] + 1} of {e['of']}: **{e['name']}**")
    elif kind in ("follow_up", "clarification", "hint", "notice"):
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            label = {"follow_up": "Follow-up", "clarification": "", "hint": "Hint", "notice": "Note"}[kind]
            st.markdown((f"**{label}:** " if label else "") + md_escape(e["text"]))
    elif kind == "scorecard":
        if e.get("fallback_notice"):  # the reason in words, once per session
            st.warning(e["fallback_notice"])
        with (
            st.chat_message("assistant", avatar=":material/analytics:"),
            st.expander(f"Scorecard · {e['overall']}/100"),
        ):
            scorecard(e, last_answer, key=f"card{i}")
    elif kind == "summary":
        with st.chat_message("assistant", avatar=":material/flag:"):
            _summary(e)


def _summary(e: dict[str, Any]) -> None:
    if not e.get("answered"):
        st.markdown("**Session over.** No answers were scored.")
        return
    st.markdown(f"**Session complete** · {e['answered']} questions · mean {e['overall_mean']}/100")
    st.table(
        {"rubric": list(e["rubric_averages"]), "average (1-5)": [f"{v:.1f}" for v in e["rubric_averages"].values()]}
    )
    st.markdown(f"**Strongest:** {e['strongest']['name']} ({e['strongest']['mean_level']}/5)")
    for q in e["strongest"]["quotes"]:
        st.markdown(f"> {md_escape(q)}")
    st.markdown(
        f"**Weakest:** {e['weakest']['name']} ({e['weakest']['mean_level']}/5) — {md_escape(e['weakest']['feedback'])}"
    )
    st.markdown("**Three drills**\n" + "\n".join(f"{n + 1}. {md_escape(d)}" for n, d in enumerate(e["drills"])))
    st.markdown(f"**Next time, focus on:** `{e['next_focus']}`")
    used = describe_usage(e.get("usage"))
    if used:
        st.caption(used)


def turn_key(iv: Interviewer, text: str) -> str:
    """The page's key for one submission, accepted once by the store. An answer's key is its words within the
    session, so a double submit, a retry or a reload that resubmits it never makes a second turn, even when
    the first one has already moved the interview on. A command's key is its place in the interview, so
    /hint on the next question still works but a double click on Hint counts once."""
    cur = iv.current
    if classify(text).kind == "command":
        where = f"{iv.pos}|{cur.follow_ups if cur else 0}|{len(iv.asked_probes)}|{text.strip().lower()}"
    else:
        where = " ".join(text.split())
    return hashlib.sha256(f"{iv.session_id}|{where}".encode()).hexdigest()[:32]


def _send(s: AppState, text: str) -> None:
    iv = s.interviewer
    assert iv is not None
    key = turn_key(iv, text)
    if key in iv.turn_keys:
        st.toast("That was already sent; it counts once.")
        return
    if classify(text).kind != "command":
        s.events.append({"type": "candidate", "text": text})
    live = st.empty()
    said: list[str] = []

    def on_text(delta: str) -> None:
        said.append(delta)
        live.markdown("Interviewer: " + md_escape("".join(said)))

    try:
        with st.spinner("Scoring your answer (the first one also loads the model)…"):
            s.events += iv.respond(text, on_text if s.backend != "offline" else None, turn_key=key)
        s.draft = ""
    except MocksimError as err:
        s.draft = text
        show_error(err, saved="it is kept in the box below; send it again when ready.")
    live.empty()


def _pads(s: AppState) -> str:
    """Coding rounds get a code scratchpad, design rounds a notes pad with a diagram; both go with the answer."""
    iv = s.interviewer
    assert iv is not None and iv.current is not None
    extra = ""
    r = iv.current.question.round
    if r == "coding":
        code = st.text_area("Code scratchpad (sent with your next answer)", key="scratchpad", height=160)
        if code.strip():
            extra = f"\n\n```\n{code}\n```"
    if r == "system_design":
        notes = st.text_area(
            "Design notes (Mermaid flowchart, e.g. `A[Client] --> B[API]`)", key="notespad", height=140
        )
        if notes.strip():
            dot, problems = to_dot(notes)
            if dot:
                st.graphviz_chart(dot)
            for p in problems:
                st.caption(f"Diagram: {p}")
            extra = f"\n\nDesign notes:\n{notes}"
    return extra


def _clock(elapsed: float, minutes: int) -> None:
    secs = int(elapsed * 60)
    label = f"Time: {secs // 60}:{secs % 60:02d} of {minutes} min"
    if elapsed >= minutes:
        label += " · time is up: your next answer closes the session"
    st.progress(min(1.0, elapsed / minutes), text=label)


@st.fragment(run_every=1)
def _live_clock(iv: Interviewer, minutes: int) -> None:
    """Ticks every second on its own; the rest of the page does not rerun."""
    _clock(iv.clock(), minutes)


def render() -> None:
    st.title("Practice")
    s = state()
    if s.interviewer is None:
        _setup(s)
        return
    iv = s.interviewer
    minutes = iv.session.minutes if iv.session else 45
    top = st.columns([3, 1, 1, 1])
    with top[0]:
        if iv.finished:
            _clock(iv.clock(), minutes)
        else:
            _live_clock(iv, minutes)
    pressed = None
    if not iv.finished:
        if top[1].button("Hint", key="btn_hint"):
            pressed = "/hint"
        if top[2].button("Skip", key="btn_skip"):
            pressed = "/skip"
        if top[3].button("End", key="btn_end"):
            pressed = "/end"
    if pressed:
        _send(s, pressed)
    last_answer = None
    for i, e in enumerate(s.events):
        if e["type"] == "candidate":
            last_answer = e["text"]
        _render_event(e, last_answer, i)
    if iv.finished:
        if st.button("Start a new session", key="btn_new"):
            s.interviewer, s.events = None, []
            st.rerun()
        return
    extra = _pads(s)
    if s.draft:
        st.info("Your last message was not processed. It is kept here:")
        st.text_area("Unsent text", value=s.draft, key="draft_box")
    spoken = voice.voice_input(s)
    typed = st.chat_input("Your answer (or a clarifying question)", key="answer_box")
    text = typed or spoken
    if text is not None:
        if not text.strip() and not extra.strip():
            st.warning("That answer was empty. Type your answer, or use Hint, Skip or End.")
            return
        _send(s, text + extra)
        st.rerun()
