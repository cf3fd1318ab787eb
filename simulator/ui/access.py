"""Private by default. On loopback (the default) the app is this machine's own; served on any other address it
is shared, and then every visitor signs in (st.login) so owners scope the data (docs/DEPLOY.md)."""

from __future__ import annotations

import ipaddress

import streamlit as st


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


def _auth_configured() -> bool:
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def require_sign_in() -> None:
    """Stop the page for an anonymous visitor of a shared server; say how to fix a shared server with no sign-in."""
    address = st.get_option("server.address")
    if is_private(address):
        return
    if not _auth_configured():
        st.error(
            f"This mocksim is served on '{address or 'every interface'}', so anyone who can reach it could read "
            "every saved transcript, and sign-in is not configured.\n\n**What to do:** serve on 127.0.0.1 "
            "(the default of `make run`), or add an `[auth]` section to .streamlit/secrets.toml as docs/DEPLOY.md "
            "shows."
        )
        st.stop()
    if not st.user.is_logged_in:
        st.title("mocksim")
        st.write("Sign in to practise. Your sessions are yours only.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    st.sidebar.button("Sign out", on_click=st.logout)
