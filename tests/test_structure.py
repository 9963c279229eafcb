"""The package's shape: no import cycles, layers that only look down, modules a reader can hold.

The import graph is read from the source with ``ast`` (nothing is imported): every ``import``
and ``from ... import`` of a module counts, those under ``if TYPE_CHECKING:`` and inside
functions included, relative ones resolved.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "amnimo_async"
MAX_LINES = 500
# Where the hand-written Python lives: the package, its tests, benchmarks, docs hooks, nox.
HAND_WRITTEN_ROOTS = ("amnimo_async", "tests", "benchmarks", "docs/hooks", "noxfile.py")

Graph = dict[str, set[str]]


# --- reading the graph ---------------------------------------------------------------------------


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (a package by its own name)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``module`` (at ``path``) imports, anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            submodules = {f"{source}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            # ``from <own package> import <submodule>`` does not run the package's __init__ again
            # (it is already running, or done); anything else it names is the __init__'s own.
            if not (module.startswith(f"{source}.") and len(submodules) == len(node.names)):
                found.add(source)
    return {name for name in found if name in known and name != module}


def import_graph(root: Path) -> Graph:
    modules = module_names(root)
    return {name: imported(name, path, set(modules)) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through each group of modules that import each other."""
    found = []
    for group in strongly_connected(graph):
        if len(group) == 1:
            continue
        start = min(group)
        path = shortest_path_back(graph, start, group)
        found.append([*path, start])
    return sorted(found)


