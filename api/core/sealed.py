"""What FOLIO_SECRET_KEY protects: secrets kept encrypted at rest (webhook signing secrets,
two-factor secrets) with Fernet, and short tokens signed with HMAC-SHA256 (a studio form's
CSRF token, a sign-in waiting for its second factor). Every process and node shares the key."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from api.core.clock import clock
from api.core.config import get_settings
from api.core.errors import SecretKeyMissing


def _key() -> str:
    key = get_settings().secret_key
    if not key:
        raise SecretKeyMissing(
            "Set FOLIO_SECRET_KEY (folio db upgrade writes one to .env): it encrypts webhook"
            " and two-factor secrets and signs the studio's forms."
        )
    return key


def fernet() -> Fernet:
    return Fernet(_key().encode())


def seal(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def unseal(value: str) -> str | None:
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return None


def mac(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` for ``purpose`` (so a MAC made for one use fits no other)."""
    digest = hmac.new(_key().encode(), f"{purpose}\0{value}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(purpose: str, value: str, *, seconds: int) -> str:
    """``value`` and its expiry, signed: readable by anyone, made only with the key."""
    expires = int(clock.now().timestamp()) + seconds
    body = f"{value}.{expires}"
    return f"{body}.{mac(purpose, body)}"


def unsign(purpose: str, token: str) -> str | None:
    """The value a ``sign`` token carries, or None when it is forged or expired."""
    body, _, given = token.rpartition(".")
    value, _, expires = body.rpartition(".")
    if not body or not expires.isdigit() or not hmac.compare_digest(given, mac(purpose, body)):
        return None
    if int(expires) < clock.now().timestamp():
        return None
    return value
