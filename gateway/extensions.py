"""Schema extensions shared by both subgraphs."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

from .context import RequestContext


class CypherRoundTrips(SchemaExtension):
    """Reports ``extensions.cypherRoundTrips``: the Cypher statements this request sent to Neo4j."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            return {"cypherRoundTrips": context.runner.round_trips}
        return {}
