"""Private links: a registration's manage link, a partner's report link.

A link's token is an HMAC, under the secret key, of what it opens (a purpose and an id) and a
random nonce: it cannot be guessed without both the database and the key, it can be written into
any later email without storing it, and a new nonce revokes it. Only its SHA-256 is stored, to
find what a link opens.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

#: longer than any token this module makes; a longer "token" is refused before hashing
MAX_TOKEN_LENGTH = 100


def new_nonce() -> str:
    return secrets.token_hex(16)


def signed_token(purpose: str, record_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:{record_id}:{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token: str | None) -> bool:
    """Worth looking up: not empty and not longer than a real token."""
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH
