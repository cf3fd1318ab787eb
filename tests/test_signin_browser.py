"""Sign-in end to end, in Debian's headless Chromium: `streamlit run` with an `[auth]` section pointing at a
loopback OpenID Connect provider the test starts. Before sign-in only the prompt shows; signed in as one user,
the app shows that user and only that user's sessions (another user's session id in the URL is refused); signing
out returns to the prompt, and the next user sees only theirs.

With MOCKSIM_SCREENSHOTS=1 the signed-out and signed-in screens are written to artifacts/signin-*.png."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from simulator import runtime, settings
from simulator.cli import main
from simulator.runtime import Runtime
from simulator.settings import PROJECT_ROOT, Settings
from simulator.ui.signin_middleware import LINK_COOKIE

from .oidc_provider import REFUSAL, Provider, oidc_provider
from .servers import free_port, streamlit_app
from .test_e2e_browser import CHROMIUM, FLAGS, shot

pytestmark = pytest.mark.slow
ADA = {"sub": "ada-0001", "email": "ada@example.com", "email_verified": True, "name": "Ada Lovelace"}
BOB = {"sub": "bob-0002", "email": "bob@example.com", "email_verified": True, "name": "Bob Okafor"}
ADA_SAYS = "I would shard the ledger by account id and keep a Kestrel outbox for the retries."
BOB_SAYS = "I would put an Osprey cache tier in front of PostgreSQL for the catalogue reads."


def _seed(home: Path, owner: str, answer: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A finished one-question session for `owner`, saved through the CLI (in this process); returns its id."""
    answers = home.parent / f"{owner}.txt"
    answers.write_text(f"{answer}\n---\n/end\n")
    with monkeypatch.context() as m:
        for name, value in {"MOCKSIM_HOME": str(home), "MOCKSIM_EMBEDDER": "fake", "MOCKSIM_PROFILE": owner}.items():
            m.setenv(name, value)
        settings.get_settings.cache_clear()
        m.setattr(runtime, "_default", None)
        code = main(["practice", "--round", "technical", "--questions", "1", "--answers-file", str(answers)])
        settings.get_settings.cache_clear()
    assert code == 0
    store = Runtime(Settings(home=home, resources=PROJECT_ROOT, embedder="fake")).store
    (session,) = store.list_sessions(owner)
    return session.id


