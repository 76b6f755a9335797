"""``handbook``: the entry point.  Each stage registers its own commands.

Stages own their sub-commands (``importers/cli.py``, ``publishing/cli.py``,
``search/cli.py``, ``portal/cli.py``, ``forms/cli.py``); this module only
builds the group and passes the resolved :class:`~project.paths.Paths` down.
"""

from __future__ import annotations

import logging

import click

from project.paths import Paths, resolve_root


@click.group()
@click.option("--root", envvar="HANDBOOK_ROOT", help="Project root (default: the checkout).")
@click.option("-v", "--verbose", is_flag=True, help="Log in detail (English) to stderr.")
@click.pass_context
def main(ctx: click.Context, root: str | None, verbose: bool) -> None:
    """管理制度手册：导入、发布、检索、签署与表单。"""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Paths(resolve_root(root))


def _register_stages() -> None:
    from forms import cli as forms_cli
    from importers import cli as importers_cli
    from knowledge import cli as knowledge_cli
    from portal import cli as portal_cli
    from publishing import cli as publishing_cli
    from search import cli as search_cli

    for stage in (importers_cli, knowledge_cli, publishing_cli, search_cli, portal_cli, forms_cli):
        stage.register(main)


_register_stages()
