"""``handbook xrefs``: the cross-references of the newest release (or of the current import)."""

from __future__ import annotations

import json

import click

from domain.errors import HandbookError
from domain.model import Document
from project.paths import Paths


def _documents(paths: Paths, use_import: bool) -> tuple[str, tuple[Document, ...]]:
    from domain.serialize import handbook_from_dict
    from publishing.releases import load_releases

    releases = [] if use_import else load_releases(paths.releases)
    if releases:
        return f"版本 {releases[-1].version}", releases[-1].documents
    if not paths.model.is_file():
        raise click.ClickException("还没有导入或发布的手册：请先运行 handbook import。")
    return "当前导入", handbook_from_dict(json.loads(paths.model.read_text(encoding="utf-8"))).documents


@click.command("xrefs")
@click.option("--json", "as_json_output", is_flag=True, help="以 JSON 输出（每条引用一项）")
@click.option("--import", "use_import", is_flag=True, help="读当前导入（handbook/model.json），而不是最新版本")
@click.option("--unresolved", is_flag=True, help="只列出无法解析的引用")
@click.pass_obj
def xrefs_command(paths: Paths, as_json_output: bool, use_import: bool, unresolved: bool) -> None:
    """列出条文之间的引用（本制度第X条、前款、《其他制度》第X条……）及其指向的条款。"""
    from knowledge.report import as_json
    from knowledge.xrefs import cross_references

    try:
        label, documents = _documents(paths, use_import)
    except HandbookError as exc:
        raise click.ClickException(exc.user_message) from exc
    xrefs = cross_references(documents)
    rows = as_json(xrefs)
    if unresolved:
        rows = [r for r in rows if r["status"] == "unresolved"]
    if as_json_output:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    marks = {"resolved": "→", "external": "（外部）", "unresolved": "（无法解析）"}
    click.echo(f"{label}：{len(xrefs.references)} 处引用，无法解析 {len(xrefs.unresolved())} 处。")
    for r in rows:
        target = f"{r['target_document']}#{r['target_anchor']}" if r["target_document"] else r["reason"]
        click.echo(f"{r['document']}#{r['anchor'] or '序言'}  “{r['text']}” {marks[r['status']]} {target}")
    if unresolved and rows:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(xrefs_command)
