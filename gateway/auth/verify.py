"""Bearer token verification: signature, algorithm, lifetime, issuer, audience and our claims.

The algorithm is chosen by the key, never by the token: HS256 tokens are checked with the configured
secret only, RS256/ES256 tokens only with a JWKS key of the matching type. So ``alg: none`` and the
classic "sign HS256 with the public RSA key" confusion both fail before any signature is checked.
Every rejection raises ``TokenRejected`` with a reason for the server log; the client sees none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import jwt

from .jwks import JwksCache, KeyUnavailable
from .principal import Role
from .settings import AuthSettings

MAX_TOKEN_LENGTH: Final = 8192  # a real access token is far smaller; bigger is an attack on the parser
MAX_SUBJECT_LENGTH: Final = 128
# JWKS algorithm → the key type (kty) it must be used with.
ASYMMETRIC: Final = {"RS256": "RSA", "ES256": "EC"}
REQUIRED_CLAIMS: Final = ("exp", "iat", "sub", "role")


class TokenRejected(Exception):
    """The token does not prove who is asking; ``reason`` is for the server log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedToken:
    sub: str
    role: Role
    claims: dict[str, Any]


class TokenVerifier:
    def __init__(self, settings: AuthSettings, jwks: JwksCache | None = None) -> None:
        self.settings = settings
        self.jwks = jwks or (JwksCache(settings.jwks_url, settings.jwks_ttl_s) if settings.jwks_url else None)

    async def verify(self, token: str) -> VerifiedToken:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("token missing or too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"unreadable header: {type(exc).__name__}") from exc
        algorithm = header.get("alg")
        key = await self._key_for(algorithm, header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_s,
                options={
                    "require": [
                        *REQUIRED_CLAIMS,
                        *(["iss"] if self.settings.issuer else []),
                        *(["aud"] if self.settings.audience else []),
                    ],
                    # Without a configured audience any `aud` is accepted, rather than every token
                    # that carries one being refused.
                    "verify_aud": self.settings.audience is not None,
                },
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"invalid token: {type(exc).__name__}: {exc}") from exc
        return VerifiedToken(sub=_subject(claims), role=_role(claims), claims=claims)

    async def _key_for(self, algorithm: object, kid: object) -> Any:
        if algorithm == "HS256" and self.settings.secret:
            return self.settings.secret
        if isinstance(algorithm, str) and algorithm in ASYMMETRIC and self.jwks is not None:
            if not isinstance(kid, str) or not kid:
                raise TokenRejected("asymmetric token without a key id")
            try:
                jwk = await self.jwks.key(kid)
            except KeyUnavailable as exc:
                raise TokenRejected(str(exc)) from exc
            if jwk.key_type != ASYMMETRIC[algorithm]:
                raise TokenRejected(f"{algorithm} token names a {jwk.key_type} key")
            return jwk.key
        raise TokenRejected(f"algorithm {algorithm!r} is not accepted")


def _subject(claims: dict[str, Any]) -> str:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > MAX_SUBJECT_LENGTH:
        raise TokenRejected("sub must be a non-empty string")
    return sub


def _role(claims: dict[str, Any]) -> Role:
    try:
        return Role(claims.get("role"))
    except ValueError as exc:
        raise TokenRejected(f"unknown role {claims.get('role')!r}") from exc
