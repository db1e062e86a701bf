"""What a client may learn from an error: our own messages, scrubbed; nothing else.

Allow-listed (shown): errors with no original exception (parse and validation errors) and
``GraphQLError``s our resolvers raise on purpose (bad argument, conflict, access denied). A lost
database shows one fixed sentence with ``extensions.code = DATABASE_UNAVAILABLE``, never the driver's
text (it names hosts); a statement stopped by the Cypher time limit (``graph.timeouts``) likewise says
so with ``QUERY_TIMEOUT``. Everything else — a Neo4j error quoting Cypher, a Python exception with a
traceback — becomes "Unexpected error." (``GatewaySchema.process_errors`` logs the original, and the
log filter masks identifiers in it). Shown messages are scrubbed of NIKs and phone numbers, because a
message may echo an argument.
"""

from __future__ import annotations

from typing import Final

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph.timeouts import timed_out

from ..privacy.masking import scrub_text
from ..runner import DatabaseUnavailable

DATABASE_UNAVAILABLE: Final = "DATABASE_UNAVAILABLE"
QUERY_TIMEOUT: Final = "QUERY_TIMEOUT"
UNEXPECTED: Final = "Unexpected error."


def is_internal(error: GraphQLError) -> bool:
    """True when the error's text must not reach the client."""
    original = error.original_error
    if original is None or timed_out(original):
        return False
    return not isinstance(original, GraphQLError | DatabaseUnavailable)


class PublicErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal, error_message=UNEXPECTED)

    def _process_result(self, result: object) -> None:
        # As MaskErrors, without its isinstance check against a runtime-checkable Protocol, which
        # inspects the class's members on every call (3% of a trivial request's CPU).
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._public(e) for e in super()._process_errors(errors)]

    @staticmethod
    def _public(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        code = error.extensions.get("code") if error.extensions else None
        message = scrub_text(error.message)
        if isinstance(original, DatabaseUnavailable):
            code, message = DATABASE_UNAVAILABLE, "the graph database is unavailable; try again later"
        elif original is not None and timed_out(original):
            code, message = QUERY_TIMEOUT, "the query ran past its time limit: narrow it down"
        extensions = {**(error.extensions or {}), **({"code": code} if code else {})}
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=extensions or None,
        )
