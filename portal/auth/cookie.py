"""The session cookie: Secure whenever the request came over HTTPS.

Flask decides the cookie's flags per app (``SESSION_COOKIE_SECURE``); this interface decides
per request, so a portal behind an HTTPS proxy (``TRUSTED_PROXIES``, werkzeug's ProxyFix
turning ``X-Forwarded-Proto`` into the request's scheme) sends a Secure cookie without the
operator remembering to set it, and the same portal on plain HTTP for a test still works.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        forced = bool(app.config["SESSION_COOKIE_SECURE"])
        return forced or (has_request_context() and request.is_secure)
