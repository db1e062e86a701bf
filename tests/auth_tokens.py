"""Development tokens for tests: one fixed HS256 test secret, headers per role (and purpose).

Servers started by tests get ``AUTH_ENV`` (``LTSA_JWT_SECRET`` = the test secret); in-process apps get
``auth_settings()``. A token is minted per call (fresh ``iat``/``exp``), valid for an hour.
"""

from __future__ import annotations

from typing import Final

from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role
from gateway.auth.settings import AuthSettings

TEST_SECRET: Final = "satu-atap-test-secret-0123456789abcdef"
AUTH_ENV: Final = {"LTSA_JWT_SECRET": TEST_SECRET}


def auth_settings() -> AuthSettings:
    return AuthSettings(secret=TEST_SECRET)


def token(role: Role | str, sub: str | None = None, ttl_s: int = 3600) -> str:
    chosen = Role(role)
    return mint_token(TEST_SECRET, sub or f"test-{chosen.value}", chosen, ttl_s)


def headers(role: Role | str, purpose: str | None = None, sub: str | None = None) -> dict[str, str]:
    """``Authorization`` (and ``X-Purpose`` when given) for a request as ``role``."""
    found = {"Authorization": f"Bearer {token(role, sub)}"}
    if purpose:
        found["X-Purpose"] = purpose
    return found
