"""The fence parser the examples runner relies on: what it collects, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._markdown import code_blocks, parse_info

PAGE = """\
# A page

```python
print("top")
```

!!! note
    Inside an admonition:

    ````{.python .pending-wire}
    async def f():
        return 1
    ````

```console
$ amnimo demo
```
"""


def test_blocks_are_found_with_language_markers_lines_and_dedented_code() -> None:
    blocks = code_blocks(Path("page.md"), PAGE)
    assert [(b.language, sorted(b.markers), b.line) for b in blocks] == [
        ("python", [], 4),
        ("python", ["pending-wire"], 11),
        ("console", [], 16),
    ]
    assert blocks[1].code == "async def f():\n    return 1\n"
    assert blocks[1].name == "page.md:11"


def test_info_strings() -> None:
    assert parse_info("python") == ("python", frozenset())
    assert parse_info('python title="x.py"') == ("python", frozenset())
    assert parse_info("{.python .pytest .pending-walks}") == (
        "python",
        frozenset({"pytest", "pending-walks"}),
    )
    assert parse_info("") == ("", frozenset())


def test_an_unclosed_fence_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"page.md:3: the fence opened here is never closed"):
        code_blocks(Path("page.md"), "# A page\n\n```python\nprint(1)\n")
