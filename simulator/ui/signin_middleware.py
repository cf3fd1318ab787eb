"""Keeps the link a visitor opened, and the reason a sign-in failed, across Streamlit's sign-in round trip.

Streamlit's `/oauth2callback` always answers with a redirect to the app's root: the page and query parameters
the visitor opened are gone, and a provider error or a failed token exchange is only written to the log. The
browser leaves the app twice on the way (to the provider and back), and the websocket session starts afresh on
return, so nothing kept in the script's session survives. This ASGI middleware (mounted by mocksim_server.py
through `st.App`) sits in front of Streamlit's own routes:

- on `/auth/login` it reads the page the Sign in button was pressed on from the `Referer` header (the browser
  sends the full address on a same-origin navigation), reduces it to an app link (simulator/ui/signin_return.py)
  and keeps it in a short-lived HttpOnly cookie, which the browser brings back on the callback;
- on `/oauth2callback` it lets Streamlit do the sign-in, then rewrites Streamlit's redirect to the root: to the
  kept link when Streamlit set the identity cookie, otherwise to the link with `signin_error=<code>` (the
  provider's error code, or `exchange_failed`), which the sign-in prompt explains. The sign-out return (no code,
  no error) is left alone."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.ui.signin_return import EXCHANGE_FAILED, app_link, public_base, with_error

LINK_COOKIE = "mocksim_after_sign_in"
LINK_COOKIE_MAX_AGE = 3600  # seconds: as long as Authlib keeps the sign-in's state
IDENTITY_COOKIE = "_streamlit_user"  # set by Streamlit's callback on success (starlette_server_config.py)


def _configured_base() -> str | None:
    """The app's public address from `[auth]` `redirect_uri`, or None when sign-in is not configured."""
    from streamlit.auth_util import get_redirect_uri, get_secrets_auth_section

    section = get_secrets_auth_section()
    redirect = get_redirect_uri(section) if section else None
    return public_base(redirect) if redirect else None


def _route(name: str) -> str:
    from streamlit import config
    from streamlit.url_util import make_url_path

    return make_url_path(config.get_option("server.baseUrlPath") or "", name)


def _cookie(base: str, value: str | None) -> str:
    """Set-Cookie for the kept link (None deletes it), scoped to the app's path, Secure on https."""
    path = urlsplit(base).path or "/"
    attrs = f"Path={path}; HttpOnly; SameSite=Lax" + ("; Secure" if base.startswith("https:") else "")
    if value is None:
        return f"{LINK_COOKIE}=; Max-Age=0; {attrs}"
    return f"{LINK_COOKIE}={quote(value, safe='')}; Max-Age={LINK_COOKIE_MAX_AGE}; {attrs}"


def _signed_in(headers: MutableHeaders) -> bool:
    """Whether the response sets (not deletes) Streamlit's identity cookie."""
    for header in headers.getlist("set-cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == IDENTITY_COOKIE and rest.split(";", 1)[0].strip() not in ("", '""'):
            return True
    return False


class SignInReturn:
    """The ASGI middleware: everything but GET /auth/login and GET /oauth2callback passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        login, callback = _route("auth/login"), _route("oauth2callback")
        wanted = scope["type"] == "http" and scope.get("method") == "GET" and scope["path"] in (login, callback)
        base = _configured_base() if wanted else None
        if base is None:
            await self.app(scope, receive, send)
        elif scope["path"] == login:
            await self._login(scope, receive, send, base)
        else:
            await self._callback(scope, receive, send, base)

    async def _login(self, scope: Scope, receive: Receive, send: Send, base: str) -> None:
        link = app_link(Request(scope).headers.get("referer", ""), base)

        async def keep_link(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", _cookie(base, link))
            await send(message)

        await self.app(scope, receive, keep_link)

    async def _callback(self, scope: Scope, receive: Receive, send: Send, base: str) -> None:
        request = Request(scope)
        error, code = request.query_params.get("error"), request.query_params.get("code")
        if not error and not code:  # the provider's sign-out coming back, or a stray visit
            await self.app(scope, receive, send)
            return
        link = app_link(unquote(request.cookies.get(LINK_COOKIE, "")), base)

        async def bring_back(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if 300 <= message["status"] < 400:
                    if error:
                        headers["location"] = with_error(link, base, error)
                    elif _signed_in(headers):
                        headers["location"] = link or headers["location"]
                    else:
                        headers["location"] = with_error(link, base, EXCHANGE_FAILED)
                headers.append("set-cookie", _cookie(base, None))
            await send(message)

        await self.app(scope, receive, bring_back)
