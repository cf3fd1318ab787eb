"""Sign-in rules without a browser: whose sessions a signed-in user owns, what a broken `[auth]` section says, and
(AppTest) that a configured sign-in shows only the prompt, the wrong-address warning, an unreachable provider, and
a signed-in user's Settings. The full OpenID Connect flow runs in tests/test_signin_browser.py."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from simulator.ui.access import config_problems, owner_from_claims
from simulator.ui.signin_return import app_link, failure_message, public_base, with_error

from .apptest_helpers import APP, button
from .servers import free_port

pytestmark = pytest.mark.usefixtures("prebuilt_index")  # the fake embedder; its index built once per run

GOOD: dict[str, Any] = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "c" * 64,
    "client_id": "mocksim",
    "client_secret": "s3cret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ADA = {"is_logged_in": True, "sub": "ada-1", "iss": "https://id.example.com", "email": "Ada@Example.com"}


def test_the_owner_is_a_verified_email_or_the_issuers_subject() -> None:
    assert owner_from_claims({**ADA, "email_verified": True}) == "ada@example.com"
    assert owner_from_claims({**ADA, "email_verified": "true"}) == "ada@example.com"
    # an email the provider did not verify could be anyone's: the subject, qualified by its issuer, is used
    assert owner_from_claims(ADA) == "ada-1 (id.example.com)"
    assert owner_from_claims({**ADA, "email_verified": False}) == "ada-1 (id.example.com)"
    assert owner_from_claims({"email": "x@example.com", "email_verified": False}) is None
    long = owner_from_claims({"sub": "s" * 300, "iss": "https://id.example.com"})
    assert long is not None and long.startswith("sha256:") and len(long) <= 200


def test_a_broken_auth_section_names_each_key_to_fix() -> None:
    assert config_problems(GOOD) == []
    missing = config_problems({k: v for k, v in GOOD.items() if k not in ("client_secret", "cookie_secret")})
    assert missing == ["Missing keys: `cookie_secret`, `client_secret`."]
    bad = config_problems(
        {**GOOD, "redirect_uri": "https://mocksim.example.com/", "cookie_secret": "short", "server_metadata_url": "x"}
    )
    assert len(bad) == 3
    assert "/oauth2callback" in bad[0] and "at least 32" in bad[1] and "openid-configuration" in bad[2]


def test_only_a_page_of_this_app_is_carried_through_sign_in() -> None:
    base = public_base("https://mocksim.example.com/oauth2callback")
    assert base == "https://mocksim.example.com"
    assert app_link("https://mocksim.example.com/review?session=s-1", base) == "/review?session=s-1"
    assert app_link("/?session=s-1&utm=x&session=../../etc", base) == "/?session=s-1", "unknown or bad params go"
    assert app_link("https://mocksim.example.com/", base) is None, "the home page needs no carrying"
    for foreign in (
        "https://evil.example/review?session=s-1",
        "//evil.example/review",
        "https://mocksim.example.com@evil.example/review",
        "http://mocksim.example.com/review",  # another scheme
        "https://mocksim.example.com:8443/review",  # another port
        "https://mocksim.example.com/admin",  # not a page of the app
        "/\\evil.example/review",
        "javascript:alert(1)",
        "/review?session=" + "s" * 400,  # no link the app makes is this long
    ):
        assert app_link(foreign, base) is None, foreign
    under = public_base("https://example.com/mocksim/oauth2callback")
    assert under == "https://example.com/mocksim"
    assert app_link("https://example.com/mocksim/progress", under) == "/mocksim/progress"
    assert app_link("https://example.com/mocksimx/progress", under) is None
    assert app_link("https://example.com/progress", under) is None
    assert with_error("/review?session=s-1", base, "access_denied") == "/review?session=s-1&signin_error=access_denied"
    assert with_error(None, under, "<b>x</b>") == "/mocksim/?signin_error=provider_error"


def test_a_failed_sign_in_is_explained_without_echoing_the_link() -> None:
    assert "did not grant access" in failure_message("access_denied")
    assert "`server_error`" in failure_message("server_error")
    odd = failure_message("<img src=x onerror=alert(1)>")
    assert "refused the sign-in.**" in odd and "<img" not in odd and "alert" not in odd
    for code in ("access_denied", "exchange_failed", "server_error", "??"):
        assert "try again" in failure_message(code) and "client secret" in failure_message(code)


def _app(
    auth: dict[str, Any], user: dict[str, Any], url: str = "http://127.0.0.1:8501/", query: dict[str, str] | None = None
) -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = auth
    at.user = user
    at.context = {"url": url}
    at.query_params.update(query or {})
    return at.run()


def test_a_broken_auth_section_shows_what_to_do_and_nothing_else() -> None:
    at = _app({**GOOD, "cookie_secret": "short"}, {"is_logged_in": False})
    assert not at.exception
    assert "cannot work" in at.error[0].value and "`cookie_secret` has 5 characters" in at.error[0].value
    assert "docs/DEPLOY.md" in at.error[0].value
    assert not at.button and not at.title


def test_signed_out_sees_only_the_prompt_and_an_unreachable_provider_is_named() -> None:
    at = _app(GOOD, {"is_logged_in": False})  # loopback address, but sign-in is configured: required
    assert not at.exception
    assert [t.value for t in at.title] == ["mocksim"] and [b.label for b in at.button] == ["Sign in"]
    assert not at.chat_message and not at.selectbox and not at.sidebar.button
    dead = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"  # nothing listens there
    at = _app({**GOOD, "server_metadata_url": dead}, {"is_logged_in": False})
    button(at, "Sign in").click().run()
    assert not at.exception
    assert "could not be read" in at.error[0].value and "server_metadata_url" in at.error[0].value


def test_a_page_opened_at_another_address_is_sent_to_the_redirect_address() -> None:
    at = _app(GOOD, {"is_logged_in": False}, url="http://localhost:8501/review")
    assert not at.exception
    assert "Sign-in returns to **http://127.0.0.1:8501**" in at.warning[0].value
    assert not at.button, "no Sign in button that could not work here"


def test_signed_in_user_is_named_can_sign_out_and_cannot_switch_profile() -> None:
    at = _app(GOOD, {**ADA, "email_verified": True, "name": "Ada Lovelace"})
    assert not at.exception
    assert any("Signed in as **Ada Lovelace" in c.value for c in at.sidebar.caption)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    at.switch_page("simulator/ui/pages/settings.py").run()
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "set_profile"], "the sign-in decides whose sessions these are"
    assert any("`ada@example.com`" in c.value for c in at.caption)
    at.sidebar.button[0].click().run()  # Sign out
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"] and not at.sidebar.caption


def test_the_prompt_says_why_the_last_sign_in_failed_and_a_signed_in_user_is_not_told() -> None:
    at = _app(GOOD, {"is_logged_in": False}, query={"signin_error": "access_denied", "session": "s-1"})
    assert not at.exception
    assert "did not grant access" in at.error[0].value and "press **Sign in** to try again" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign in"]
    at = _app(GOOD, {"is_logged_in": False}, query={"signin_error": "exchange_failed"})
    assert "Sign-in did not complete" in at.error[0].value and "client secret" in at.error[0].value
    at = _app(GOOD, {"is_logged_in": False}, query={"signin_error": "<b>call 555</b>"})
    assert "refused the sign-in" in at.error[0].value and "555" not in at.error[0].value
    at = _app(GOOD, {"is_logged_in": False})
    assert not at.error, "no failure, no message"
    at = _app(GOOD, {**ADA, "email_verified": True}, query={"signin_error": "access_denied"})
    assert not at.exception and not at.error
    assert "signin_error" not in at.query_params, "a signed-in user's links do not carry the old failure"
