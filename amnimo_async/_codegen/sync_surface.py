"""Writes ``amnimo_async/_sync_client.py``, the typed blocking surface, from the async one.

``python -m amnimo_async._codegen.sync_surface`` rewrites the file; ``--check`` only compares and
exits 1 when it is stale (a test runs it), as httpcore's ``unasync`` script does. The output is
plain Python that type checkers and editors read like hand-written code; the bridge it calls into
is :mod:`amnimo_async._sync`. The async client class is imported and inspected, and its source
read where the objects do not say enough (instance attributes, where names come from). Rules:

- each namespace of the client (an attribute holding a :class:`Namespace`) becomes ``Sync<Name>``
  and the client ``Amnimo``: the same public methods (but :data:`ASYNC_ONLY`), parameters,
  defaults and docstrings, and the same ``__init__`` signature;
- a coroutine function returning ``T`` becomes a method returning ``T``; an endpoint operation
  (``operation(endpoint)``) is one, with the signature of the endpoint's request builder;
- a value whose class is async-iterable or an async context manager (``Paginator``,
  ``Inventory``...) comes back as that class's blocking twin ``Sync<Name>``, made by the same
  rules: ``__aiter__`` becomes ``__iter__``, ``__aenter__``/``__aexit__`` ``__enter__``/``__exit__``,
  and plain attributes are read through;
- an ``AsyncIterator[X]`` (from an async generator method, say) becomes an ``Iterator[X]``; an
  ``AbstractAsyncContextManager[X]`` (from an ``@asynccontextmanager`` method) an
  ``AbstractContextManager[X]``.

Anything else async stops it with a :class:`GenerationError` saying what to change.

The package imports the generated file, so the generator runs only while the checked-in one
still imports: after renaming a bridge name it uses, rename it there by hand too, then rerun.
"""

from __future__ import annotations

import argparse
import ast
import collections.abc
import contextlib
import difflib
import inspect
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

from .._client import AsyncAmnimo, Namespace, client_method
from .._endpoint import Endpoint
from .python_source import (
    INDENT,
    LINE_LENGTH,
    GenerationError,
    Source,
    block,
    docstring,
    parse,
    wrap,
)

__all__ = ["GenerationError", "main", "render"]

COMMAND = "python -m amnimo_async._codegen.sync_surface"
TARGET = Path(__file__).resolve().parents[1] / "_sync_client.py"
BRIDGE = "amnimo_async._sync"
PACKAGE = "amnimo_async"
ASYNC_ONLY = frozenset({"aclose", "transport"})
"""Public names of the async client with no blocking twin (``close()`` replaces ``aclose()``)."""

_ASYNC_ITERATORS = (
    collections.abc.AsyncIterator,
    collections.abc.AsyncIterable,
    collections.abc.AsyncGenerator,
)
_ASYNC_PROTOCOL = ("__aiter__", "__anext__", "__aenter__", "__aexit__")

AMNIMO_DOC = """The amnimo API client for blocking code: :class:`AsyncAmnimo`'s namespaces, methods and
arguments, each call waiting for its answer.

::

    with Amnimo(client_id, secret_key) as amnimo:
        root = amnimo.accounts.hierarchy(account_id)
        for camera in amnimo.cameras.iter(subscription_id):
            ...

It runs an :class:`AsyncAmnimo` in an event loop on a background thread; any number of threads
may use one client at once, sharing its connections, rate limiter and token. Paginators and
sweeps come back as plain iterables (leaving a ``for`` loop early cancels what is in flight)
and async context managers as context managers: ``with amnimo.streams.live(sub, camera_id) as
session:`` keeps the session alive from the loop thread while yours does other things, and stops
it when the block is left. Ctrl-C during a call cancels the request and raises KeyboardInterrupt
at once.

Calling it from a thread that runs an event loop of its own (Jupyter, or an ``async def``) works,
but blocks that loop for the duration of the call: in async code prefer :class:`AsyncAmnimo`.
Callbacks the async client makes (``inventory(on_progress=...)``, a token cache, httpx event
hooks) run in the client's loop thread; code running there must not call the blocking client:
that raises RuntimeError instead of deadlocking.

Close it (``with`` or :meth:`close`) to stop the thread and close the connections; one dropped
while open is closed with a ``ResourceWarning``. It also runs the generated-style endpoint
functions: ``list_cameras.sync(amnimo, subscription_id=sub)``.
"""

