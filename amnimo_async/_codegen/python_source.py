"""Python source for code generators: reading what objects do not tell (where a name is defined,
a class's instance attributes and their types), and writing the way ruff formats (imports sorted
as its isort sorts them, bracketed lists, docstrings, literals), so that what a generator
writes passes ``ruff format --check`` unchanged.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import inspect
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

LINE_LENGTH = 110
INDENT = "    "
MISSING: Any = object()
_PROJECT = Path(__file__).resolve().parents[2]
_FIRST_PARTY = 2
_LOCAL = 3
_TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


class GenerationError(Exception):
    """The code to generate from has something the generator has no rule for."""


class Source:
    """The names a generated module uses, imported from the module that defines each."""

    def __init__(self, package: str | None = None) -> None:
        self._package = package  # the generated module's: imports from inside it are relative
        self._modules: dict[str, str] = {}  # local name -> module
        self._names: dict[str, tuple[str, str]] = {}  # local name -> (module, its name there)
        self._type_only: set[str] = set()  # local names imported under ``if TYPE_CHECKING:`` only
        self._trees: dict[str, ast.Module] = {}
        self.used: set[str] = set()
        """Every name written so far (a caller may reset it)."""

    def expression(self, node: str | ast.expr, module: str) -> str:
        """``node`` (an annotation, as ``module`` writes it) in ruff's style, its names imported."""
        node = parse(node)
        if isinstance(node, ast.Name):
            self.name(node.id, module)
            return node.id
        if isinstance(node, ast.Attribute):
            return f"{self.expression(node.value, module)}.{node.attr}"
        if isinstance(node, ast.Subscript):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            inside = ", ".join(self.expression(item, module) for item in items) if items else "()"
            return f"{self.expression(node.value, module)}[{inside}]"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return f"{self.expression(node.left, module)} | {self.expression(node.right, module)}"
        if isinstance(node, ast.List):
            return f"[{', '.join(self.expression(item, module) for item in node.elts)}]"
        if isinstance(node, ast.Tuple):
            return _tuple([self.expression(item, module) for item in node.elts])
        if isinstance(node, ast.Constant) and (text := literal(node.value)) is not None:
            return text
        raise GenerationError(f"cannot write {ast.unparse(node)} (from {module})")

    def default(self, value: object, module: str) -> str:
        """A parameter default of a function of ``module``: a literal, or the module-level name
        holding it (``DEFAULT_TIMEOUT``)."""
        text = literal(value)
        if text is not None:
            return text
        names = sorted(
            n for n, v in vars(sys.modules[module]).items() if v is value and not n.startswith("__")
        )
        if not names:
            raise GenerationError(
                f"default {value!r} (in {module}) is neither a literal nor a module-level name"
            )
        self.name(names[0], module)
        return names[0]

    def name(self, name: str, module: str) -> None:
        """Import ``name`` as ``module`` sees it (nothing for a builtin)."""
        self.used.add(name)
        value = vars(sys.modules[module]).get(name, MISSING)
        if isinstance(value, types.ModuleType):
            self.module(value.__name__, name)
            return
        home, original, type_only = self._home(module, name)
        if (home, original) == (module, name) and value is MISSING:
            if not hasattr(builtins, name):
                raise GenerationError(f"{name!r} is not defined in {module}")
            return
        self.imported(home, original, name, type_only=type_only)

    def module(self, module: str, local: str | None = None) -> None:
        parent, _, name = module.rpartition(".")
        if self._relative(parent) is not None and local == name:
            self.imported(parent, name)  # from .parent import name
        else:
            self._claim(local or module, module, self._modules)

    def imported(self, module: str, name: str, local: str | None = None, *, type_only: bool = False) -> None:
        """Import ``name`` from ``module``; ``type_only``: for annotations only, under
        ``if TYPE_CHECKING:`` (a package the generated module must not need at run time)."""
        local = local or name
        if not type_only:
            self._type_only.discard(local)
        elif local not in self._names:
            self._type_only.add(local)
        self._claim(local, (module, name), self._names)

    def _claim(self, local: str, value: Any, table: dict[str, Any]) -> None:
        if self._modules.get(local, self._names.get(local, value)) != value:
            raise GenerationError(f"two different things would be imported as {local!r}")
        table[local] = value

    def _relative(self, module: str) -> str | None:
        """``module`` as imported relatively from the generated module's package, if it is inside."""
        package = self._package
        if package and (module == package or module.startswith(f"{package}.")):
            return "." + module[len(package) + 1 :]
        return None

    def lookup(self, node: str | ast.expr, module: str) -> Any:
        """The object a (dotted) name of ``module`` stands for, or :data:`MISSING`."""
        node = parse(node)
        if isinstance(node, ast.Name):
            return vars(sys.modules[module]).get(node.id, getattr(builtins, node.id, MISSING))
        if isinstance(node, ast.Attribute):
            return getattr(self.lookup(node.value, module), node.attr, MISSING)
        return MISSING

    def attributes(self, cls: type) -> dict[str, tuple[ast.expr, str]]:
        """The public instance attributes of ``cls``, each with its type and the module its type is
        written in, read from the source: annotated (``self.x: T = ...``, ``x: T`` in the class
        body), or else assigned a parameter, a literal or a new instance of a non-generic class."""
        found: dict[str, tuple[ast.expr, str]] = {}
        for klass in reversed(cls.__mro__):
            if klass.__module__ in ("builtins", "typing"):
                continue
            module, own = klass.__module__, cast(dict[str, ast.expr | None], {})
            class_variables: set[str] = set()
            for item in class_node(klass, self.tree(module)).body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    if "ClassVar" in ast.unparse(item.annotation):
                        class_variables.add(item.target.id)
                    else:
                        own[item.target.id] = item.annotation
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                arguments = [*item.args.posonlyargs, *item.args.args, *item.args.kwonlyargs]
                declared = {argument.arg: argument.annotation for argument in arguments}
                for node in ast.walk(item):
                    if isinstance(node, ast.AnnAssign) and (attribute := _self_attribute(node.target)):
                        own[attribute] = node.annotation
                    for target in node.targets if isinstance(node, ast.Assign) else []:
                        attribute = _self_attribute(target)
                        if attribute and not attribute.startswith("_") and own.get(attribute) is None:
                            own[attribute] = self._inferred(cast(ast.Assign, node).value, declared, module)
            for attribute, annotation in own.items():
                if attribute.startswith("_") or attribute in class_variables:
                    continue
                if annotation is None:
                    raise GenerationError(
                        f"cannot tell the type of {klass.__name__}.{attribute}: annotate it"
                    )
                found[attribute] = (annotation, module)
        return found

    def _inferred(
        self, value: ast.expr, declared: dict[str, ast.expr | None], module: str
    ) -> ast.expr | None:
        if isinstance(value, ast.Name) and declared.get(value.id) is not None:
            return declared[value.id]
        if isinstance(value, ast.Constant) and type(value.value) in (int, float, str, bool):
            return ast.Name(type(value.value).__name__)
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            made = self.lookup(value.func, module)
            if isinstance(made, type) and not getattr(made, "__parameters__", ()):
                return value.func
        return None

    def _home(self, module: str, name: str) -> tuple[str, str, bool]:
        """Where ``name`` of ``module`` is defined, following ``from ... import`` within this
        project; and whether it is another package's, imported only under ``if TYPE_CHECKING:``."""
        for node in self.tree(module).body:
            type_checking = isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING
            for statement in [node, *(node.body if isinstance(node, ast.If) else [])]:  # if TYPE_CHECKING:
                if not isinstance(statement, ast.ImportFrom):
                    continue
                for alias in statement.names:
                    if (alias.asname or alias.name) == name:
                        package = sys.modules[module].__package__ or ""
                        relative = "." * statement.level + (statement.module or "")
                        source = importlib.util.resolve_name(relative, package)
                        if _section(source) != _FIRST_PARTY or source not in sys.modules:
                            return source, alias.name, type_checking and _section(source) != _FIRST_PARTY
                        return self._home(source, alias.name)
        return module, name, False

    def tree(self, module: str) -> ast.Module:
        """The parsed source of ``module``."""
        if module not in self._trees:
            self._trees[module] = ast.parse(inspect.getsource(sys.modules[module]))
        return self._trees[module]

    def import_lines(self) -> list[str]:
        """The import statements, in isort's sections and order; those for annotations only
        last, under ``if TYPE_CHECKING:``."""
        if self._type_only:
            self.imported("typing", "TYPE_CHECKING")
        runtime = {local: found for local, found in self._names.items() if local not in self._type_only}
        lines = self._import_block(self._modules, runtime, 0)
        if self._type_only:
            type_only = {local: self._names[local] for local in sorted(self._type_only)}
            lines += ["", "if TYPE_CHECKING:", *self._import_block({}, type_only, 1)]
        return lines

    def _import_block(
        self, modules: dict[str, str], names: dict[str, tuple[str, str]], depth: int
    ) -> list[str]:
        sections: dict[int, tuple[set[str], dict[str, set[str]]]] = {}
        for local, module in modules.items():
            sections.setdefault(_section(module), (set(), {}))[0].add(
                f"import {module}" if local == module else f"import {module} as {local}"
            )
        for local, (module, name) in names.items():
            relative = self._relative(module)
            froms = sections.setdefault(_LOCAL if relative else _section(module), (set(), {}))[1]
            froms.setdefault(relative or module, set()).add(name if local == name else f"{name} as {local}")
        lines: list[str] = []
        for _, (straight, froms) in sorted(sections.items()):
            lines += ["", *(INDENT * depth + line for line in sorted(straight, key=str.lower))]
            for module in sorted(froms, key=str.lower):
                names_of = sorted(froms[module], key=_member_order)
                lines += wrap(f"from {module} import (", names_of, ")", depth, parentheses=False)
        return lines[1:]


