"""How tokens are checked, from the environment.

``LTSA_JWT_SECRET`` (HS256, development; at least 32 characters) and/or ``LTSA_JWKS_URL`` (RS256/ES256
keys of an OIDC provider). ``LTSA_JWT_ISSUER`` and ``LTSA_JWT_AUDIENCE``, when set, must match the
token's ``iss`` and ``aud``. ``LTSA_JWKS_TTL`` (seconds, default 300) is how long fetched keys are
trusted; ``LTSA_JWT_LEEWAY`` (seconds, default 30) absorbs clock skew on ``exp``/``nbf``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

MIN_SECRET_LENGTH: Final = 32  # RFC 7518 §3.2: an HS256 key is at least as long as the hash (256 bits)


class AuthConfigError(ValueError):
    """The token configuration cannot verify anything safely; the message names the variable."""


@dataclass(frozen=True)
class AuthSettings:
    secret: str | None = None
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    jwks_ttl_s: float = 300.0
    leeway_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.secret and not self.jwks_url:
            raise AuthConfigError(
                "set LTSA_JWT_SECRET (development) or LTSA_JWKS_URL (OIDC) to verify tokens"
            )
        if self.secret is not None and len(self.secret) < MIN_SECRET_LENGTH:
            raise AuthConfigError(f"LTSA_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters")
        if self.jwks_ttl_s <= 0 or self.leeway_s < 0:
            raise AuthConfigError("LTSA_JWKS_TTL must be positive and LTSA_JWT_LEEWAY not negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuthSettings:
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def number(name: str, default: float) -> float:
            raw = text(name)
            try:
                return default if raw is None else float(raw)
            except ValueError as exc:
                raise AuthConfigError(f"{name} must be a number of seconds, got {raw!r}") from exc

        return cls(
            secret=text("LTSA_JWT_SECRET"),
            jwks_url=text("LTSA_JWKS_URL"),
            issuer=text("LTSA_JWT_ISSUER"),
            audience=text("LTSA_JWT_AUDIENCE"),
            jwks_ttl_s=number("LTSA_JWKS_TTL", 300.0),
            leeway_s=number("LTSA_JWT_LEEWAY", 30.0),
        )
