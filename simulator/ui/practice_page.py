"""Practice: set up a round, then the interview as a chat with a timer, hint / skip / end, and scorecards."""

from __future__ import annotations

import hashlib

import streamlit as st

from simulator.contracts import Session
from simulator.contracts.question import ROUNDS
from simulator.errors import MocksimError
from simulator.interviewer import events as ev
from simulator.interviewer.backends import Backend, LLMBackend, OfflineBackend
from simulator.interviewer.budget import describe_usage
from simulator.interviewer.engine import Interviewer, Plan, WallClock
from simulator.interviewer.intents import classify
from simulator.planning import infer_seniority
from simulator.store.figures import plural
from simulator.ui import voice
from simulator.ui.backend_choice import choose_backend, endpoint_problem, streams
from simulator.ui.components import answer_markdown, md_escape, scorecard, show_error, summary_view
from simulator.ui.mermaid import to_dot
from simulator.ui.names import criterion_name, question_title
from simulator.ui.resources import bank, make_backend, runtime, store
from simulator.ui.resume import keep_drafts, open_session, remember, sync_with_url
from simulator.ui.settings_page import offer_offline
from simulator.ui.state import AppState, state
from simulator.ui.transcript import session_events

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


def _offer_unfinished(s: AppState) -> None:
    """Unfinished sessions come first, each one click from where it stopped."""
    unfinished = [x for x in store().list_sessions(s.profile) if x.status == "active" and x.answers]
    if not unfinished:
        return
    st.subheader("Pick up where you stopped")
    for x in unfinished[:3]:
        c = st.columns([4, 1])
        c[0].markdown(
            f"**{x.created_at:%Y-%m-%d %H:%M}** · {', '.join(r.replace('_', ' ') for r in x.rounds)} · "
            f"{plural(x.answers, 'answer')} so far"
        )
        if c[1].button("Resume", key=f"resume_{x.id}", type="primary"):
            open_session(x.id)
            st.rerun()
    if len(unfinished) > 3:
        st.caption(f"{plural(len(unfinished) - 3, 'more unfinished session')} on Review.")


