"""Private by default. On loopback (the default) with no sign-in configured the app is this machine's own. Served
on any other address it is shared, and then sign-in (st.login, OpenID Connect) is required. Once an `[auth]`
section is configured, every visitor signs in, whatever the address (a reverse proxy in front of a loopback
server is shared too), and the signed-in identity is the owner that scopes every stored session
(docs/DEPLOY.md)."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from simulator.ui.signin_return import ERROR_PARAM, failure_message

REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32  # characters; `openssl rand -hex 32` gives 64
DISCOVERY_TIMEOUT_S = 5.0
OWNER_MAX = 200  # the store's owner column
FIX = "Edit the `[auth]` section of .streamlit/secrets.toml as docs/DEPLOY.md shows, then restart mocksim."


def is_private(address: str | None) -> bool:
    """True for a loopback bind address. None or "" means every interface: shared."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` section of Streamlit's secrets, or None when there is none (or no secrets file)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        section = st.secrets.get("auth")
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return None
    return section if isinstance(section, Mapping) else None


def _origin(url: str) -> str:
    """scheme://host[:port] with the default port left out, so two spellings of one origin compare equal."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = parts.port if parts.port not in (None, default) else None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _absolute(url: object) -> bool:
    parts = urlsplit(str(url))
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def config_problems(section: Mapping[str, Any]) -> list[str]:
    """What keeps the `[auth]` section from signing anyone in, each item naming the key to fix."""
    from streamlit.auth_util import is_authlib_installed

    problems = []
    if not is_authlib_installed():
        problems.append("The `Authlib` package (1.3.2 or newer) is missing: `pip install -e .` installs it.")
    missing = [key for key in REQUIRED if not str(section.get(key) or "").strip()]
    if missing:
        problems.append("Missing keys: " + ", ".join(f"`{k}`" for k in missing) + ".")
    redirect = str(section.get("redirect_uri") or "")
    if redirect and (not _absolute(redirect) or not urlsplit(redirect).path.endswith("/oauth2callback")):
        problems.append(
            f"`redirect_uri` is '{redirect}': it must be the app's public address followed by /oauth2callback, "
            "e.g. https://mocksim.example.com/oauth2callback, and registered with the provider."
        )
    secret = str(section.get("cookie_secret") or "")
    if secret and len(secret) < MIN_COOKIE_SECRET:
        problems.append(
            f"`cookie_secret` has {len(secret)} characters; use at least {MIN_COOKIE_SECRET} random ones "
            "(`openssl rand -hex 32`), the same on every app host."
        )
    metadata = str(section.get("server_metadata_url") or "")
    if metadata and not _absolute(metadata):
        problems.append(
            f"`server_metadata_url` is '{metadata}': it must be the provider's discovery address, "
            "https://…/.well-known/openid-configuration."
        )
    return problems


def provider_problem(metadata_url: str) -> str | None:
    """Read the provider's discovery document once (when "Sign in" is pressed); None when it is usable."""
    import httpx

    try:
        reply = httpx.get(metadata_url, timeout=DISCOVERY_TIMEOUT_S, follow_redirects=True)
        reply.raise_for_status()
        doc = reply.json()
    except (httpx.HTTPError, ValueError) as err:
        return f"The sign-in provider's discovery document at {metadata_url} could not be read ({err})."
    absent = [k for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri") if not doc.get(k)]
    if absent:
        return f"{metadata_url} is not an OpenID Connect discovery document (no {', '.join(absent)})."
    return None


def owner_from_claims(claims: Mapping[str, Any]) -> str | None:
    """The owner key of a signed-in user: the email when the provider says it is verified, otherwise the
    provider's subject with the issuer's host (a subject is unique only per issuer). None without either."""
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified") in (True, "true"):
        owner = email
    else:
        sub = str(claims.get("sub") or "").strip()
        if not sub:
            return None
        issuer = str(claims.get("iss") or "")
        owner = f"{sub} ({urlsplit(issuer).netloc or issuer or 'provider'})"
    if len(owner) > OWNER_MAX:
        owner = "sha256:" + hashlib.sha256(owner.encode()).hexdigest()
    return owner


def signed_in_claims() -> dict[str, Any] | None:
    """The identity claims of the signed-in user (st.user), or None when nobody is signed in."""
    try:
        claims = st.user.to_dict()
    except (AttributeError, KeyError, RuntimeError):
        return None
    return dict(claims) if claims.get("is_logged_in") is True else None


def _stop_with(message: str) -> None:
    st.error(message)
    st.stop()


def _sign_in_prompt(section: Mapping[str, Any]) -> None:
    st.title("mocksim")
    failure = st.query_params.get(ERROR_PARAM)
    if failure:
        st.error(failure_message(failure))
    st.write("Sign in to practise. Your sessions and transcripts are yours only: nobody else who signs in sees them.")
    target = _origin(str(section["redirect_uri"]))
    here = st.context.url
    if here and _origin(here) != target:
        st.warning(
            f"Sign-in returns to **{target}**, but this page is open at {_origin(here)}, where the sign-in would "
            f"not hold. Open mocksim at {target}, or set `redirect_uri` in `[auth]` to this address."
        )
        st.link_button(f"Open {target}", target + "/", type="primary")
        return
    if st.button("Sign in", type="primary", key="access_sign_in"):
        problem = provider_problem(str(section["server_metadata_url"]))
        if problem:
            st.error(
                f"{problem}\n\n**What to do:** check `server_metadata_url` in `[auth]` (it ends with "
                "/.well-known/openid-configuration) and that this server can reach the provider."
            )
            return
        st.login()


def require_sign_in() -> None:
    """Stop the page for a visitor who must sign in first; say what to do when sign-in is needed but broken."""
    address = st.get_option("server.address")
    section = auth_section()
    if section is None:
        if is_private(address):
            return
        _stop_with(
            f"This mocksim is served on '{address or 'every interface'}', so anyone who can reach it could read "
            "every saved transcript, and sign-in is not configured.\n\n**What to do:** serve on 127.0.0.1 "
            "(the default of `make run`), or add an `[auth]` section to .streamlit/secrets.toml as docs/DEPLOY.md "
            "shows."
        )
    assert section is not None
    problems = config_problems(section)
    if problems:
        _stop_with(
            "Sign-in is configured but cannot work, so mocksim shows nothing until it is fixed:\n\n"
            + "\n".join(f"- {p}" for p in problems)
            + f"\n\n**What to do:** {FIX}"
        )
    claims = signed_in_claims()
    if claims is None:
        _sign_in_prompt(section)
        st.stop()
    assert claims is not None
    st.query_params.pop(ERROR_PARAM, None)  # an earlier failure, now that the sign-in worked
    owner = owner_from_claims(claims)
    from simulator.ui.components import md_escape

    with st.sidebar:
        if owner is None:
            st.button("Sign out", on_click=st.logout, key="access_sign_out")
            _stop_with(
                "The provider signed you in but sent neither a verified email nor a subject (`sub`), so mocksim "
                "cannot tell whose sessions are yours.\n\n**What to do:** ask the administrator to request the "
                "`openid email` scopes from the provider."
            )
        name = str(claims.get("name") or "")
        email = str(claims.get("email") or "")
        shown = f"{name} ({email})" if name and email else name or email or str(owner)
        st.caption(f"Signed in as **{md_escape(shown)}**")
        st.button("Sign out", on_click=st.logout, key="access_sign_out")