def _section(module: str) -> int:
    """isort's section: the standard library, third party, or this project."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return _FIRST_PARTY if (_PROJECT / top).is_dir() or (_PROJECT / f"{top}.py").is_file() else 1


def _member_order(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then the rest."""
    return (0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2), name.lower()


def parse(annotation: str | ast.expr) -> ast.expr:
    """An annotation as a syntax tree (annotations are strings: ``from __future__ import annotations``)."""
    if isinstance(annotation, ast.expr):
        return annotation
    if not isinstance(annotation, str):
        raise GenerationError(
            f"annotation {annotation!r} is not a string: use `from __future__ import annotations`"
        )
    return ast.parse(annotation, mode="eval").body


def _self_attribute(target: ast.expr) -> str | None:
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        return target.attr
    return None


def class_node(cls: type, tree: ast.Module) -> ast.ClassDef:
    """The definition of ``cls`` in its module's syntax tree."""
    node: ast.AST = tree
    for part in cls.__qualname__.split("."):
        node = next(n for n in ast.iter_child_nodes(node) if isinstance(n, ast.ClassDef) and n.name == part)
    assert isinstance(node, ast.ClassDef)
    return node


def literal(value: object) -> str | None:
    """``value`` as a literal in ruff's style (double quotes), if it has one."""
    if value is Ellipsis:
        return "..."
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return repr(value)
    if isinstance(value, str):
        text = repr(value)
        return f'"{text[1:-1]}"' if text.startswith("'") and '"' not in value else text
    if isinstance(value, tuple):
        items = [literal(item) for item in value]
        return _tuple([item for item in items if item is not None]) if None not in items else None
    return None


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def wrap(head: str, items: list[str], tail: str, depth: int, *, parentheses: bool = True) -> list[str]:
    """``head`` + items + ``tail`` (a bracketed list, ``head`` ending in its bracket) at ``depth``,
    laid out as ruff does: on one line if it fits, else (for calls and signatures) the items on a
    line of their own, else one item a line with a trailing comma."""
    indent, joined = INDENT * depth, ", ".join(items)
    if len(indent + head + joined + tail) - (0 if parentheses else 2) <= LINE_LENGTH:
        return [indent + (head + joined + tail if parentheses else head[:-1] + joined)]
    if parentheses and len(indent + INDENT + joined) <= LINE_LENGTH:
        return [indent + head, indent + INDENT + joined, indent + tail]
    return [indent + head, *(f"{indent}{INDENT}{item}," for item in items), indent + tail]


def block(lines: Iterable[str], depth: int = 2) -> list[str]:
    """``lines`` indented ``depth`` levels."""
    return [INDENT * depth + line for line in lines]


def docstring(doc: str | None, indent: str) -> list[str]:
    """``doc`` as a docstring at ``indent``, its lines' common indentation replaced by ``indent``
    as ruff's formatter would do (``inspect.getdoc`` reads the same text)."""
    if not doc or not doc.strip():
        return []
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=0)
    text = [
        lines[0].strip(),
        *(indent + line[margin:].rstrip() if line.strip() else "" for line in lines[1:]),
    ]
    while len(text) > 1 and not text[-1]:
        text.pop()
    body = "\n".join(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = body[:-1] + '\\"' if body.endswith('"') else body
    closing = f"\n{indent}" if len(text) > 1 and not lines[-1].strip() else ""
    return f'{indent}"""{body}{closing}"""'.split("\n")
