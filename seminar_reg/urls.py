"""Absolute links for emails and calendar files, from the configured public address.

Never from the request's Host header: a forged Host would otherwise put an attacker's address
into a victim's private link.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        public.netloc, script_name=public.path or "/", url_scheme=public.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """The host name of the public address, for Message-IDs and calendar UIDs."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def safe_next(target: str | None) -> str | None:
    """A ``next`` address on this site only: a path, never another host or scheme."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
