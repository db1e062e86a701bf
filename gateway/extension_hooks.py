"""Strawberry's extension hooks, classified once per extension class instead of once per request.

For every request and every phase (operation, parsing, validation, execution) Strawberry asks each of
the schema's extensions whether it has a hook for that phase and what kind it is (generator, async
generator, plain or coroutine function, read with ``inspect``), then wraps the bound method in a new
``contextlib.contextmanager`` (which copies the function's name, docstring and attributes with
``functools.wraps``). The answers never change for a class, yet with the gateway's ten extensions
this was 8% of the CPU of a request that does nothing (``{ __typename }``, ``docs/benchmarks.md``).

Here the context-manager factory is made once per (class, phase), from the unbound method, and a
request's hook is that factory bound to the request's extension instance: the same hooks run in the
same order with the same semantics.
"""

from __future__ import annotations

import contextlib
import inspect
from asyncio import iscoroutinefunction
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any, TypeAlias

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

HookFactory: TypeAlias = Callable[[SchemaExtension], Any]  # extension → a (async) context manager
_FACTORIES: dict[tuple[type[SchemaExtension], str], tuple[HookFactory, bool] | None] = {}


def _factory(cls: type[SchemaExtension], phase: str) -> tuple[HookFactory, bool] | None:
    """The context-manager factory for ``cls``'s hook of ``phase`` and whether it is async; None
    when the class keeps Strawberry's default (no hook). Mirrors ``ExtensionContextManagerBase.get_hook``."""
    hook = getattr(cls, phase)
    if hook is getattr(SchemaExtension, phase):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    if not callable(hook):
        raise ValueError(f"Hook {phase} on {cls.__name__} must be callable, received {hook!r}")
    if iscoroutinefunction(hook):

        @contextlib.asynccontextmanager
        async def awaited(extension: SchemaExtension) -> AsyncIterator[None]:
            await hook(extension)
            yield

        return awaited, True

    @contextlib.contextmanager
    def called(extension: SchemaExtension) -> Iterator[None]:
        hook(extension)
        yield

    return called, False


class _ClassifiedOnce(ExtensionContextManagerBase):
    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        key = (type(extension), self.HOOK_NAME)
        try:
            found = _FACTORIES[key]
        except KeyError:
            found = _FACTORIES[key] = _factory(type(extension), self.HOOK_NAME)
        if found is None:
            return None
        factory, is_async = found
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class _Operation(_ClassifiedOnce, OperationContextManager):
    pass


class _Validation(_ClassifiedOnce, ValidationContextManager):
    pass


class _Parsing(_ClassifiedOnce, ParsingContextManager):
    pass


class _Executing(_ClassifiedOnce, ExecutingContextManager):
    pass


class ClassifiedHooksRunner(SchemaExtensionsRunner):
    """``SchemaExtensionsRunner`` whose phases use the per-class hook factories (streamed results,
    which the gateway does not serve, keep Strawberry's own)."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)
