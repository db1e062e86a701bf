"""Per-subject rate limiting: a token bucket per JWT ``sub``, 429 with ``Retry-After`` when empty.

Each subject may make ``burst`` requests at once and ``rate`` per second on average. Buckets live in
process memory (one gateway replica counts its own requests; the router in front spreads load). Idle
buckets that have refilled completely carry no information and are dropped when the table grows, so
a stream of distinct subjects cannot exhaust memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..auth.middleware import PRINCIPAL_KEY
from ..auth.principal import Principal

MAX_TRACKED_SUBJECTS: Final = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be positive and burst at least 1, got {rate} and {burst}")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, subject: str) -> float:
        """0 when ``subject`` may go ahead (a token is taken), else the seconds until it may."""
        now = self.clock()
        bucket = self._buckets.get(subject)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_SUBJECTS:
                self._forget_idle(now)
            bucket = self._buckets[subject] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full = [s for s, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for subject in full:
            del self._buckets[subject]


class RateLimitMiddleware:
    """Runs inside ``AuthMiddleware``: requests without a principal (health probes) are not counted."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get(PRINCIPAL_KEY) if scope["type"] == "http" else None
        if isinstance(principal, Principal):
            wait = self.limiter.take(principal.sub)
            if wait > 0:
                body = {"errors": [{"message": "too many requests", "extensions": {"code": "RATE_LIMITED"}}]}
                headers = {"Retry-After": str(max(1, math.ceil(wait)))}
                await JSONResponse(body, status_code=429, headers=headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)