MODULE_DOC = """The typed blocking surface: :class:`Amnimo`, its namespaces and the blocking twins of what
they return, generated from :class:`~amnimo_async.AsyncAmnimo`. Each method runs its async twin in
the client's event loop thread (:mod:`amnimo_async._sync`) and waits for it.
"""


class Result(NamedTuple):
    """How a value crosses from the async surface to the blocking one."""

    annotation: str
    """Its blocking type, as written in the generated code."""
    wrap: str
    """An expression turning the async value (``{}``) into the blocking one."""


class Generator:
    """Renders the blocking twin of an async client class and of everything it returns."""

    def __init__(self, client: type, name: str, doc: str, package: str | None) -> None:
        self.client, self.name, self.doc = client, name, doc
        self.source = Source(package)
        self.twins: dict[type, str] = {}  # async class -> its blocking twin's name, as found

    def render(self, module_doc: str) -> str:
        classes = [self._client_class()]
        while len(classes) <= len(self.twins):  # it grows as twins return more twins
            classes.append(self._twin_class(list(self.twins)[len(classes) - 1]))
        head = [f"# Generated by {COMMAND}; do not edit.", *docstring(module_doc, "")]
        head += ["", "from __future__ import annotations", "", *self.source.import_lines()]
        return "\n".join(head + [line for lines in classes for line in ["", "", *lines]]) + "\n"

    def _client_class(self) -> list[str]:
        cls, source = self.client, self.source
        source.used = set()
        init = inspect.unwrap(
            next(vars(klass)["__init__"] for klass in cls.__mro__ if "__init__" in vars(klass))
        )
        signature, arguments = self._parameters(
            list(inspect.signature(init).parameters.values())[1:], init.__module__
        )
        source.name(cls.__name__, cls.__module__)
        source.imported(BRIDGE, "BlockingClient")
        source.imported(BRIDGE, "Portal")
        source.module("functools")
        lines = [f"class {self.name}(BlockingClient[{cls.__name__}]):", *docstring(self.doc, INDENT), ""]
        assigned, passthrough = ["super().__init__(Portal(factory))"], []
        for attribute, (annotation, module) in self.source.attributes(cls).items():
            value = source.lookup(annotation, module)
            if attribute in ASYNC_ONLY:
                continue
            if isinstance(value, type) and issubclass(value, Namespace):  # built once, with the client
                twin = self._twin(value)
                lines.append(f"{INDENT}{attribute}: {twin}")
                assigned.append(f"self.{attribute} = {twin}(self._portal, self._target.{attribute})")
            else:
                passthrough += ["", *self._property(attribute, annotation, module, None)]
        lines += ["", *_def("__init__", signature, "None")]
        lines += wrap("factory = functools.partial(", [cls.__name__, *arguments], ")", 2) + block(assigned)
        lines += passthrough
        for name, value, owner in _members(cls):
            if name not in ASYNC_ONLY and name not in _ASYNC_PROTOCOL:
                lines += ["", *self._member(name, value, owner)]
        return self._checked(cls, lines)

    def _twin(self, cls: type) -> str:
        if cls is self.client:
            raise GenerationError(f"something returns the async client {cls.__name__} itself")
        return self.twins.setdefault(cls, f"Sync{cls.__name__}")

    def _twin_class(self, cls: type) -> list[str]:
        source, module = self.source, cls.__module__
        source.used = set()
        source.name(cls.__name__, module)
        source.imported(BRIDGE, "BlockingProxy")
        variables = [variable.__name__ for variable in getattr(cls, "__parameters__", ())]
        bases = f"BlockingProxy[{cls.__name__}]"
        if variables:  # a generic class (Paginator[ItemT, PageT]): so is its twin
            for variable in variables:
                source.name(variable, module)
            source.imported("typing", "Generic")
            bases = f"BlockingProxy[{cls.__name__}[{', '.join(variables)}]], Generic[{', '.join(variables)}]"
        lines = [f"class {self.twins[cls]}({bases}):", *docstring(vars(cls).get("__doc__"), INDENT)]
        attributes = self.source.attributes(cls)
        for attribute, (annotation, where) in attributes.items():
            lines += ["", *self._property(attribute, annotation, where, None)]
        for name, value, owner in _members(cls):
            if name not in attributes and name not in _ASYNC_PROTOCOL:
                lines += ["", *self._member(name, value, owner)]
        return self._checked(cls, lines + self._protocol(cls))

    def _protocol(self, cls: type) -> list[str]:
        """``__iter__``, ``__enter__`` and ``__exit__`` for ``__aiter__``, ``__aenter__``, ``__aexit__``."""
        methods = {name: getattr(cls, name) for name in _ASYNC_PROTOCOL if hasattr(cls, name)}
        lines: list[str] = []
        if "__aiter__" in methods:
            returned, module = _returns(methods["__aiter__"]), methods["__aiter__"].__module__
            if self._is_self(returned, cls) and "__anext__" in methods:  # an async iterator itself
                item = self._plain(_returns(methods["__anext__"]), methods["__anext__"].__module__)
            elif self._origin(returned, module) in _ASYNC_ITERATORS:
                item = self._plain(_item(parse(returned)), module)
            else:
                raise GenerationError(
                    f"{cls.__name__}.__aiter__ must return AsyncIterator[...], not {returned}"
                )
            self.source.imported("collections.abc", "Iterator")
            lines += ["", *_def("__iter__", [], f"Iterator[{item}]")]
            lines += block(["return self._portal.iterate(self._target)"])
        if "__aenter__" in methods:
            if "__aexit__" not in methods:
                raise GenerationError(f"{cls.__name__} has __aenter__ but no __aexit__")
            entered, module = _returns(methods["__aenter__"]), methods["__aenter__"].__module__
            if self._is_self(entered, cls):
                lines += [
                    "",
                    *_def("__enter__", [], self.twins[cls]),
                    *block(["self._enter()", "return self"]),
                ]
            else:
                result = self._result(entered, module)
                lines += ["", *_def("__enter__", [], result.annotation)]
                value = f"value: {self.source.expression(entered, module)} = self._enter()"
                lines += block([value, f"return {result.wrap.format('value')}"])
            self.source.imported("types", "TracebackType")
            exc_info = [
                "exc_type: type[BaseException] | None",
                "exc: BaseException | None",
                "tb: TracebackType | None",
            ]
            swallows = _returns(methods["__aexit__"]) != "None"
            lines += ["", *_def("__exit__", exc_info, "bool | None" if swallows else "None")]
            lines += block([f"{'return ' if swallows else ''}self._exit(exc_type, exc, tb)"])
        return lines

    def _member(self, name: str, value: Any, owner: type) -> list[str]:
        """The blocking twin of the public class attribute ``name`` of ``owner``."""
        if isinstance(value, client_method):  # fn(client, ...) bound: judged as fn without its client
            value = value.fn
        endpoint = getattr(sys.modules[value.__module__], "endpoint", None) if callable(value) else None
        if isinstance(endpoint, Endpoint) and endpoint.asyncio is value:  # an operation's asyncio
            build, parse_response = endpoint.build, endpoint.parse
            result = self._result(*_parsed_type(parse_response))
            parameters = list(inspect.signature(build).parameters.values())
            return self._method(name, parameters, build.__module__, "run", result, endpoint.asyncio.__doc__)
        if isinstance(value, property) and value.fget is not None:
            return self._property(name, _returns(value.fget), value.fget.__module__, value.fget.__doc__)
        if not inspect.isfunction(value):
            raise GenerationError(f"{owner.__name__}.{name}: no blocking rule for a {type(value).__name__}")
        parameters = list(inspect.signature(value).parameters.values())[1:]
        returned, module = _returns(value), value.__module__
        if inspect.isasyncgenfunction(getattr(value, "__wrapped__", None)) and not inspect.isasyncgenfunction(
            value
        ):
            # @asynccontextmanager: its generator yields X; it returns an async context manager of X
            item = self._plain(_item(parse(returned)), module)
            self.source.imported("contextlib", "AbstractContextManager")
            result = Result(f"AbstractContextManager[{item}]", "self._portal.wrap_async_context_manager({})")
            return self._method(name, parameters, module, "call", result, value.__doc__)
        how = "run" if inspect.iscoroutinefunction(value) else "call"
        return self._method(name, parameters, module, how, self._result(returned, module), value.__doc__)

    def _method(
        self,
        name: str,
        parameters: list[inspect.Parameter],
        module: str,
        how: str,
        result: Result,
        doc: str | None,
    ) -> list[str]:
        signature, arguments = self._parameters(parameters, module)
        lines = [*_def(name, signature, result.annotation), *docstring(doc, 2 * INDENT)]
        call = [f"self._target.{name}", *arguments]
        if result.wrap == "{}":
            return lines + wrap(f"return self._portal.{how}(", call, ")", 2)
        inline = block([f"return {result.wrap.format(f'self._portal.{how}(' + ', '.join(call) + ')')}"])
        if len(inline[0]) <= LINE_LENGTH:
            return lines + inline
        return (
            lines
            + wrap(f"value = self._portal.{how}(", call, ")", 2)
            + block([f"return {result.wrap.format('value')}"])
        )

    def _property(self, name: str, annotation: str | ast.expr, module: str, doc: str | None) -> list[str]:
        result = self._result(annotation, module)
        lines = [f"{INDENT}@property", *_def(name, [], result.annotation), *docstring(doc, 2 * INDENT)]
        return lines + block([f"return {result.wrap.format(f'self._target.{name}')}"])

    def _parameters(
        self, parameters: Sequence[inspect.Parameter], module: str
    ) -> tuple[list[str], list[str]]:
        """The parameters as a signature writes them, and the arguments passing them on."""
        signature: list[str] = []
        arguments: list[str] = []
        kinds = [parameter.kind for parameter in parameters]
        for index, parameter in enumerate(parameters):
            kind, name = parameter.kind, parameter.name
            if kind is inspect.Parameter.KEYWORD_ONLY and not {inspect.Parameter.VAR_POSITIONAL, kind} & {
                *kinds[:index]
            }:
                signature.append("*")
            if parameter.annotation is inspect.Parameter.empty:
                raise GenerationError(f"parameter {name!r} (in {module}) has no annotation")
            text = f"{name}: {self.source.expression(parameter.annotation, module)}"
            if parameter.default is not inspect.Parameter.empty:
                text += f" = {self.source.default(parameter.default, module)}"
            star = (
                "*"
                if kind is inspect.Parameter.VAR_POSITIONAL
                else "**"
                if kind is inspect.Parameter.VAR_KEYWORD
                else ""
            )
            signature.append(star + text)
            arguments.append(f"{name}={name}" if kind is inspect.Parameter.KEYWORD_ONLY else star + name)
            if (
                kind is inspect.Parameter.POSITIONAL_ONLY
                and inspect.Parameter.POSITIONAL_ONLY not in kinds[index + 1 :]
            ):
                signature.append("/")
        return signature, arguments

    def _result(self, annotation: str | ast.expr, module: str) -> Result:
        """The blocking type of a value of type ``annotation`` of ``module``, and how to convert it."""
        node = parse(annotation)
        origin = self._origin(node, module)
        if origin in _ASYNC_ITERATORS:
            self.source.imported("collections.abc", "Iterator")
            return Result(f"Iterator[{self._plain(_item(node), module)}]", "self._portal.iterate({})")
        if origin is contextlib.AbstractAsyncContextManager:
            self.source.imported("contextlib", "AbstractContextManager")
            item = self._plain(_item(node), module)
            return Result(f"AbstractContextManager[{item}]", "self._portal.wrap_async_context_manager({})")
        if _twinnable(origin):
            twin, arguments = self._twin(origin), ""
            if isinstance(node, ast.Subscript):
                items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                arguments = f"[{', '.join(self._plain(item, module) for item in items)}]"
            return Result(f"{twin}{arguments}", f"{twin}(self._portal, {{}})")
        return Result(self._plain(node, module), "{}")

    def _plain(self, annotation: str | ast.expr, module: str) -> str:
        """``annotation`` as written in the generated code; it must hold nothing async."""
        node = parse(annotation)
        for part in ast.walk(node):
            origin = self._origin(part, module) if isinstance(part, (ast.Name, ast.Attribute)) else None
            if (
                origin in _ASYNC_ITERATORS
                or origin is contextlib.AbstractAsyncContextManager
                or _twinnable(origin)
            ):
                raise GenerationError(
                    f"{ast.unparse(node)} (in {module}) holds an async type inside another: "
                    "there is no blocking twin for that; return it on its own"
                )
        return self.source.expression(node, module)

    def _origin(self, node: str | ast.expr, module: str) -> Any:
        """What a (subscripted) name stands for (``typing.AsyncIterator`` gives ``collections.abc``'s)."""
        node = parse(node)
        value = self.source.lookup(node.value if isinstance(node, ast.Subscript) else node, module)
        return getattr(value, "__origin__", value)

    def _is_self(self, annotation: str, cls: type) -> bool:
        node = parse(annotation)
        return isinstance(node, ast.Name) and (
            node.id == "Self" or self.source.lookup(node, cls.__module__) is cls
        )

    def _checked(self, cls: type, lines: list[str]) -> list[str]:
        """``lines``, unless a method of the class would hide a name its annotations use (``list``)."""
        methods = {line.split("(")[0].split()[-1] for line in lines if line.startswith(f"{INDENT}def ")}
        if clash := sorted(self.source.used & methods):
            raise GenerationError(
                f"the blocking twin of {cls.__name__} would have methods hiding names its annotations use: "
                f"{', '.join(clash)}; qualify them in the async source (builtins.list)"
            )
        return lines


