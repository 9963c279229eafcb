"""Amnimo's surface is AsyncAmnimo's: same namespaces, methods, signatures and docs.

The async surface is walked here independently of how ``_sync`` derives the blocking one, so an
endpoint added to one client and missing from the other fails these tests.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import amnimo_async
import amnimo_async.api
from amnimo_async import Amnimo, AsyncAmnimo
from amnimo_async._client import Namespace
from amnimo_async._endpoint import Endpoint

BASE_URL = "http://127.0.0.1:9/ex"  # nothing listens: these tests send nothing

ASYNC_ONLY = {"aclose", "transport"}  # aclose -> close; the transport is loop-bound
SYNC_ONLY = {"close", "closed", "run"}


def public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def doc(obj: object) -> list[str]:
    """The lines of ``obj``'s docstring, without their indentation (which the generated code has
    as ruff writes it, and which Python 3.13 strips from some of the async ones when compiling)."""
    return [line.strip() for line in (inspect.getdoc(obj) or "").splitlines()]


def same_call(actual: Any, expected: Any) -> bool:
    """The same parameters, and the return type of a blocking twin: the same, but paginators,
    sweeps and async iterators come back as their blocking twins."""
    ours, theirs = inspect.signature(actual), inspect.signature(expected)
    returned = re.sub(r"\b(Paginator|Inventory|LiveSession)\b", r"Sync\1", theirs.return_annotation)
    returned = re.sub(r"\bAsync(Iterator|Iterable|Generator)\[", r"\1[", returned)
    return ours.parameters == theirs.parameters and ours.return_annotation == returned


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[AsyncAmnimo, Amnimo]]:
    amnimo = Amnimo("client-id", "secret-key", base_url=BASE_URL)
    try:
        yield amnimo._portal.client, amnimo
    finally:
        amnimo.close()


def test_constructor_signature_is_the_async_one() -> None:
    assert inspect.signature(Amnimo.__init__) == inspect.signature(AsyncAmnimo.__init__)
    assert inspect.signature(Amnimo) == inspect.signature(AsyncAmnimo)


def test_same_top_level_names(clients: tuple[AsyncAmnimo, Amnimo]) -> None:
    async_client, amnimo = clients
    assert public(async_client) - ASYNC_ONLY == public(amnimo) - SYNC_ONLY


def test_namespaces_have_the_same_methods_signatures_and_docs(clients: tuple[AsyncAmnimo, Amnimo]) -> None:
    async_client, amnimo = clients
    namespaces = [name for name in public(async_client) if isinstance(getattr(async_client, name), Namespace)]
    assert set(namespaces) >= {"accounts", "cameras", "streams", "media", "devices"}
    for name in namespaces:
        async_ns, sync_ns = getattr(async_client, name), getattr(amnimo, name)
        assert public(async_ns) == public(sync_ns), name
        assert doc(sync_ns) == doc(async_ns)
        for method in public(async_ns):
            expected, actual = getattr(async_ns, method), getattr(sync_ns, method)
            where = f"{name}.{method}"
            assert same_call(actual, expected), where
            assert doc(actual) == doc(expected), where
            assert actual.__name__ == method
            assert not inspect.iscoroutinefunction(actual), where


def test_top_level_methods_have_the_same_signatures_and_docs(clients: tuple[AsyncAmnimo, Amnimo]) -> None:
    async_client, amnimo = clients
    methods = [
        name
        for name in public(async_client) - ASYNC_ONLY
        if not isinstance(getattr(async_client, name), Namespace)
    ]
    assert "inventory" in methods
    for name in methods:
        expected, actual = getattr(async_client, name), getattr(amnimo, name)
        assert same_call(actual, expected), name
        assert doc(actual) == doc(expected), name


def test_the_declared_attributes_are_exactly_the_derived_ones(clients: tuple[AsyncAmnimo, Amnimo]) -> None:
    # Type checkers see the class's annotations and methods; the surface must not outgrow them.
    async_client, _ = clients
    methods = {name for name, value in vars(Amnimo).items() if inspect.isfunction(value)}
    declared = {name for name in {*Amnimo.__annotations__, *methods} if not name.startswith("_")}
    assert declared == public(async_client) - ASYNC_ONLY
    hints = typing.get_type_hints(Amnimo)
    for name in declared:
        value = getattr(async_client, name)
        if isinstance(value, Namespace):
            assert issubclass(hints[name], amnimo_async._sync.BlockingProxy), name


def test_sync_only_names_are_the_lifecycle(clients: tuple[AsyncAmnimo, Amnimo]) -> None:
    _, amnimo = clients
    assert public(amnimo) >= SYNC_ONLY
    assert not amnimo.closed
    assert "transport" not in public(amnimo)


def test_amnimo_is_exported() -> None:
    assert "Amnimo" in amnimo_async.__all__
    assert amnimo_async.Amnimo is Amnimo


# --- the generated-style modules ----------------------------------------------------------


def operation_modules() -> list[ModuleType]:
    modules = []
    for group in pkgutil.iter_modules(amnimo_async.api.__path__):
        if not group.ispkg:
            continue
        package = importlib.import_module(f"amnimo_async.api.{group.name}")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return modules


def test_every_operation_module_is_found() -> None:
    assert len(operation_modules()) == 19


@pytest.mark.parametrize("module", operation_modules(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_operation_module_has_sync_twins(module: Any) -> None:
    endpoint: Endpoint[Any, Any] = module.endpoint
    assert module.sync is endpoint.sync
    assert module.sync_detailed is endpoint.sync_detailed
    for blocking, coroutine in (
        (module.sync, module.asyncio),
        (module.sync_detailed, module.asyncio_detailed),
    ):
        assert not inspect.iscoroutinefunction(blocking)
        expected = inspect.signature(coroutine)
        actual = inspect.signature(blocking)
        first, *rest = actual.parameters.values()
        assert first.name == "client"
        assert first.kind is inspect.Parameter.POSITIONAL_ONLY
        assert first.annotation == "SyncClientLike"
        assert rest == list(expected.parameters.values())[1:]
        assert actual.return_annotation == expected.return_annotation
        assert blocking.__doc__ == coroutine.__doc__
        assert blocking.__module__ == module.__name__
