"""The headers every response carries, so that a browser runs only this site's own code.

- Content-Security-Policy: scripts, styles, fonts and images from this site only (and images
  as ``data:`` URLs, which the QR codes are); no inline script or style, no plugins, no
  ``<base>``; forms post only here; no other site may frame a page (clickjacking).
  The pages are built for it: one script file, one stylesheet, SVG charts without ``style``.
- X-Content-Type-Options: an upload or an export is never sniffed into something runnable.
- Referrer-Policy: full addresses (which may hold a private token) never leave the site; a
  response that set its own (a partner's pages: no referrer at all) keeps it.
- X-Frame-Options for browsers older than ``frame-ancestors``; Permissions-Policy: no camera,
  microphone or location, which no page needs.
"""

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
