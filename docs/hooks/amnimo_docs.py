"""mkdocs hooks: parts of the site written from the code at build time, so they cannot go stale.

- The command reference (``cli.md``): every command of the Typer app, with the help text the
  command itself prints, in place of the page's marker.
- A check after the build: every public name (``amnimo_async.__all__`` and
  ``amnimo_async.testing.__all__``) has its entry in the API reference, so a name added to the
  package without one fails the (strict) build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import typer
from mkdocs.exceptions import PluginError

CLI_PAGE = "cli.md"
CLI_MARKER = "<!-- the command reference: written here by docs/hooks/amnimo_docs.py -->"
HELP_WIDTH = 100
DOCUMENTED_MODULES = ("amnimo_async", "amnimo_async.testing")


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri != CLI_PAGE:
        return markdown
    if CLI_MARKER not in markdown:
        raise PluginError(
            f"{CLI_PAGE} lost its marker {CLI_MARKER!r}: the command reference has nowhere to go"
        )
    return markdown.replace(CLI_MARKER, cli_reference())


def cli_reference() -> str:
    """Markdown for every command of ``amnimo``: a heading, its help as ``--help`` prints it."""
    from amnimo_async.cli import app

    root = typer.main.get_command(app)
    context = click.Context(root, info_name="amnimo", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
    sections = []
    for ctx, command in _commands(context, root):
        path = ctx.command_path
        level = "##" if isinstance(command, click.Group) else "###"
        sections.append(
            f"{level} `{path}`\n\n```text\n$ {path} --help\n{command.get_help(ctx).rstrip()}\n```\n"
        )
    return "\n".join(sections)


def _commands(ctx: click.Context, command: click.Command) -> Iterator[tuple[click.Context, click.Command]]:
    yield ctx, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(click.Context(sub, info_name=name, parent=ctx), sub)


def on_post_build(*, config: Any) -> None:
    """Fail the build when a public name has no entry in the API reference."""
    import importlib

    site = Path(config["site_dir"])
    anchors: set[str] = set()
    for html in (site / "reference").rglob("*.html"):
        anchors.update(re.findall(r'id="([\w.]+)"', html.read_text(encoding="utf-8")))
    missing = [
        f"{module}.{name}"
        for module in DOCUMENTED_MODULES
        for name in importlib.import_module(module).__all__
        if f"{module}.{name}" not in anchors
    ]
    if missing:
        raise PluginError(
            "public names missing from the API reference (add them to a page of docs/reference/): "
            + ", ".join(missing)
        )
