"""Development tokens: HS256, signed with ``LTSA_JWT_SECRET``, for ``ltsa token`` and the tests.

Production tokens come from the OIDC provider; nothing here is used to verify anything.
"""

from __future__ import annotations

import time
import uuid

import jwt

from .principal import Role
from .settings import MIN_SECRET_LENGTH


def mint_token(
    secret: str,
    sub: str,
    role: Role,
    ttl_s: int,
    *,
    issuer: str | None = None,
    audience: str | None = None,
    now: int | None = None,
) -> str:
    """A signed HS256 token for ``sub`` acting as ``role``, valid for ``ttl_s`` seconds from ``now``."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"the signing secret must be at least {MIN_SECRET_LENGTH} characters")
    if ttl_s <= 0:
        raise ValueError(f"ttl must be positive, got {ttl_s}")
    if not sub.strip():
        raise ValueError("sub must not be empty")
    issued = int(time.time()) if now is None else now
    claims: dict[str, object] = {
        "sub": sub,
        "role": role.value,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm="HS256")
