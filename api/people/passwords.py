"""Passwords: argon2id hashes (``argon2-cffi``) and the rules of NIST SP 800-63B §3.1.1.2: at
least 12 characters, no composition rules, refused when it is the account's email or one of
the 30,000 most common passwords (the list ``zxcvbn`` ships)."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.core.config import get_settings
from api.core.errors import InvalidBody

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """The hasher of the configured parameters (FOLIO_ARGON2_*; OWASP's by default)."""
    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

    return frozenset(FREQUENCY_LISTS["passwords"])


def problem(password: str, email: str) -> str | None:
    """Why ``password`` may not be used, or None. Checked before anything is hashed, so a
    password of a megabyte costs a length check."""
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    if password.strip().casefold() == email.strip().casefold():
        return "the password may not be the email address"
    if password.casefold() in _common():
        return "this is one of the most common passwords; choose another"
    return None


def checked(password: str, email: str, loc: tuple[str, ...] = ("body", "password")) -> str:
    """``password``, or a 422 that says what is wrong with it (never the password itself)."""
    reason = problem(password, email)
    if reason is not None:
        raise InvalidBody.at(loc, reason)
    return password


def make(password: str) -> str:
    return hasher().hash(password)


# Verified against when an email is unknown, so a wrong email costs what a wrong password
# costs and the time of an answer does not tell whether an account exists.
_DUMMY: dict[tuple[int, int, int], str] = {}


def verify(stored: str | None, password: str) -> bool:
    h = hasher()
    if stored is None:
        params = (h.time_cost, h.memory_cost, h.parallelism)
        stored = _DUMMY.get(params) or _DUMMY.setdefault(params, h.hash("folio-no-such-user"))
        password = password + "\0"  # never matches
    if len(password) > MAX_LENGTH + 1:
        return False
    try:
        return h.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def outdated(stored: str) -> bool:
    """Whether a hash was made with other parameters than today's (rehash at sign-in)."""
    return hasher().check_needs_rehash(stored)
