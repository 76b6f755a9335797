"""Password hashing with Argon2id (argon2-cffi), with a cheap profile for tests; the length rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_PROFILES = {
    # argon2-cffi's RFC 9106 "low memory" defaults.
    "strong": PasswordHasher(),
    # Only for tests and benchmarks: hashing cost is not what they measure.
    "fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


def hasher(profile: str) -> PasswordHasher:
    return _PROFILES[profile]


def hash_password(password: str, profile: str = "strong") -> str:
    return str(hasher(profile).hash(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches; any hash profile verifies (the parameters are in the hash)."""
    try:
        return bool(_PROFILES["strong"].verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_too_short(password: str, min_length: int) -> str | None:
    """The one password-length rule: the Chinese message when ``password`` is too short, else None."""
    if len(password) < min_length:
        return f"密码至少 {min_length} 位。"
    return None