def _sign_in(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("button", name="Sign in").click()  # -> /auth/login -> provider -> /oauth2callback -> /
    expect(page.get_by_text("Signed in as")).to_be_visible()


def _review_shows(page: Any, own: str, other: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_text("Review").click()
    expect(page.get_by_text(own).first).to_be_visible()
    assert page.get_by_text(other).count() == 0
    page.get_by_test_id("stSelectbox").click()
    expect(page.get_by_role("option")).to_have_count(1)  # one session listed: their own
    page.keyboard.press("Escape")


@contextmanager
def _served(tmp_path: Path, home: Path) -> Iterator[tuple[Provider, str, Any]]:
    """mocksim_server.py (the app behind the sign-in middleware, as `make run` serves it) signing in with a
    loopback provider; yields the provider, the app's URL and a Chromium page."""
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    port = free_port()
    with oidc_provider("mocksim-test", secrets.token_hex(16), f"http://127.0.0.1:{port}/oauth2callback") as idp:
        auth = tmp_path / "secrets.toml"
        auth.write_text(
            "[auth]\n"
            f'redirect_uri = "{idp.redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{idp.client_id}"\n'
            f'client_secret = "{idp.client_secret}"\n'
            f'server_metadata_url = "{idp.issuer}/.well-known/openid-configuration"\n'
        )
        env = {**os.environ, "MOCKSIM_HOME": str(home), "MOCKSIM_EMBEDDER": "fake", "NO_PROXY": "127.0.0.1,localhost"}
        args = ["--secrets.files", str(auth)]
        with (
            streamlit_app(env, tmp_path / "streamlit.log", port=port, args=args) as url,
            sync_playwright() as p,
        ):
            expect.set_options(timeout=180_000)
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(180_000)
            yield idp, url, page
            browser.close()


def test_sign_in_scopes_sessions_and_sign_out_returns_to_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    home = tmp_path / "home"
    ada_sid = _seed(home, "ada@example.com", ADA_SAYS, monkeypatch)
    bob_sid = _seed(home, "bob@example.com", BOB_SAYS, monkeypatch)
    with _served(tmp_path, home) as (idp, url, page):
        # signed out: the prompt and nothing else, on every page and for any session link
        for path in ("/", "/review", f"/?session={ada_sid}"):
            page.goto(url + path)
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            assert page.get_by_test_id("stSidebarNav").count() == 0
            assert page.get_by_text("Kestrel").count() == 0 and page.get_by_text("Osprey").count() == 0
            assert page.get_by_text("Set up a round").count() == 0
        shot(page, "signin-signed-out", full=False)

        # Ada: her name, her session only; Bob's session id is refused
        idp.user = ADA
        _sign_in(page, url)
        expect(page.get_by_text("Signed in as Ada Lovelace (ada@example.com)")).to_be_visible()
        expect(page.get_by_text("Set up a round")).to_be_visible()
        _review_shows(page, "Kestrel outbox", "Osprey")
        shot(page, "signin-signed-in", full=False)
        page.goto(f"{url}/?session={bob_sid}")
        expect(page.get_by_text("There is no saved session").first).to_be_visible()
        assert page.get_by_text("Osprey").count() == 0

        # sign out: back to the prompt, also after a reload (the identity cookie is gone)
        with page.expect_navigation(url=f"{url}/"):  # /auth/logout -> provider's end-session -> back home
            page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.reload()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert page.get_by_text("Signed in as").count() == 0
        assert idp.logouts == 1, "sign-out went through the provider's end-session endpoint"

        # Bob, in the same browser: only his
        idp.user = BOB
        _sign_in(page, url)
        expect(page.get_by_text("Signed in as Bob Okafor (bob@example.com)")).to_be_visible()
        _review_shows(page, "Osprey cache tier", "Kestrel")
    assert idp.issued == ["ada-0001", "bob-0002"], "each sign-in was a real code exchange with the provider"
    assert idp.pkce_verified == 2, "Streamlit used PKCE, as the discovery document offers"


def _press_sign_in(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign in").click()  # -> /auth/login -> provider -> /oauth2callback -> back
    expect(page.get_by_text("Signed in as").or_(page.get_by_test_id("stAlertContentError"))).to_be_visible()


def test_sign_in_returns_to_the_link_opened_and_says_why_it_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    home = tmp_path / "home"
    ada_sid = _seed(home, "ada@example.com", ADA_SAYS, monkeypatch)
    with _served(tmp_path, home) as (idp, url, page):
        # the carried link is only ever a page of this app: a foreign Referer is not kept, a forged cookie not followed
        with httpx.Client(base_url=url, trust_env=False) as http:
            kept = http.get("/auth/login", headers={"Referer": "https://evil.example/review?session=s-1"})
            assert f"{LINK_COOKIE}=; Max-Age=0" in kept.headers.get_list("set-cookie")[-1]
            forged = {LINK_COOKIE: quote("https://evil.example/review", safe="")}
            back = http.get("/oauth2callback?error=access_denied&state=x", cookies=forged)
            assert back.status_code == 302 and back.headers["location"] == "/?signin_error=access_denied"
            own = {LINK_COOKIE: quote("/review?session=s-1&next=https://evil.example", safe="")}
            back = http.get("/oauth2callback?error=access_denied&state=x", cookies=own)
            assert back.headers["location"] == "/review?session=s-1&signin_error=access_denied"

        idp.user = ADA
        page.goto(f"{url}/?session={ada_sid}")  # a saved session's link, opened signed out

        # consent denied at the provider: the prompt says so (not the provider's own text), the link is kept
        idp.refuse = "access_denied"
        _press_sign_in(page)
        expect(page.get_by_text("the provider did not grant access")).to_be_visible()
        expect(page.get_by_text("press Sign in to try again")).to_be_visible()
        assert "account is locked" in REFUSAL and page.get_by_text("account is locked").count() == 0
        assert f"session={ada_sid}" in page.url and "signin_error=access_denied" in page.url

        # the provider no longer knows mocksim's client secret: the code exchange fails, and the prompt says that
        idp.refuse, secret = None, idp.client_secret
        idp.client_secret = "rotated-at-the-provider"
        _press_sign_in(page)
        expect(page.get_by_text("Sign-in did not complete")).to_be_visible()
        expect(page.get_by_text("client id and client secret")).to_be_visible()
        assert f"session={ada_sid}" in page.url and "signin_error=exchange_failed" in page.url

        # it works again: Ada lands on the session she opened, not on an empty Practice page
        idp.client_secret = secret
        _press_sign_in(page)
        expect(page.get_by_text("Signed in as Ada Lovelace (ada@example.com)")).to_be_visible()
        expect(page.get_by_text("Kestrel outbox").first).to_be_visible()
        assert page.url == f"{url}/?session={ada_sid}", "back at the link opened, without the earlier failure"
        assert page.get_by_test_id("stAlertContentError").count() == 0

        # another page, opened signed out, is where the next sign-in lands
        with page.expect_navigation(url=f"{url}/"):
            page.get_by_role("button", name="Sign out").click()
        page.goto(f"{url}/progress")
        _press_sign_in(page)
        expect(page.get_by_text("Signed in as Ada Lovelace")).to_be_visible()
        expect(page.get_by_role("heading", name="Progress")).to_be_visible()
        assert page.url == f"{url}/progress"
    assert idp.issued == ["ada-0001", "ada-0001"], "the refused sign-in issued nothing; the failed exchange neither"
