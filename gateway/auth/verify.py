"""Bearer token verification: signature, algorithm, lifetime, issuer, audience and our claims.

The algorithm is chosen by the key, never by the token: HS256 tokens are checked with the configured
secret only, RS256/ES256 tokens only with a JWKS key of the matching type. So ``alg: none`` and the
classic "sign HS256 with the public RSA key" confusion both fail before any signature is checked.
Every rejection raises ``TokenRejected`` with a reason for the server log; the client sees none of it.

A verified token is remembered (``VERIFIED_CACHE`` entries, least recently used out) so that a client
sending the same bearer token with every request pays the signature check once, not every time (it was
~6% of a request's CPU). A remembered token is accepted again only while its ``exp`` (with the leeway)
and ``nbf`` allow and while the key it was verified with is still the key its header names — a JWKS key
rotated out fails that check, and the token goes through the full verification again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
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
VERIFIED_CACHE: Final = 1024  # tokens: at most ~8 MB even at MAX_TOKEN_LENGTH


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


@dataclass(frozen=True)
class _Remembered:
    verified: VerifiedToken
    algorithm: object
    kid: object
    key: Any  # the very key object the signature was checked with
    valid_from: float  # nbf minus the leeway (or -inf)
    valid_until: float  # exp plus the leeway


class TokenVerifier:
    def __init__(
        self, settings: AuthSettings, jwks: JwksCache | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self.jwks = jwks or (JwksCache(settings.jwks_url, settings.jwks_ttl_s) if settings.jwks_url else None)
        self._clock = clock
        self._remembered: OrderedDict[str, _Remembered] = OrderedDict()

    async def verify(self, token: str) -> VerifiedToken:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("token missing or too long")
        remembered = self._remembered.get(token)
        if remembered is not None:
            return await self._again(token, remembered)
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
        verified = VerifiedToken(sub=_subject(claims), role=_role(claims), claims=claims)
        self._remember(token, verified, algorithm, header.get("kid"), key)
        return verified

    async def _again(self, token: str, remembered: _Remembered) -> VerifiedToken:
        """A token verified before: only its lifetime and its key can have changed since."""
        now = self._clock()
        if not remembered.valid_from <= now < remembered.valid_until:
            del self._remembered[token]
            raise TokenRejected("invalid token: outside its lifetime (exp/nbf)")
        try:
            key = await self._key_for(remembered.algorithm, remembered.kid)
        except TokenRejected:  # its key was rotated out: forget the token, not only refuse it this time
            del self._remembered[token]
            raise
        if key is not remembered.key:  # the JWKS was refetched: check the signature again
            del self._remembered[token]
            return await self.verify(token)
        self._remembered.move_to_end(token)
        return remembered.verified

    def _remember(
        self, token: str, verified: VerifiedToken, algorithm: object, kid: object, key: Any
    ) -> None:
        leeway = float(self.settings.leeway_s)
        not_before = verified.claims.get("nbf")
        self._remembered[token] = _Remembered(
            verified,
            algorithm,
            kid,
            key,
            valid_from=float(not_before) - leeway if isinstance(not_before, int | float) else float("-inf"),
            valid_until=float(verified.claims["exp"]) + leeway,
        )
        while len(self._remembered) > VERIFIED_CACHE:
            self._remembered.popitem(last=False)

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
