"""The signing keys of an OIDC provider, fetched from its JWKS URL and cached.

Keys are trusted for ``ttl_s`` seconds, then fetched again. A token naming a key id the cache does not
hold triggers one early fetch (the provider rotated its keys), but at most once per
``min_refetch_s``: otherwise a stream of tokens with made-up key ids would turn the gateway into a
load generator against the provider. When a fetch fails, keys still within their TTL keep working.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import jwt


class KeyUnavailable(LookupError):
    """No usable key for a token: unknown key id, or the JWKS could not be fetched."""


class JwksCache:
    def __init__(
        self,
        url: str,
        ttl_s: float = 300.0,
        *,
        min_refetch_s: float = 10.0,
        fetch_timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.min_refetch_s = min_refetch_s
        self.fetch_timeout_s = fetch_timeout_s
        self.clock = clock
        self.fetches = 0  # successful or not; lets tests see rotation and throttling
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK:
        """The key with id ``kid``, fetching the JWKS when stale or when ``kid`` is new."""
        async with self._lock:
            now = self.clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self.ttl_s
            unknown = kid not in self._keys
            may_refetch = self._attempted_at is None or now - self._attempted_at >= self.min_refetch_s
            if (stale or unknown) and may_refetch:
                await self._refresh(now)
            if self._fetched_at is None or self.clock() - self._fetched_at >= self.ttl_s:
                raise KeyUnavailable("the JWKS could not be fetched")
            found = self._keys.get(kid)
        if found is None:
            raise KeyUnavailable("no key with the token's key id")
        return found

    async def _refresh(self, now: float) -> None:
        self._attempted_at = now
        self.fetches += 1
        try:
            async with httpx.AsyncClient(timeout=self.fetch_timeout_s) as client:
                response = await client.get(self.url, headers={"Accept": "application/json"})
                response.raise_for_status()
                key_set = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWKSetError):
            return  # keep the keys we have until their TTL runs out
        self._keys = {k.key_id: k for k in key_set.keys if k.key_id}
        self._fetched_at = now
