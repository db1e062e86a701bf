"""The hardening settings and how they wrap the app: which extensions, which middleware, in what order.

Environment (all optional): ``LTSA_MAX_DEPTH`` (12), ``LTSA_MAX_ALIASES`` (30), ``LTSA_MAX_TOKENS``
(2000), ``LTSA_MAX_COST`` (50000), ``LTSA_MAX_BODY_BYTES`` (65536), ``LTSA_RATE_LIMIT`` (requests per
second per token subject, 20) and ``LTSA_RATE_BURST`` (60).

Request path: body size (413) → token (401/400) → rate (429) → GraphQL (depth, aliases, tokens, cost,
introspection in production; errors masked; identifiers masked; audit written).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from starlette.middleware import Middleware
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from ..auth.middleware import AuthMiddleware, is_health_path
from ..auth.verify import TokenVerifier
from ..documents import document_only
from ..schema.pagination import DEFAULT_PAGE, MAX_PAGE
from .body_limit import BodySizeLimit
from .cost import CostLimits, QueryCostLimiter
from .errors import PublicErrors
from .rate_limit import RateLimiter, RateLimitMiddleware

ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]
LIST_FANOUT: Final = 10  # assumed length of a list without a page size (family, placements, …)


@dataclass(frozen=True)
class SecuritySettings:
    max_depth: int = 12  # family of family of …: each level is one more batched round trip
    max_aliases: int = 30
    max_tokens: int = 2000
    max_cost: int = 50_000
    max_body_bytes: int = 64 * 1024
    rate_per_s: float = 20.0
    burst: int = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SecuritySettings:
        env = os.environ if env is None else env
        defaults = cls()

        def number(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            try:
                value = float(raw) if raw else default
            except ValueError as exc:
                raise ValueError(f"{name} must be a number, got {raw!r}") from exc
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {raw!r}")
            return value

        return cls(
            max_depth=int(number("LTSA_MAX_DEPTH", defaults.max_depth)),
            max_aliases=int(number("LTSA_MAX_ALIASES", defaults.max_aliases)),
            max_tokens=int(number("LTSA_MAX_TOKENS", defaults.max_tokens)),
            max_cost=int(number("LTSA_MAX_COST", defaults.max_cost)),
            max_body_bytes=int(number("LTSA_MAX_BODY_BYTES", defaults.max_body_bytes)),
            rate_per_s=number("LTSA_RATE_LIMIT", defaults.rate_per_s),
            burst=int(number("LTSA_RATE_BURST", defaults.burst)),
        )

    @property
    def cost_limits(self) -> CostLimits:
        return CostLimits(self.max_cost, DEFAULT_PAGE, MAX_PAGE, LIST_FANOUT)


def hardening_extensions(settings: SecuritySettings, *, production: bool) -> list[ExtensionFactory]:
    """Schema extensions refusing hostile documents and masking internal errors (fresh per request)."""
    # The depth and alias rules are built once, here, not per request: with fixed limits they judge
    # the document alone, so gateway.documents caches their verdict per document (~1 ms a request).
    limits = document_only(
        QueryDepthLimiter(max_depth=settings.max_depth).validation_rules
        + MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules
    )
    extensions: list[ExtensionFactory] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(limits),
        lambda: QueryCostLimiter(settings.cost_limits),
        PublicErrors,
    ]
    if production:
        extensions.append(DisableIntrospection)
    return extensions


def guard_middleware(
    verifier: TokenVerifier, settings: SecuritySettings, is_open: Callable[[str], bool] = is_health_path
) -> list[Middleware]:
    """Starlette middleware, outermost first: body limit, token check (``is_open`` paths pass), rate."""
    return [
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        Middleware(AuthMiddleware, verifier=verifier, is_open=is_open),
        Middleware(RateLimitMiddleware, limiter=RateLimiter(settings.rate_per_s, settings.burst)),
    ]