def _members(cls: type) -> list[tuple[str, Any, type]]:
    """The public class attributes of ``cls`` and its async protocol methods, base classes' first."""
    found: dict[str, tuple[Any, type]] = {}
    for klass in reversed(cls.__mro__):
        if klass is not object and klass.__module__ != "typing":
            found.update(
                (n, (v, klass))
                for n, v in vars(klass).items()
                if not n.startswith("_") or n in _ASYNC_PROTOCOL
            )
    return [(name, value, owner) for name, (value, owner) in found.items()]


def _item(node: ast.expr) -> ast.expr:
    """``X`` of ``AsyncIterator[X]``."""
    if not isinstance(node, ast.Subscript):
        raise GenerationError(f"{ast.unparse(node)} needs its item type (AsyncIterator[X])")
    return node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice


def _returns(function: Callable[..., Any]) -> str:
    returned = inspect.signature(function).return_annotation
    if returned is inspect.Signature.empty:
        raise GenerationError(f"{function.__qualname__} has no return annotation")
    return cast(str, returned)


def _parsed_type(parse: Callable[..., Any]) -> tuple[str, str]:
    """What a parser returns, as source text and the module its names are read in: a parser made by
    ``json_parser(Model)`` is annotated with the type itself, not a string."""
    returned = inspect.signature(parse).return_annotation
    if isinstance(returned, str) or returned is inspect.Signature.empty:
        return _returns(parse), parse.__module__
    leaves = [returned, *typing.get_args(returned)]
    modules = {leaf.__module__ for leaf in leaves if isinstance(leaf, type) and leaf.__module__ != "builtins"}
    if len(modules) != 1:
        raise GenerationError(f"{parse.__qualname__}: cannot name the module of {returned!r}")
    (module,) = modules
    return inspect.formatannotation(returned).replace(f"{module}.", ""), module