def strongly_connected(graph: Graph) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (the graph may be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            following = next(successors, None)
            if following is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif following not in index:
                index[following] = low[following] = len(index)
                stack.append(following)
                on_stack.add(following)
                work.append((following, iter(sorted(graph[following]))))
            elif following in on_stack:
                low[node] = min(low[node], index[following])
    return groups


def shortest_path_back(graph: Graph, start: str, group: set[str]) -> list[str]:
    """The shortest import path from ``start`` back to it inside ``group`` (without the return)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following_frontier = []
        for node in frontier:
            for successor in sorted(graph[node] & group):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return path[::-1]
                if successor not in previous:
                    previous[successor] = node
                    following_frontier.append(successor)
        frontier = following_frontier
    raise AssertionError(f"{start} is in a cycle but no path leads back to it")


def reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for successor in graph[todo.pop()] - seen:
            seen.add(successor)
            todo.append(successor)
    return seen


# --- the package ---------------------------------------------------------------------------------


@functools.cache
def package_graph() -> Graph:
    return import_graph(PACKAGE)


def test_no_module_of_the_package_imports_itself_back() -> None:
    found = cycles(package_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_transport_and_what_it_stands_on_import_nothing_above_them() -> None:
    graph = package_graph()
    above = ("amnimo_async._endpoint", "amnimo_async.api", "amnimo_async._paginate", "amnimo_async._client")
    for bottom in ("amnimo_async._transport", "amnimo_async._request"):
        reached = sorted(name for name in reachable(graph, bottom) if name.startswith(above))
        assert not reached, f"{bottom} reaches {reached}"


def test_the_core_imports_neither_the_fake_nor_the_command_line() -> None:
    graph = package_graph()
    reached = reachable(graph, "amnimo_async")
    assert not [name for name in reached if name.startswith(("amnimo_async.testing", "amnimo_async.cli"))]


def test_only_the_endpoint_functions_send_through_the_transport() -> None:
    """Paginators, sweeps and the client go through ``<operation>.asyncio(client, ...)``."""
    senders = []
    for name, path in module_names(PACKAGE).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "send"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "transport"
            ):
                senders.append(f"{name}:{node.lineno}")
    assert all(sender.startswith("amnimo_async._endpoint:") for sender in senders), senders


def imports_of(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports (``anyio.from_thread`` gives anyio)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_core_uses_asyncio_and_anyio_drives_only_the_portal_the_fake_and_the_command() -> None:
    allowed = ("amnimo_async._sync", "amnimo_async.testing", "amnimo_async.cli")
    users = [name for name, path in module_names(PACKAGE).items() if "anyio" in imports_of(path)]
    assert "amnimo_async._sync" in users  # the check sees imports (the portal's is one)
    assert [name for name in users if not name.startswith(allowed)] == []


def generated(path: Path) -> bool:
    """A generator's output says so at its top: "Generated by <tool> ... do not edit" on one line
    (a hand-written module may well mention generated code in its docstring)."""
    head = path.read_text(encoding="utf-8").splitlines()[:5]
    return any(re.search(r"\bgenerated by\b.*\bdo not edit\b", line, re.IGNORECASE) for line in head)


def python_files(root: Path) -> list[Path]:
    """Every ``.py`` file under :data:`HAND_WRITTEN_ROOTS` of ``root`` (caches and the like skipped)."""
    found: set[Path] = set()
    for name in HAND_WRITTEN_ROOTS:
        top = root / name
        found.update([top] if top.is_file() else top.rglob("*.py"))
    return sorted(path for path in found if not {"__pycache__", ".hypothesis"} & set(path.parts))


def too_long(root: Path) -> dict[str, int]:
    """The hand-written (not generated) modules under ``root`` over :data:`MAX_LINES`, with sizes."""
    sizes = {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in python_files(root)
        if not generated(path)
    }
    return {name: lines for name, lines in sizes.items() if lines > MAX_LINES}


def test_no_hand_written_module_is_over_500_lines() -> None:
    found = too_long(ROOT)
    assert not found, f"split these modules (at most {MAX_LINES} lines each): {found}"


def test_the_size_check_covers_every_root_and_skips_only_generated_code() -> None:
    checked = {path.relative_to(ROOT).as_posix() for path in python_files(ROOT) if not generated(path)}
    for name in ("amnimo_async/_client.py", "tests/test_structure.py", "benchmarks/sweep.py", "noxfile.py"):
        assert name in checked
    assert any(name.startswith("docs/hooks/") for name in checked)
    skipped = {path.relative_to(ROOT).as_posix() for path in python_files(ROOT) if generated(path)}
    assert skipped == {
        "amnimo_async/_enums.py",
        "amnimo_async/_operations.py",
        "amnimo_async/_sync_client.py",
    }


def test_the_size_check_names_the_long_modules(tmp_path: Path) -> None:
    line = "x = 1\n"
    files = {
        "amnimo_async/_long.py": line * (MAX_LINES + 1),
        "amnimo_async/_generated.py": '"""Generated by a tool: do not edit."""\n' + line * MAX_LINES * 2,
        "tests/unit/test_long.py": line * (MAX_LINES + 2),
        "benchmarks/at_the_limit.py": line * MAX_LINES,
        "docs/hooks/long_hook.py": line * (MAX_LINES + 3),
        "noxfile.py": line * (MAX_LINES + 4),
    }
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    assert too_long(tmp_path) == {
        "amnimo_async/_long.py": MAX_LINES + 1,
        "tests/unit/test_long.py": MAX_LINES + 2,
        "docs/hooks/long_hook.py": MAX_LINES + 3,
        "noxfile.py": MAX_LINES + 4,
    }


# --- the checker itself, on packages made for it ------------------------------------------------


def make_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, source in {"__init__.py": "", **files}.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source)
    return package


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        pytest.param(
            {
                "_a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._b import B\n",
                "_b.py": "from ._a import A\n",
            },
            ["pkg._a", "pkg._b", "pkg._a"],
            id="type-checking-import",
        ),
        pytest.param(
            {"_a.py": "def f():\n    from . import _b\n", "_b.py": "import pkg._a\n"},
            ["pkg._a", "pkg._b", "pkg._a"],
            id="function-local-and-absolute",
        ),
        pytest.param(
            {
                "sub/__init__.py": "",
                "sub/_x.py": "from .._top import T\n",
                "_top.py": "from .sub import _x\n",
            },
            ["pkg._top", "pkg.sub._x", "pkg._top"],
            id="relative-up-and-down",
        ),
    ],
)
def test_the_checker_finds_a_cycle_and_names_it(
    tmp_path: Path, files: dict[str, str], cycle: list[str]
) -> None:
    assert cycles(import_graph(make_package(tmp_path, files))) == [cycle]


def test_a_package_importing_its_submodules_which_import_each_other_by_name_is_no_cycle(
    tmp_path: Path,
) -> None:
    files = {"__init__.py": "from ._a import A\n", "_a.py": "from . import _b\n", "_b.py": "B = 1\n"}
    graph = import_graph(make_package(tmp_path, files))
    assert graph["pkg._a"] == {"pkg._b"}
    assert cycles(graph) == []


def test_a_submodule_taking_a_name_from_its_package_init_is_a_cycle(tmp_path: Path) -> None:
    files = {"__init__.py": "from ._a import A\nVERSION = 1\n", "_a.py": "from . import VERSION\n"}
    assert cycles(import_graph(make_package(tmp_path, files))) == [["pkg", "pkg._a", "pkg"]]


def test_the_checker_finds_no_cycle_in_a_straight_chain(tmp_path: Path) -> None:
    files = {"_a.py": "from ._b import B\n", "_b.py": "from ._c import C\n", "_c.py": "import json\n"}
    graph = import_graph(make_package(tmp_path, files))
    assert graph["pkg._a"] == {"pkg._b"}
    assert cycles(graph) == []
