"""What every resolver gets: the request, its Cypher runner (round-trip count), its DataLoaders and
the process's read coalescer."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from .auth.middleware import principal_of
from .auth.principal import Principal
from .coalesce import ReadCoalescer
from .loaders import Loaders
from .privacy.access_log import AccessLog
from .runner import CypherRunner

STEWARD_HEADER = "x-ltsa-steward"  # who is deciding, when a mutation does not say


@dataclass
class RequestContext:
    request: Request
    runner: CypherRunner
    coalescer: ReadCoalescer  # the process's: top-level reads shared with concurrent requests
    loaders: Loaders = field(init=False)
    access_log: AccessLog = field(default_factory=AccessLog)  # written once, by AuditTrail

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.runner)

    @property
    def principal(self) -> Principal | None:
        return principal_of(self.request)

    @property
    def steward(self) -> str:
        """Who decides: the token subject; the header only where no token was verified."""
        principal = self.principal
        return principal.sub if principal else self.request.headers.get(STEWARD_HEADER, "").strip()


Info = StrawberryInfo[RequestContext, None]
