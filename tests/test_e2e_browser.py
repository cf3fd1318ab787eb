"""End to end in a real browser: Debian's headless Chromium drives a two-question offline round, then finds
the transcript on Review. Screenshots go to artifacts/ (the README shows them)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.settings import PROJECT_ROOT

from .servers import streamlit_app

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "artifacts"
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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: Debian's chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    home = tmp_path_factory.mktemp("e2e-home")
    env = {**os.environ, "MOCKSIM_HOME": str(home)}
    env.pop("MOCKSIM_EMBEDDER", None)  # the real default: MiniLM, embedded Chroma, SQLite
    with streamlit_app(env, home / "streamlit.log") as url:
        yield url


def test_two_question_offline_round_then_review(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=180_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.set_default_timeout(180_000)
        page.goto(app_url)  # Practice is the default page, at the root URL
        expect(page.get_by_text("Set up a round")).to_be_visible()
        questions = page.get_by_label("Questions")
        questions.fill("2")
        questions.press("Tab")
        page.get_by_role("button", name="Start the interview").click()
        expect(page.get_by_text("Question 1 of 2")).to_be_visible()
        # the clock ticks on its own, with no input from the candidate
        expect(page.get_by_text(re.compile(r"Time: (?:0:0[2-9]|0:[1-5]\d|[1-9]\d*:\d\d) of 45 min"))).to_be_visible()
        chat = page.get_by_test_id("stChatInputTextArea")
        chat.fill(
            "Last year our checkout API on PostgreSQL slowed to 4 s at p95. I profiled it, found an N+1 "
            "query, added a composite index and cut p95 to 300 ms, because the sale started in two days."
        )
        chat.press("Enter")
        expect(page.get_by_text("Scorecard ·").first).to_be_visible()
        page.get_by_text("Scorecard ·").first.click()
        expect(page.get_by_text("Your answer, with the quoted evidence marked").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "practice-scorecard.png"), full_page=True)
        page.get_by_role("button", name="Skip", exact=True).click()
        expect(page.get_by_text("Question 2 of 2")).to_be_visible()
        chat = page.get_by_test_id("stChatInputTextArea")
        chat.fill("I would keep one relational database and add a Redis cache in front of the hot reads first.")
        chat.press("Enter")
        expect(page.get_by_text("Scorecard ·").nth(1)).to_be_visible()
        page.get_by_role("button", name="End", exact=True).click()
        expect(page.get_by_text("Session complete")).to_be_visible()
        expect(page.get_by_text("Three drills")).to_be_visible()
        expect(page.get_by_role("button", name="Start a new session")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "practice-summary.png"), full_page=True)
        page.goto(f"{app_url}/review")
        expect(page.get_by_text("cut p95 to 300 ms").first).to_be_visible()
        expect(page.get_by_text("add a Redis cache in front of the hot reads").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        page.goto(f"{app_url}/bank")
        expect(page.get_by_text("Question bank").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "question-bank.png"))
        browser.close()
    assert (ARTIFACTS / "practice-scorecard.png").stat().st_size > 10_000
