"""What each role may do, as Strawberry permission classes, one per capability.

| capability              | roles                              | fields                                      |
|-------------------------|------------------------------------|---------------------------------------------|
| READ_PEOPLE             | app, steward, investigator         | person*, searchPeople, sourceRecord, Person |
| READ_REFERENCE          | every role                         | agencies, employers, region, coverage, runs |
| REVIEW_MATCHES          | steward                            | matchCandidate(s), stewardDecisions         |
| DECIDE_MATCHES          | steward                            | decideMatch, unmerge                        |
| TRACE_RELATIONSHIPS     | investigator                       | neighbourhood, paths, riskSignals           |
| READ_AUDIT_TRAIL        | admin                              | auditTrail                                  |

Full identifiers (NIK, KK, passport, phone, mother's name, address) are a separate rule:
``sees_full_identifiers`` — role investigator *and* a declared purpose. Everyone else gets masks.

Each guarded field's SDL description ends with "Requires role: …". A refusal names the role, the
field and the role needed ("role 'app' may not read neighbourhood; it
needs role investigator"): the caller learns what to ask for, nothing about the data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from graphql import GraphQLError, OperationType
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from .principal import Principal, Role


@dataclass(frozen=True)
class Capability:
    name: str
    roles: frozenset[Role]

    @property
    def role_names(self) -> str:
        return " or ".join(r.value for r in Role if r in self.roles)


READ_PEOPLE: Final = Capability("read people", frozenset({Role.APP, Role.STEWARD, Role.INVESTIGATOR}))
READ_REFERENCE: Final = Capability("read reference data", frozenset(Role))
REVIEW_MATCHES: Final = Capability("review matches", frozenset({Role.STEWARD}))
DECIDE_MATCHES: Final = Capability("decide matches", frozenset({Role.STEWARD}))
TRACE_RELATIONSHIPS: Final = Capability("trace relationships", frozenset({Role.INVESTIGATOR}))
READ_AUDIT_TRAIL: Final = Capability("read the audit trail", frozenset({Role.ADMIN}))
UNMASKING_ROLES: Final = frozenset({Role.INVESTIGATOR})


class AccessDenied(GraphQLError):
    """A user-facing refusal (extensions.code FORBIDDEN or UNAUTHENTICATED)."""

    def __init__(self, message: str, code: str = "FORBIDDEN") -> None:
        super().__init__(message, extensions={"code": code})


def principal_from(info: Info[Any, Any]) -> Principal | None:
    found = getattr(info.context, "principal", None)
    return found if isinstance(found, Principal) else None


def sees_full_identifiers(principal: Principal | None) -> bool:
    """UU PDP purpose limitation: unmasked identifiers need an entitled role and a declared purpose."""
    return principal is not None and principal.role in UNMASKING_ROLES and principal.purpose is not None


def require(info: Info[Any, Any], capability: Capability) -> Principal:
    """The request's principal when its role has ``capability``; ``AccessDenied`` otherwise."""
    principal = principal_from(info)
    if principal is None:
        raise AccessDenied("not authenticated", code="UNAUTHENTICATED")
    if principal.role not in capability.roles:
        verb = "run" if info.operation.operation == OperationType.MUTATION else "read"
        raise AccessDenied(
            f"role {principal.role.value!r} may not {verb} {info.field_name}; "
            f"it needs role {capability.role_names}"
        )
    return principal


class _CapabilityPermission(BasePermission):
    capability: ClassVar[Capability]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        require(info, self.capability)  # raises with the precise message instead of a generic one
        return True


class CanReadPeople(_CapabilityPermission):
    capability = READ_PEOPLE


class CanReadReference(_CapabilityPermission):
    capability = READ_REFERENCE


class CanReviewMatches(_CapabilityPermission):
    capability = REVIEW_MATCHES


class CanDecideMatches(_CapabilityPermission):
    capability = DECIDE_MATCHES


class CanTraceRelationships(_CapabilityPermission):
    capability = TRACE_RELATIONSHIPS


class CanReadAuditTrail(_CapabilityPermission):
    capability = READ_AUDIT_TRAIL


class RoleGuard(FieldExtension):
    """Runs one capability's permission class before the resolver and states the role in the SDL.

    Not strawberry's ``PermissionExtension``: that one takes the resolver's arguments as ``**kwargs``
    next to a parameter named ``source``, so a field with a ``source`` argument (matchCandidates)
    breaks it. It also adds a schema directive per permission, which the description replaces here.
    """

    def __init__(self, permission: _CapabilityPermission) -> None:
        super().__init__()
        self.permission = permission
        self.note = f"Requires role: {permission.capability.role_names}."

    def apply(self, field: StrawberryField) -> None:
        # Idempotent: a field is applied once per schema built, and both subgraphs may be built.
        if field.description and self.note in field.description:
            return
        field.description = f"{field.description.rstrip()} {self.note}" if field.description else self.note

    def resolve(  # type: ignore[override]  # positional-only: a field argument may be named `source`
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], /, **kwargs: Any
    ) -> Any:
        self.permission.has_permission(source, info)  # capabilities do not depend on arguments
        return next_(source, info, **kwargs)

    async def resolve_async(  # type: ignore[override]  # positional-only, as resolve
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], /, **kwargs: Any
    ) -> Any:
        self.permission.has_permission(source, info)  # capabilities do not depend on arguments
        return await next_(source, info, **kwargs)


def guarded(permission: type[_CapabilityPermission]) -> RoleGuard:
    """The field extension enforcing ``permission``: ``strawberry.field(extensions=[guarded(...)])``."""
    return RoleGuard(permission())