def _twinnable(value: Any) -> bool:
    """A class of the async surface with a blocking twin: async-iterable, or an async context manager."""
    return (
        isinstance(value, type)
        and (hasattr(value, "__aiter__") or hasattr(value, "__aenter__"))
        and value.__module__ not in ("builtins", "collections.abc", "contextlib", "typing")
    )


def _def(name: str, parameters: list[str], returns: str) -> list[str]:
    return wrap(f"def {name}(", ["self", *parameters], f") -> {returns}:", 1)


def render(
    client: type = AsyncAmnimo,
    name: str = "Amnimo",
    doc: str = AMNIMO_DOC,
    module_doc: str = MODULE_DOC,
    *,
    package: str | None = None,
) -> str:
    """The source of the blocking twin of the async ``client`` class, its namespaces and results;
    imports from inside ``package`` (the generated module's) are relative."""
    return Generator(client, name, doc, package).render(module_doc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="Write the typed blocking surface, _sync_client.py."
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale; write nothing")
    options = parser.parse_args(argv)
    text = render(package=PACKAGE)
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if current == text:
        return 0
    if options.check:
        sys.stderr.writelines(
            difflib.unified_diff(current.splitlines(True), text.splitlines(True), str(TARGET), "new")
        )
        print(f"{TARGET} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1
    TARGET.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
