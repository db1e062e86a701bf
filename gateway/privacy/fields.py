"""Field extensions that mask identifiers unless the principal may see them, and log it when they may.

Masked by default: a field shows its full value only when ``sees_full_identifiers`` holds (role
investigator with a declared purpose) *and* the request has an access log to record it in; anything
else (no principal, no log, another role, no purpose) gets the mask. Every full value shown is
recorded per person and field, so the request's audit write says exactly what was revealed.

* ``MaskedIdentifier(kind)`` — a scalar field of ``Person`` (nik, kkNumber, …).
* ``MaskedFieldValues(subject_of)`` — a list of ``{field, value, raw}`` items (source record values,
  provenance), masked by each item's field name.
* ``MaskedGraphView()`` — a neighbourhood/paths view: node references, captions, property JSON.
* ``MaskedRiskSignals()`` — risk signals whose subject is a phone or passport.
* ``ScrubbedText(subject_of)`` — free text (complaints) scrubbed of NIKs and phone numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, Final

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from ..auth.permissions import principal_from, sees_full_identifiers
from .access_log import AccessLog
from .masking import (
    FIELD_KINDS,
    LABEL_KINDS,
    IdentifierKind,
    mask,
    mask_field,
    mask_reference,
    scrub_text,
)

Revealed = dict[str, set[str]]  # Person:/SourceRecord: reference → identifier fields shown in full
SubjectOf = Callable[[Any], str | None]  # the Person:/SourceRecord: reference a value belongs to


def _access_log(info: Info[Any, Any]) -> AccessLog | None:
    found = getattr(info.context, "access_log", None)
    return found if isinstance(found, AccessLog) else None


MASKED_NOTE: Final = "Masked unless the caller is an investigator with a declared purpose (X-Purpose)."


class _Masking(FieldExtension):
    """Resolve, then either mask the value or record what it reveals."""

    def apply(self, field: StrawberryField) -> None:
        if field.description and MASKED_NOTE in field.description:
            return  # applied again whenever a schema is built
        field.description = (
            f"{field.description.rstrip()} {MASKED_NOTE}" if field.description else MASKED_NOTE
        )

    def masked(self, value: Any) -> Any:
        raise NotImplementedError

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        raise NotImplementedError

    def _finish(self, value: Any, source: Any, info: Info[Any, Any]) -> Any:
        if value is None:
            return None
        log = _access_log(info)
        if log is None or not sees_full_identifiers(principal_from(info)):
            return self.masked(value)
        for subject, fields in self.revealed(value, source, info).items():
            log.read_identifiers(subject, fields)
        return value

    def resolve(  # type: ignore[override]  # positional-only: a field argument may be named `source`
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], /, **kwargs: Any
    ) -> Any:
        return self._finish(next_(source, info, **kwargs), source, info)

    async def resolve_async(  # type: ignore[override]  # positional-only, as resolve
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], /, **kwargs: Any
    ) -> Any:
        return self._finish(await next_(source, info, **kwargs), source, info)


class MaskedIdentifier(_Masking):
    def __init__(self, kind: IdentifierKind) -> None:
        super().__init__()
        self.kind = kind

    def masked(self, value: Any) -> Any:
        return mask(self.kind, str(value))

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        return {f"Person:{source.id}": {info.field_name}}


class MaskedFieldValues(_Masking):
    """Items are dataclasses with ``field`` and ``value`` (and maybe ``raw``), e.g. RecordValue."""

    def __init__(self, subject_of: SubjectOf) -> None:
        super().__init__()
        self.subject_of = subject_of

    def masked(self, value: Any) -> Any:
        return [
            dataclasses.replace(
                item,
                **{a: mask_field(item.field, getattr(item, a)) for a in ("value", "raw") if hasattr(item, a)},
            )
            for item in value
        ]

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        subject = self.subject_of(source)
        fields = {item.field for item in value if item.field in FIELD_KINDS and item.value is not None}
        return {subject: fields} if subject and fields else {}


class MaskedGraphView(_Masking):
    """A GraphView (nodes with id/label/caption/properties JSON, edges with source/target/properties)."""

    def masked(self, value: Any) -> Any:
        nodes = [
            dataclasses.replace(
                node,
                id=mask_reference(str(node.id)),
                caption=_masked_caption(node.label, node.caption),
                masked=True,  # its properties JSON, when asked for
            )
            for node in value.nodes
        ]
        edges = [
            dataclasses.replace(
                edge,
                source=mask_reference(str(edge.source)),
                target=mask_reference(str(edge.target)),
                masked=True,
            )
            for edge in value.edges
        ]
        return dataclasses.replace(value, nodes=nodes, edges=edges)

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        # Persons' and source records' own identifiers; a Phone/Passport/Address node's key is
        # attributed to the persons next to it in the view: showing it shows theirs.
        neighbours: dict[str, set[str]] = {}
        for edge in value.edges:
            neighbours.setdefault(str(edge.source), set()).add(str(edge.target))
            neighbours.setdefault(str(edge.target), set()).add(str(edge.source))
        shown: Revealed = {}
        for node in value.nodes:
            fields = set(node.property_map) & set(FIELD_KINDS)
            if not fields:
                continue
            own = node.label in ("Person", "SourceRecord")
            subjects = {str(node.id)} if own else neighbours.get(str(node.id), set())
            for subject in subjects:
                if subject.partition(":")[0] in ("Person", "SourceRecord"):
                    shown.setdefault(subject, set()).update(fields)
        return shown


class MaskedRiskSignals(_Masking):
    """RiskSignal items: ``subject_id`` is Label:key, ``subject_name`` the key for identifier nodes."""

    def masked(self, value: Any) -> Any:
        return [
            dataclasses.replace(
                signal,
                subject_id=mask_reference(str(signal.subject_id)),
                subject_name=_masked_caption(str(signal.subject_id).partition(":")[0], signal.subject_name),
            )
            for signal in value
        ]

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        return {}  # the subjects are phones and passports; the persons behind them are not read here


class ScrubbedText(_Masking):
    def __init__(self, subject_of: SubjectOf) -> None:
        super().__init__()
        self.subject_of = subject_of

    def masked(self, value: Any) -> Any:
        return scrub_text(str(value))

    def revealed(self, value: Any, source: Any, info: Info[Any, Any]) -> Revealed:
        subject = self.subject_of(source)
        return {subject: {info.field_name}} if subject and scrub_text(str(value)) != value else {}


def _masked_caption(label: str, caption: str | None) -> str | None:
    if caption is None:
        return None
    kind = LABEL_KINDS.get(label)
    return mask(kind, caption) if kind else scrub_text(caption)
