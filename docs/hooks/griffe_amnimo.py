"""A griffe extension: what static analysis cannot see of amnimo_async, taken from the running code.

mkdocstrings reads the package statically (importing nothing it does not need), which misses
three things this package builds at import time:

- ``amnimo_async.__all__`` is computed (``globals()["__all__"] = sorted(...)``): the exports are
  taken from the imported package instead;
- the operation modules' ``asyncio_detailed``/``asyncio``/``sync_detailed``/``sync`` are made by
  ``Endpoint.functions``: they are inspected (their ``__signature__`` and docstring are set);
- the namespaces' methods are declared as ``operation(...)``/``client_method(...)``: each becomes
  the function it binds, less its ``client`` parameter, as a user calls it.

It also turns the docstrings' reST (``text::`` blocks, ``:class:`X``` roles) into Markdown.
"""

from __future__ import annotations

import importlib
import inspect as pyinspect
import re
import textwrap
from typing import Any

import griffe

_ENDPOINT_FUNCTIONS = ("asyncio_detailed", "asyncio", "sync_detailed", "sync")
_ROLE = re.compile(r":(?:class|meth|func|attr|exc|data|obj|mod):`(~?)([^`]+)`")


class AmnimoRuntime(griffe.Extension):
    """See the module docstring."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if pkg.name != "amnimo_async":
            return
        package = importlib.import_module("amnimo_async")
        pkg.exports = list(package.__all__)
        api = pkg["api"]
        for group in _submodules(api):
            for module in _submodules(group):
                _inspect_endpoint_functions(module, loader)
        _bind_namespace_methods(pkg["_client"], loader)
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = markdown_docstring(obj.docstring.value)


def _submodules(module: griffe.Module) -> list[griffe.Module]:
    return [m for m in module.modules.values() if not m.name.startswith("_") and not m.is_alias]


def _walk(obj: griffe.Object) -> Any:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)


def _inspect_endpoint_functions(module: griffe.Module, loader: griffe.GriffeLoader) -> None:
    runtime = importlib.import_module(module.path)
    if not all(callable(getattr(runtime, name, None)) for name in _ENDPOINT_FUNCTIONS):
        return
    inspected = griffe.inspect(
        module.path, filepath=module.filepath, modules_collection=loader.modules_collection
    )
    for name in _ENDPOINT_FUNCTIONS:
        function = inspected[name]
        if name.startswith("asyncio"):
            function.labels.add("async")
        module.set_member(name, function)


def _bind_namespace_methods(client_module: griffe.Module, loader: griffe.GriffeLoader) -> None:
    """Each ``client_method`` attribute of a namespace becomes the function it binds, less the client."""
    runtime = importlib.import_module(client_module.path)
    for cls in client_module.classes.values():
        runtime_class = getattr(runtime, cls.name, None)
        if not (isinstance(runtime_class, type) and issubclass(runtime_class, runtime.Namespace)):
            continue
        for name, value in vars(runtime_class).items():
            if not isinstance(value, runtime.client_method) or name not in cls.members:
                continue
            target = loader.modules_collection[value.fn.__module__][value.fn.__name__]
            parameters = list(target.parameters)[1:]  # the client, bound by the namespace
            method = griffe.Function(
                name,
                lineno=cls.members[name].lineno,
                endlineno=cls.members[name].endlineno,
                parameters=griffe.Parameters(*parameters),
                returns=target.returns,
                docstring=griffe.Docstring(target.docstring.value) if target.docstring else None,
            )
            if pyinspect.iscoroutinefunction(value.fn) or "async" in target.labels:
                method.labels.add("async")
            cls.set_member(name, method)


def markdown_docstring(text: str) -> str:
    """reST habits of the docstrings in Markdown: ``text::`` + an indented block becomes a fenced
    Python block, ``:class:`~a.B``` becomes `` `B` ``."""
    text = _ROLE.sub(lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::"):
            stripped = line.rstrip()[:-2].rstrip()
            if stripped:
                out.append(stripped + ":")
            j = i + 1
            block: list[str] = []
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith((" ", "\t"))):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            if block:
                out += ["", "```python", textwrap.dedent("\n".join(block)).strip("\n"), "```", ""]
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)
