"""The two subgraph schemas. Federation spec 2.9: the newest that the composer in deploy/router
(@theguild/federation-composition 0.27) accepts; strawberry's default (2.11) fails composition."""

from __future__ import annotations

from typing import Final, Literal

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from ..documents import document_caches
from ..execution import GatewayExecutionContext
from ..extension_hooks import ClassifiedHooksRunner
from ..extensions import CypherRoundTrips
from ..privacy.audit_trail import AuditTrail
from ..security.stack import ExtensionFactory, SecuritySettings, hardening_extensions
from .linkage import LinkedPerson, SourceRecordReference
from .organisations import Agency, Employer
from .person import Person
from .records import SourceRecord
from .region import Region
from .registry import RegistryQuery
from .steward import LinkageMutation, LinkageQuery

Subgraph = Literal["registry", "linkage"]
SUBGRAPHS: Final[tuple[Subgraph, ...]] = ("registry", "linkage")
FEDERATION_VERSION: Final = "2.9"


def _extensions(production: bool, security: SecuritySettings | None) -> list[ExtensionFactory]:
    # AuditTrail last: it finishes first, so a withheld response still passes through PublicErrors.
    hardening = hardening_extensions(security or SecuritySettings(), production=production)
    # The document caches after the hardening: the cost check must judge a document before any
    # validation rule walks it, and a document it refused is not validated at all.
    return [CypherRoundTrips, *hardening, *document_caches(), AuditTrail]


class GatewaySchema(strawberry.federation.Schema):
    """Logs only unexpected errors: a refused argument or a steward conflict is an answer, not a fault.
    Extension hooks are classified once per extension class (``gateway.extension_hooks``)."""

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return ClassifiedHooksRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if e.original_error is not None and not isinstance(e.original_error, GraphQLError)
        ]
        super().process_errors(unexpected, execution_context)


def build_schema(
    subgraph: Subgraph, *, production: bool = False, security: SecuritySettings | None = None
) -> GatewaySchema:
    """``production`` switches introspection off; ``security`` sets the query limits."""
    if subgraph == "registry":
        return GatewaySchema(
            query=RegistryQuery,
            types=[Person, SourceRecord, Agency, Employer, Region],
            extensions=_extensions(production, security),
            federation_version=FEDERATION_VERSION,
            execution_context_class=GatewayExecutionContext,  # gateway.execution
        )
    if subgraph == "linkage":
        return GatewaySchema(
            query=LinkageQuery,
            mutation=LinkageMutation,
            types=[LinkedPerson, SourceRecordReference],
            extensions=_extensions(production, security),
            federation_version=FEDERATION_VERSION,
            execution_context_class=GatewayExecutionContext,  # gateway.execution
        )
    raise ValueError(f"unknown subgraph {subgraph!r}; choose one of {', '.join(SUBGRAPHS)}")
