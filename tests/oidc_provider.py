"""A loopback OpenID Connect provider the sign-in tests start: discovery, authorize (signs in whoever the test
chose, at once, or sends back the error the test chose, as when consent is denied), token (an RS256 id_token with
the nonce, checked client secret and PKCE: a test changes `client_secret` to make the exchange fail), jwks and
end-session. Streamlit reads the identity from the id_token only, so there is no userinfo endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

REFUSAL = "<b>Your account is locked</b>: call +1 555 0100"  # provider text the app must not show


@dataclass
class Provider:
    client_id: str
    client_secret: str
    redirect_uri: str
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=dict)  # the claims of whoever signs in next
    issued: list[str] = field(default_factory=list)  # subjects an id_token was issued for, in order
    logouts: int = 0
    refuse: str | None = None  # an OAuth error code: authorize sends it back instead of a code
    pkce_verified: int = 0  # code exchanges whose PKCE verifier matched the challenge
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "stub-1"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def authorize(self, q: dict[str, str]) -> tuple[int, str]:
        """(status, redirect location or error text)."""
        if q.get("client_id") != self.client_id or q.get("redirect_uri") != self.redirect_uri:
            return 400, f"unknown client or redirect_uri: {q.get('client_id')} {q.get('redirect_uri')}"
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return 400, "expected response_type=code and the openid scope"
        if self.refuse:
            said = {"error": self.refuse, "error_description": REFUSAL, "state": q.get("state", "")}
            return 302, f"{self.redirect_uri}?{urlencode(said)}"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"claims": dict(self.user), "nonce": q.get("nonce"), "challenge": q.get("code_challenge")}
        return 302, f"{self.redirect_uri}?{urlencode({'code': code, 'state': q.get('state', '')})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != self.redirect_uri:
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
            self.pkce_verified += 1
        now = int(time.time())
        claims = {**grant["claims"], "iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 600}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        self.issued.append(str(claims.get("sub")))
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        access = secrets.token_urlsafe(16)
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 600, "id_token": id_token}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: Any = None, location: str | None = None) -> None:
            data = json.dumps(body).encode() if isinstance(body, dict) else str(body or "").encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, provider.discovery())
            elif url.path == "/jwks":
                self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, where = provider.authorize(q)
                self._send(status, where if status != 302 else None, where if status == 302 else None)
            elif url.path == "/logout":
                provider.logouts += 1
                back = q.get("post_logout_redirect_uri", "")
                ok = back == provider.redirect_uri and q.get("client_id") == provider.client_id
                if ok:
                    self._send(302, None, back)
                else:
                    self._send(400, "unknown post_logout_redirect_uri")
            else:
                self._send(404, "not found")

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._send(404, "not found")
                return
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            status, body = provider.token(form, self.headers.get("Authorization", ""))
            self._send(status, body)

    return Handler


@contextmanager
def oidc_provider(client_id: str, client_secret: str, redirect_uri: str) -> Iterator[Provider]:
    """Serve a Provider on a free loopback port for the length of the block."""
    provider = Provider(client_id, client_secret, redirect_uri)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
