"""The fenced code blocks of a Markdown file, as the docs site renders them (pymdownx.superfences).

A fence opens with three or more backticks (or tildes), possibly indented (inside an admonition
or a tab), and an info string: ``python``, or the attribute form ``{.python .pending-wire}``
whose first class is the language and the rest are markers.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import attrs

_OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")


@attrs.frozen
class CodeBlock:
    """One fenced block: where it is, its language, its markers and its code (dedented)."""

    path: Path
    line: int  # of the first line of code, counting from 1
    language: str
    markers: frozenset[str]
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.as_posix()}:{self.line}"


def parse_info(info: str) -> tuple[str, frozenset[str]]:
    """``python`` -> ("python", {}); ``{.python .pending-wire}`` -> ("python", {"pending-wire"})."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        classes = [token[1:] for token in info[1:-1].split() if token.startswith(".")]
        return (classes[0] if classes else ""), frozenset(classes[1:])
    words = info.split()
    return (words[0] if words else ""), frozenset()


def code_blocks(path: Path, text: str | None = None) -> list[CodeBlock]:
    """Every fenced block of ``path`` (or of ``text``, named ``path``), in order.

    An unclosed fence is an error: everything after it would silently not be code.
    """
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = _OPENING.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        closing = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{index + 1}: the fence opened here is never closed")
        language, markers = parse_info(opening["info"])
        body = textwrap.dedent("\n".join(lines[index + 1 : end]))
        blocks.append(CodeBlock(path, index + 2, language, markers, body + "\n"))
        index = end + 1
    return blocks