def _setup(s: AppState) -> None:
    if _startup_offer(s):
        return
    _offer_unfinished(s)
    st.subheader("Set up a round")
    chosen_backend = choose_backend("Interviewer", "setup_backend", s.backend)
    offer_offline(endpoint_problem(chosen_backend, s.llm_base_url, s.llm_api_key), "setup")
    with st.form("setup"):
        rounds = st.multiselect("Rounds", list(ROUNDS), default=["behavioral", "technical"], key="setup_rounds")
        c1, c2, c3 = st.columns(3)
        questions = c1.number_input("Questions", 1, 20, 3, key="setup_questions")
        minutes = c2.number_input("Minutes", 5, 240, 45, key="setup_minutes")
        seniority = c3.selectbox("Seniority", ["auto", "junior", "mid", "senior", "staff"], key="setup_seniority")
        jd = st.text_area("Job description (optional, pasted)", key="setup_jd", height=120)
        if s.focus or s.practise_question:
            st.caption(
                (f"Focus: **{criterion_name(s.focus)}**" if s.focus else "")
                + (f" · question: **{question_title(s.practise_question)}**" if s.practise_question else "")
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
        assert iv.session is not None
        st.query_params["session"] = iv.session.id
        st.rerun()
    except MocksimError as err:
        show_error(err)


def _render_event(e: ev.ChatEvent, last_answer: str | None, i: int) -> None:
    match e:
        case ev.CandidateSaid():
            with st.chat_message("user"):
                if e.follow_up:
                    st.caption("Answer to the follow-up")
                answer_markdown(e.text)
        case ev.QuestionAsked():
            with st.chat_message("assistant", avatar=":material/record_voice_over:"):
                round_name = e.round.replace("_", " ")
                st.markdown(f"**Question {e.index + 1} of {e.of}** · *{round_name}*\n\n{e.text}")
        case ev.ActionEvent():  # /hint, /skip, /end: what the candidate did, not what they said
            st.caption(f":material/touch_app: You {e.text}")
        case ev.InterviewerEvent():
            with st.chat_message("assistant", avatar=":material/record_voice_over:"):
                st.markdown(md_escape(e.text))
        case ev.PhaseEvent():
            st.caption(f"Phase {e.index + 1} of {e.of}: **{e.name}**")
        case ev.FollowUp() | ev.Clarified() | ev.HintGiven() | ev.Notice():
            with st.chat_message("assistant", avatar=":material/record_voice_over:"):
                label = {"follow_up": "Follow-up", "clarification": "", "hint": "Hint", "notice": "Note"}[e.type]
                st.markdown((f"**{label}:** " if label else "") + md_escape(e.text))
        case ev.Scored():
            if e.fallback_notice:  # the reason in words, once per session
                st.warning(e.fallback_notice)
            with (
                st.chat_message("assistant", avatar=":material/analytics:"),
                st.expander(f"Scorecard · {e.overall}/100"),
            ):
                scorecard(e, last_answer, key=f"card{i}")
        case ev.WrapUp():
            with st.chat_message("assistant", avatar=":material/flag:"):
                _summary(e)


def _summary(e: ev.WrapUp) -> None:
    summary_view(e)
    used = describe_usage(e.usage)
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


def _send(s: AppState, text: str, code: tuple[str, str] | None = None) -> None:
    """Send one message; the events it brings are kept until the next message (the stored turns are the record)."""
    iv = s.interviewer
    assert iv is not None
    key = turn_key(iv, text)
    if key in iv.turn_keys:
        st.toast("That was already sent; it counts once.")
        return
    s.events = []
    live = st.empty()
    said: list[str] = []

    def on_text(delta: str) -> None:
        said.append(delta)
        live.markdown("Interviewer: " + md_escape("".join(said)))

    try:
        with st.spinner("Scoring your answer (the first one also loads the model)…"):
            s.events = iv.respond(text, on_text if streams(s.backend) else None, turn_key=key)
        s.draft = ""
        assert iv.session is not None
        stored = store().get(s.profile, iv.session.id)
        remember(s, stored)
        if code is not None:
            _file_code(s, stored, text, code)
            s.clear_pads = True
    except MocksimError as err:
        s.draft = text
        show_error(err, saved="it is kept in the box below; send it again when ready.")
    live.empty()


def _file_code(s: AppState, stored: Session, text: str, code: tuple[str, str]) -> None:
    """The scratchpad went with this answer: keep it on the stored turn as code (language and source)."""
    mine = next((t for t in reversed(stored.turns) if t.answer == text and t.id is not None), None)
    if mine is not None and mine.id is not None:
        store().update_turn_meta(s.profile, mine.id, {"code": code[1], "code_language": code[0]})


CODE_LANGUAGES = ["python", "java", "go", "javascript", "typescript", "c++", "rust", "sql", "text"]


def _pads(s: AppState) -> tuple[str, tuple[str, str] | None]:
    """Coding rounds get a code scratchpad, design rounds a notes pad with a diagram. Each goes once, with the
    next answer, and is then cleared."""
    iv = s.interviewer
    assert iv is not None and iv.current is not None
    if s.clear_pads:
        st.session_state["scratchpad"] = ""
        st.session_state["notespad"] = ""
        s.clear_pads = False
    extra, code = "", None
    r = iv.current.question.round
    if r == "coding":
        c = st.columns([4, 1])
        lang = c[1].selectbox("Language", CODE_LANGUAGES, key="scratchpad_lang")
        source = c[0].text_area("Code scratchpad (sent once, with your next answer)", key="scratchpad", height=160)
        if source.strip():
            fence = "````" if "```" in source else "```"
            extra = f"\n\n{fence}{'' if lang == 'text' else lang}\n{source.rstrip()}\n{fence}"
            code = (str(lang), source)
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
            code = ("mermaid", notes)
    return extra, code


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


def _finished_view(s: AppState, session: Session) -> None:
    """A finished session opened by its URL: the transcript and the wrap-up, as on Review."""
    _transcript(session_events(session))
    if st.button("Start a new session", key="btn_new"):
        _close(s)


def _close(s: AppState) -> None:
    s.interviewer, s.events = None, []
    st.query_params.pop("session", None)
    st.rerun()


def _transcript(events: list[ev.ChatEvent]) -> None:
    last_answer = None
    for i, e in enumerate(events):
        if isinstance(e, ev.CandidateSaid):
            last_answer = e.text
        _render_event(e, last_answer, i)


def render() -> None:
    st.title("Practice")
    s = state()
    session = sync_with_url(s)
    if session is None:
        _setup(s)
        return
    if s.interviewer is None:
        _finished_view(s, session)
        return
    iv = s.interviewer
    minutes = session.minutes
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
        session = store().get(s.profile, session.id)
    usage = next((e.usage for e in s.events if isinstance(e, ev.WrapUp)), None)
    transient = [
        e for e in s.events if isinstance(e, ev.Notice | ev.InterviewerEvent | ev.PhaseEvent)
    ]  # not stored as turns
    _transcript([*session_events(session, iv, usage), *transient])
    remember(s, session)
    if iv.finished:
        if st.button("Start a new session", key="btn_new"):
            _close(s)
        return
    extra, code = _pads(s)
    if s.draft:
        st.info("Your last message was not processed. It is kept here:")
        st.text_area("Unsent text", value=s.draft, key="draft_box")
    keep_drafts(session.id)
    spoken = voice.voice_input(s)
    typed = st.chat_input("Your answer (or a clarifying question)", key="answer_box")
    text = typed or spoken
    if text is not None:
        if not text.strip() and not extra.strip():
            st.warning("That answer was empty. Type your answer, or use Hint, Skip or End.")
            return
        _send(s, text + extra, code)
        st.rerun()
