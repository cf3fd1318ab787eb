"""What a visitor is brought back to after signing in: the link they opened, reduced to one of the app's own
pages and the query parameters the app reads, under the app's public address; and, when the sign-in failed,
which failure, as a short code in the `signin_error` parameter that the sign-in prompt explains.

Pure functions: simulator/ui/signin_middleware.py calls them on the sign-in routes, simulator/ui/access.py on
the prompt. The carried link is never trusted: anything that is not a page of this app at this app's public
address is dropped (no redirect to another site, no parameter the app does not know)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from simulator.ui.navigation import LINK_PARAMS, PAGES

ERROR_PARAM = "signin_error"
LINK_MAX = 300  # characters; a longer link is not one the app makes
CALLBACK = "/oauth2callback"

EXCHANGE_FAILED = "exchange_failed"  # mocksim's own code: the provider sent a code that could not be redeemed
# OAuth 2.0 / OpenID Connect codes for "the person did not (or could not) grant access at the provider"
DECLINED = frozenset(
    {"access_denied", "consent_required", "interaction_required", "login_required", "account_selection_required"}
)
ERROR_CODE = re.compile(r"^[a-z_]{1,40}$")
PROVIDER_ERROR = "provider_error"  # a provider code that is not a plain word is never shown


def public_base(redirect_uri: str) -> str | None:
    """The app's public address (scheme://host[:port][/path], no trailing slash) from `redirect_uri`."""
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.hostname or not parts.path.endswith(CALLBACK):
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path.removesuffix(CALLBACK)}"


def app_link(url: str, base: str) -> str | None:
    """`url` as a path of this app ("/review?session=…"), or None when it is not a page of the app at `base`
    (the public address): another origin, an unknown page, or nothing but the home page without parameters.
    Query parameters the app does not read, or with values it would not accept, are dropped."""
    if not url or len(url) > LINK_MAX:
        return None
    target, home = urlsplit(urljoin(base + "/", url)), urlsplit(base + "/")
    if (target.scheme, target.netloc) != (home.scheme, home.netloc) or not target.path.startswith(home.path):
        return None
    page = target.path[len(home.path) :].strip("/")
    if page not in {"", *(slug for *_, slug in PAGES)}:
        return None
    params = [(k, v) for k, v in parse_qsl(target.query) if k in LINK_PARAMS and LINK_PARAMS[k].match(v)]
    if not page and not params:
        return None
    return home.path + page + (f"?{urlencode(params)}" if params else "")


def with_error(link: str | None, base: str, code: str) -> str:
    """The link (or the home page) with the sign-in failure `code` added for the prompt to explain."""
    path = link or urlsplit(base + "/").path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({ERROR_PARAM: error_code(code)})}"


def error_code(raw: str) -> str:
    return raw if ERROR_CODE.match(raw) else PROVIDER_ERROR


ADMIN = (
    "If it happens again, ask the administrator to check the client id and client secret in `[auth]` and the "
    "redirect address registered with the provider (it must be exactly `redirect_uri`); the app's log names the "
    "cause."
)


def failure_message(raw: str) -> str:
    """What the sign-in prompt says about a failed sign-in, from the `signin_error` code. Only a plain code is
    shown; the provider's own description is not, since anyone can put text in a link."""
    code = error_code(raw)
    if code == EXCHANGE_FAILED:
        what = (
            "**Sign-in did not complete.** The provider sent you back, but mocksim could not confirm the sign-in "
            "with it: exchanging the sign-in code for your identity failed, or the sign-in had expired."
        )
    elif code in DECLINED:
        what = (
            f"**You are not signed in: the provider did not grant access** (`{code}`). The sign-in was declined or "
            "cancelled at the provider."
        )
    elif code == PROVIDER_ERROR:
        what = "**The provider refused the sign-in.**"
    else:
        what = f"**The provider refused the sign-in** (error `{code}`)."
    return f"{what}\n\n**What to do:** press **Sign in** to try again. {ADMIN}"
