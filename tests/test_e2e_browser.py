"""End to end in a real browser (Debian's headless Chromium): a two-question offline round then Review; a reload
mid-session restoring transcript, clock and draft; code rendered as code in the chat and on Review; a criterion
selected marking only its quotes; "Practise this" starting the right round; the Settings warnings.

Screenshots for the README are written to artifacts/ only when MOCKSIM_SCREENSHOTS=1 (`make screenshots`), so
`make test` leaves tracked files alone."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.settings import PROJECT_ROOT

from .servers import free_port, streamlit_app

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "artifacts"
SHOTS = os.environ.get("MOCKSIM_SCREENSHOTS") == "1"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
STORY = (
    "Last year our checkout API on PostgreSQL slowed to 4 s at p95. I profiled it, found an N+1 "
    "query, added a composite index and cut p95 to 300 ms, because the sale started in two days."
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-home")


@pytest.fixture(scope="module")
def app_url(home: Path, minilm_home: Path, model_cache: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: Debian's chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    # the real default: MiniLM, embedded Chroma, SQLite. The data dir is fresh (the first round builds the index);
    # the encoder's export and the fitted models come from the run's cache (minilm_home made them).
    env = {**os.environ, "MOCKSIM_HOME": str(home), "MOCKSIM_CACHE_DIR": str(model_cache)}
    env.pop("MOCKSIM_EMBEDDER", None)
    env.pop("OPENAI_API_KEY", None)
    with streamlit_app(env, home / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=180_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000 if not SHOTS else 1600})
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    yield pg
    context.close()


def shot(page: Any, name: str, full: bool = True) -> None:
    if SHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def start(page: Any, url: str, rounds: list[str], questions: int) -> None:
    from playwright.sync_api import expect

    page.goto(url)  # Practice is the default page, at the root URL
    expect(page.get_by_text("Set up a round")).to_be_visible()
    box = page.get_by_test_id("stMultiSelect")
    for default in ("behavioral", "technical"):
        if default not in rounds:
            box.get_by_role("button", name=f"Remove {default}").click()
    for r in rounds:
        if r not in ("behavioral", "technical"):
            box.get_by_label("Rounds").click()
            page.keyboard.type(r)
            page.get_by_role("option", name=r, exact=True).click()
            page.keyboard.press("Escape")
    field = page.get_by_label("Questions")
    field.fill(str(questions))
    field.press("Tab")
    page.get_by_role("button", name="Start the interview").click()
    # the first round of a fresh data dir builds the question index with MiniLM: minutes on a busy 2-core box
    expect(page.get_by_text(f"Question 1 of {questions}")).to_be_visible(timeout=900_000)
    expect(page).to_have_url(re.compile(r"[?&]session=[0-9a-f]+"))
    # the round's first run has finished drawing (no "Running..." icon) before anything is typed into it
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0)


def send(page: Any, text: str) -> None:
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(text)
    chat.press("Enter")


def test_two_question_offline_round_then_review_and_progress(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    start(page, app_url, ["behavioral", "technical"], 2)
    # the clock ticks on its own, with no input from the candidate
    expect(page.get_by_text(re.compile(r"Time: (?:0:0[2-9]|0:[1-5]\d|[1-9]\d*:\d\d) of 45 min"))).to_be_visible()
    send(page, STORY)
    expect(page.get_by_text("Scorecard ·").first).to_be_visible()
    page.get_by_text("Scorecard ·").first.click()
    expect(page.get_by_text("Your answer, with the quoted evidence marked").first).to_be_visible()
    shot(page, "practice-scorecard")
    if page.get_by_text("Question 2 of 2").count() == 0:
        page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    send(page, "I would keep one relational database and add a Redis cache in front of the hot reads first.")
    expect(page.get_by_text("Scorecard ·").nth(1)).to_be_visible()
    if page.get_by_text("Session complete").count() == 0:
        page.get_by_role("button", name="End", exact=True).click()
    expect(page.get_by_text("Session complete")).to_be_visible()
    expect(page.get_by_text("Three drills")).to_be_visible()
    label = page.get_by_text(re.compile(r"Session complete · \d+ main questions? · \d+ answers? scored")).inner_text()
    expect(page.get_by_role("button", name="Start a new session")).to_be_visible()
    shot(page, "practice-summary")
    page.goto(f"{app_url}/review")
    expect(page.get_by_text("cut p95 to 300 ms").first).to_be_visible()
    expect(page.get_by_text("add a Redis cache in front of the hot reads").first).to_be_visible()
    expect(page.get_by_text(label).first).to_be_visible()  # the same wrap-up numbers as on Practice
    shot(page, "review")
    page.goto(f"{app_url}/progress")
    expect(page.get_by_text("Trends by rubric")).to_be_visible()
    page.wait_for_timeout(1500)  # let the charts draw
    shot(page, "progress")
    page.goto(f"{app_url}/bank")
    expect(page.get_by_text("Question bank").first).to_be_visible()
    shot(page, "question-bank", full=False)


def test_reload_mid_session_restores_transcript_clock_and_draft(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    start(page, app_url, ["technical"], 2)
    send(page, "I would add a composite index on (user_id, created_at) and cache the hot reads in Redis.")
    expect(page.get_by_text("Scorecard ·").first).to_be_visible()
    asked = page.get_by_text(re.compile(r"^(Follow-up:|Question 2 of 2)")).last  # what the interviewer waits on
    expect(asked).to_be_visible()
    waiting = asked.inner_text()
    draft = "Half-typed: first I would measure the p95 latency"
    page.get_by_test_id("stChatInputTextArea").fill(draft)
    page.wait_for_timeout(2500)  # the clock ticks; the draft is kept as it is typed
    before = _seconds(page)
    assert before >= 2
    url = page.url
    page.reload()
    assert page.url == url
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.get_by_text("composite index on (user_id, created_at)").first).to_be_visible()
    expect(page.get_by_text("Scorecard ·").first).to_be_visible()
    expect(page.get_by_text(waiting, exact=True).last).to_be_visible()
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_value(draft)
    assert _seconds(page) >= before, "the clock continues from the stored times"
    second = page.context.new_page()  # a second tab on the same link
    second.goto(url)
    expect(second.get_by_text("composite index on (user_id, created_at)").first).to_be_visible()
    second.close()


def _seconds(page: Any) -> int:
    text = page.get_by_text(re.compile(r"Time: \d+:\d\d of")).first.inner_text()
    m = re.search(r"Time: (\d+):(\d\d)", text)
    assert m
    return int(m.group(1)) * 60 + int(m.group(2))


def test_code_renders_as_code_in_chat_and_review(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    start(page, app_url, ["coding"], 2)
    pad = page.locator(".st-key-scratchpad textarea")
    pad.fill(
        "def longest(xs):\n    best = 0\n    for x in xs:\n        if x >= best:\n            best = x\n    return best"
    )
    pad.press("Tab")
    send(page, "One pass, keeping the best so far: O(n) time and O(1) space.")
    code = page.get_by_test_id("stChatMessage").locator("[data-testid='stCode'] code").filter(has_text="longest").first
    expect(code).to_be_visible()
    assert "if x >= best:\n" in code.inner_text(), "lines and >= are kept"
    assert code.locator("span").count() > 3, "highlighted"
    assert page.get_by_text("```").count() == 0
    expect(pad).to_have_value("")
    page.get_by_text("Scorecard ·").first.click()
    shot(page, "practice-code")
    page.goto(f"{app_url}/review")
    expect(page.locator("[data-testid='stCode'] code").filter(has_text="longest").first).to_be_visible()


def test_selecting_a_criterion_marks_only_its_quotes(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    start(page, app_url, ["behavioral"], 2)
    send(page, STORY + " I learned to load test before every big sale, and the team now does it each quarter.")
    page.get_by_text("Scorecard ·").first.click()
    answer = page.locator(".ev-answer").first
    expect(answer).to_be_visible()
    classes = answer.evaluate("a => [...a.querySelectorAll('mark')].map(m => m.className)")
    keys = sorted({c for cls in classes for c in cls.split() if c.startswith("c-")})
    assert len(keys) >= 2, f"several criteria are marked at first: {keys}"
    key = keys[0]
    name = page.locator(f".ev-crit.{key}").first.inner_text().split(" (")[0]
    page.get_by_test_id("stRadio").first.get_by_text(name, exact=True).click()
    page.wait_for_function(
        "k => { const a = document.querySelector('.ev-answer'); const ms = [...a.querySelectorAll('mark')];"
        " return ms.length > 0 && ms.every(m => m.classList.contains(k)); }",
        arg=key,
    )
    shot(page, "evidence-one-criterion")


def test_practise_this_starts_the_right_round(app_url: str, home: Path, page: Any) -> None:
    from playwright.sync_api import expect

    start(page, app_url, ["technical"], 1)
    send(page, "I would cache it.")
    expect(page.get_by_text("Scorecard ·").first).to_be_visible()
    if page.get_by_text("Session complete").count() == 0:
        page.get_by_role("button", name="End", exact=True).click()
    expect(page.get_by_text("Session complete")).to_be_visible()
    page.goto(f"{app_url}/progress")
    expect(page.get_by_text("Weakest dimension")).to_be_visible()
    weakest = page.get_by_text(re.compile(r"mean \d\.\d/5 over your last sessions")).inner_text()
    page.get_by_role("button", name="Practise this").click()
    expect(page.get_by_text("Question 1 of 1")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]session=[0-9a-f]+"))
    question = page.get_by_test_id("stChatMessage").filter(has_text="Question 1 of 1").first.inner_text()
    expected = _expected_practice(home)
    assert expected.round.replace("_", " ") in question, (question, weakest)
    expect(page.get_by_text(expected.prompt[:60]).first).to_be_visible()


def _expected_practice(home: Path) -> Any:
    """What "Practise this" should pick, worked out from the same store (read in this process)."""
    from simulator.runtime import Runtime
    from simulator.settings import Settings
    from simulator.store import SessionStore
    from simulator.store.progress import compute
    from simulator.ui.practise import choose_question

    settings = Settings(home=home)
    rt = Runtime(settings)
    store = SessionStore(settings.effective_database_url)
    owner = settings.profile
    try:
        sessions = store.list_sessions(owner)
        newest = sessions[0]  # the session "Practise this" just started
        prog = compute(store, owner, rt.questions)
        assert prog.weakest
        rid, _, cid = prog.weakest.partition(".")
        by_id = rt.question_map
        met = [
            by_id[r.question_id].round
            for r in store.criterion_history(owner)
            if r.rubric == rid and r.criterion == cid and r.question_id in by_id and r.session_id != newest.id
        ]
        seen = {t.question_id for s in sessions[1:] for t in store.get(owner, s.id).turns if t.question_id}
        q = choose_question(prog.weakest, rt.questions, met, seen)
        assert q is not None and rid in q.rubrics
        return q
    finally:
        store.close()


def test_settings_warn_when_openai_cannot_work(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/settings")
    page.get_by_text("openai", exact=True).first.click()
    expect(page.get_by_text("No API key: OpenAI needs one")).to_be_visible()
    shot(page, "settings-no-key", full=False)
    page.get_by_role("button", name="Continue offline").click()
    expect(page.get_by_text("No API key: OpenAI needs one")).to_have_count(0)
    base = page.get_by_label("Base URL")
    base.fill(f"http://127.0.0.1:{free_port()}/v1")
    base.press("Enter")
    page.get_by_text("openai", exact=True).first.click()
    expect(page.get_by_text("The endpoint is unreachable")).to_be_visible()


def test_a_double_submit_is_one_turn_and_commands_show_as_actions(app_url: str, home: Path, page: Any) -> None:
    from playwright.sync_api import expect

    from simulator.store import SessionStore

    answer = "I would put the session cache in Redis with a ten minute TTL, because logins spike at 9 am."
    start(page, app_url, ["technical"], 2)
    page.get_by_role("button", name="Hint", exact=True).click()
    expect(page.get_by_text("You asked for a hint")).to_be_visible()
    chat = page.get_by_test_id("stChatInputTextArea")
    for _ in range(2):  # the impatient double submit
        chat.fill(answer)
        chat.press("Enter")
    expect(page.get_by_text("Scorecard ·").first).to_be_visible()
    page.wait_for_timeout(3000)  # let a second run, if any, finish
    expect(page.get_by_text("Scorecard ·")).to_have_count(1)
    shot(page, "practice-actions")
    sid = re.search(r"[?&]session=([0-9a-f]+)", page.url)
    assert sid is not None
    store = SessionStore(f"sqlite:///{home / 'mocksim.db'}")
    turns = store.get("local", sid.group(1)).turns
    assert [t.answer for t in turns if t.kind == "answer"] == [answer], "one answer, one turn"
    assert turns[0].kind == "hint"
    store.close()
