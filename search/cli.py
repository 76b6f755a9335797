"""Command-line commands of the search stage: ``handbook index`` and ``handbook search``."""

from __future__ import annotations

import html
import json
import time
from typing import Any

import click

from domain.errors import HandbookError
from domain.model import FormTemplate
from project.paths import Paths
from search.analysis import load_segmenter
from search.dictionaries import dictionaries
from search.engine import WhooshSearchEngine
from search.highlight import Highlight
from search.index import build_index
from search.results import SearchHit, SearchResults
from search.sources import load_sources


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
    main.add_command(index_command)
    main.add_command(search_command)


@click.command("index")
@click.option("--release", help="只为这个版本建立索引（current = 当前导入）；默认全部版本。")
@click.pass_obj
def index_command(paths: Paths, release: str | None) -> None:
    """为手册的各个版本建立检索索引（var/index/<版本>）。"""
    try:
        sources = load_sources(paths.releases, paths.model, release)
        if not sources:
            raise click.ClickException("没有可建立索引的内容：请先运行 handbook import。")
        segmenter = load_segmenter(dictionaries(paths.root))
        for source in sources:
            started = time.perf_counter()
            documents = source.search_documents(_standard_forms())
            build_index(
                paths.index,
                source.release,
                documents,
                segmenter,
                title=source.title,
                effective=source.effective,
            )
            seconds = time.perf_counter() - started
            click.echo(f"已建立索引：{source.release}（{len(documents)} 条，{seconds:.1f} 秒）")
    except HandbookError as error:
        raise click.ClickException(error.user_message) from error


def _standard_forms() -> tuple[FormTemplate, ...]:
    """The forms stage's declarations, searchable as forms (none if that stage is absent)."""
    try:
        from forms.declarations import ALL_FORMS
    except ImportError:
        return ()
    return tuple(ALL_FORMS)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.option("--limit", type=click.IntRange(1, 500), default=10, show_default=True, help="最多显示的条数。")
@click.option("--release", help="检索哪个版本（默认：最新版本）。")
@click.pass_obj
def search_command(
    paths: Paths, query: tuple[str, ...], as_json: bool, limit: int, release: str | None
) -> None:
    """检索手册条款：多个词默认同时出现，"短语"、-排除、第十条、文档:会议、kind:岗位、release:版本。"""
    engine = WhooshSearchEngine(paths.index, load_segmenter(dictionaries(paths.root)))
    try:
        results = engine.search(" ".join(query), release=release, limit=limit)
    except HandbookError as error:
        raise click.ClickException(error.user_message) from error
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(results_json(results), ensure_ascii=False, indent=1))
    else:
        _print_results(results)


def _print_results(results: SearchResults) -> None:
    if results.notice:
        click.secho(results.notice, fg="yellow", err=True)
    if not results.hits:
        click.echo(f"没有找到与“{results.query}”相关的条款（版本 {results.release}）。")
        return
    click.echo(f"共 {results.total} 条结果（版本 {results.release}），显示前 {len(results.hits)} 条：")
    for group in results.groups:
        click.echo("")
        click.secho(f"■ {group.document}", bold=True)
        for hit in group.hits:
            where = " › ".join((*hit.heading_path, f"{hit.number}{hit.title}".strip()))
            click.echo(f"  {where}")
            click.echo(f"    {_terminal(hit.highlight or Highlight(hit.text))}")
            click.secho(f"    {hit.url}", dim=True)


def _terminal(highlight: Highlight) -> str:
    """Marked pieces become bold yellow (stripped by click when not a terminal)."""
    return "".join(
        click.style(piece, fg="yellow", bold=True) if marked else piece for piece, marked in highlight.segments()
    )


def results_json(results: SearchResults) -> dict[str, Any]:
    """The shape of ``handbook search --json`` (issue 3), plus a few extra keys."""
    return {
        "query": results.query,
        "total": results.total,
        "hits": [_hit_json(h) for h in results.hits],
        "release": results.release,
        "mode": results.mode,
        "notice": results.notice,
        "groups": [
            {"document": g.document, "document_slug": g.document_slug, "hits": len(g.hits)}
            for g in results.groups
        ],
    }


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "document": hit.document,
        "number": hit.number,
        "heading_path": list(hit.heading_path),
        "text": hit.text,
        "highlight": _marked_html(hit.highlight) if hit.highlight else "",
        "url": hit.url,
        "score": round(hit.score, 4),
        "kind": hit.kind,
        "document_slug": hit.document_slug,
        "title": hit.title,
    }


def _marked_html(highlight: Highlight) -> str:
    """The JSON's ``highlight``: escaped text with ``<mark>`` around matches, as issue 3 set it."""
    return "".join(
        f"<mark>{html.escape(piece)}</mark>" if marked else html.escape(piece)
        for piece, marked in highlight.segments()
    )
