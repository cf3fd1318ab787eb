"""The session id lives in the URL (`?session=…`), so a reload, a second tab or a bookmark reopens the interview
exactly: the transcript comes from the stored turns, the clock from the stored times, and the unsent draft from
this browser's local storage."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st

from simulator.contracts import Session
from simulator.errors import MocksimError, NotFoundError
from simulator.interviewer.engine import Interviewer, WallClock
from simulator.ui.components import show_error
from simulator.ui.navigation import SESSION_ID, SESSION_PARAM
from simulator.ui.resources import make_backend, runtime, store
from simulator.ui.state import AppState

PARAM = SESSION_PARAM
# A gap this short since the last stored activity is a reload or a second tab, and the clock counts it; a longer
# one is a break, and the clock continues from the last stored answer instead (the time away is not counted).
RELOAD_GRACE_MINUTES = 10.0


def _minutes_spent(session: Session) -> float:
    last = max([session.created_at, *(t.submitted_at for t in session.turns)])
    now = datetime.now(UTC)
    away = (now - last).total_seconds() / 60
    spent_before = (last - session.created_at).total_seconds() / 60
    return spent_before + away if away <= RELOAD_GRACE_MINUTES else spent_before


def open_session(session_id: str) -> None:
    """Put a session in the URL; the next run reopens it."""
    st.query_params[PARAM] = session_id


def remember(s: AppState, session: Session) -> None:
    """What this tab has seen: another tab adding turns makes the next run rebuild the interview from the store."""
    s.known_turns = len(session.turns)


def _resume(s: AppState, session: Session) -> Interviewer:
    iv, _ = Interviewer.resume(
        runtime(),
        make_backend(s.backend, s.llm_base_url, s.llm_model, s.llm_api_key),
        store(),
        s.profile,
        session.id,
        clock=WallClock(),
    )
    iv.clock.already_spent(_minutes_spent(session))
    return iv


def sync_with_url(s: AppState) -> Session | None:
    """The session this tab shows (None: the set-up form), kept in step with `?session=` and the store."""
    current = s.interviewer.session.id if s.interviewer and s.interviewer.session else None
    sid = st.query_params.get(PARAM) or current
    if sid is None:
        return None
    if not SESSION_ID.match(sid):
        st.warning("That link does not name a session. Start a new one below, or open one from Review.")
        st.query_params.pop(PARAM, None)
        s.interviewer = None
        return None
    try:
        session = store().get(s.profile, sid)
    except NotFoundError:
        st.warning(
            f"There is no saved session '{sid}' for profile '{s.profile}'. It may have been deleted, or it belongs "
            "to another profile (Settings). Start a new one below."
        )
        st.query_params.pop(PARAM, None)
        s.interviewer = None
        return None
    if st.query_params.get(PARAM) != sid:
        st.query_params[PARAM] = sid
    stale = sid != current or s.known_turns != len(session.turns)
    if session.status != "active":
        if stale or (s.interviewer is not None and not s.interviewer.finished):
            s.interviewer, s.events = None, []  # a finished session is shown, not continued
        return session
    if stale or s.interviewer is None:
        try:
            s.interviewer, s.events = _resume(s, session), []
        except MocksimError as err:
            show_error(err)
            s.interviewer = None
            st.query_params.pop(PARAM, None)
            return None
        session = store().get(s.profile, sid)  # resuming may have scored an answer stored before a crash
        remember(s, session)
    return session


DRAFT_SCRIPT = """<script>
(function () {
  window.__mocksimDraftKey = %s;
  if (window.__mocksimDraftOn) return;
  window.__mocksimDraftOn = true;
  var FIELDS = {chat: 'textarea[data-testid="stChatInputTextArea"]', code: '.st-key-scratchpad textarea',
                notes: '.st-key-notespad textarea'};
  function key(name) { return window.__mocksimDraftKey + ':' + name; }
  function clearAll() { for (var n in FIELDS) localStorage.removeItem(key(n)); }
  document.addEventListener('input', function (e) {
    for (var n in FIELDS) {
      if (e.target.matches && e.target.matches(FIELDS[n])) localStorage.setItem(key(n), e.target.value);
    }
  }, true);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && e.target.matches && e.target.matches(FIELDS.chat)) clearAll();
  }, true);
  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('[data-testid="stChatInputSubmitButton"]')) clearAll();
  }, true);
  var setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  setInterval(function () {
    for (var n in FIELDS) {
      var el = document.querySelector(FIELDS[n]);
      if (!el || el.dataset.mocksimDraft === window.__mocksimDraftKey) continue;
      el.dataset.mocksimDraft = window.__mocksimDraftKey;
      var saved = localStorage.getItem(key(n));
      if (saved && !el.value) {
        setter.call(el, saved);
        el.dispatchEvent(new Event('input', {bubbles: true}));
        if (n !== 'chat') { el.focus(); el.blur(); }
      }
    }
  }, 300);
})();
</script>"""


def keep_drafts(session_id: str) -> None:
    """Text typed but not sent (answer box and pads) is kept in this browser as it is typed, per session, and put
    back after a reload or in a second tab. Sending clears it."""
    if SESSION_ID.match(session_id):
        st.html(DRAFT_SCRIPT % json.dumps("mocksim-draft:" + session_id), unsafe_allow_javascript=True)
