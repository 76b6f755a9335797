"""``handbook xrefs``, ``handbook obligations`` and ``handbook conflicts``: the cross-references, the dated
duties and the candidate conflicts of the newest release (or of the current import)."""

from __future__ import annotations

import datetime as dt
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


@click.command("obligations")
@click.option("--json", "as_json_output", is_flag=True, help="以 JSON 输出（每项职责一项）")
@click.option("--import", "use_import", is_flag=True, help="读当前导入（handbook/model.json），而不是最新版本")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="计算下次到期日的起点（默认今天）")
@click.pass_obj
def obligations_command(paths: Paths, as_json_output: bool, use_import: bool, today: dt.datetime | None) -> None:
    """列出条文中有时限的职责（每月28日前、每周一、签订后三日内……）、负责人及其所在条款。"""
    from knowledge.obligations import by_kind, describe, obligations
    from knowledge.report import obligation_json

    try:
        label, documents = _documents(paths, use_import)
    except HandbookError as exc:
        raise click.ClickException(exc.user_message) from exc
    day = today.date() if today else dt.date.today()
    titles = {d.slug: d.title for d in documents}
    items = obligations(documents)
    if as_json_output:
        rows = [obligation_json(o, titles[o.clause.document_slug], day) for o in items]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    kinds = "，".join(f"{KIND_LABELS[k]} {n}" for k, n in by_kind(items).items())
    click.echo(f"{label}：{len(items)} 项有时限的职责（{kinds or '无'}）。")
    for o in items:
        click.echo(f"《{titles[o.clause.document_slug]}》{o.clause.anchor or '序言'}  {describe(o.schedule)}  "
                   f"{o.who or '（未写明）'}：{o.what}")


@click.command("conflicts")
@click.option("--json", "as_json_output", is_flag=True, help="以 JSON 输出（每个候选一项）")
@click.option("--import", "use_import", is_flag=True, help="读当前导入（handbook/model.json），而不是最新版本")
@click.pass_obj
def conflicts_command(paths: Paths, as_json_output: bool, use_import: bool) -> None:
    """列出不同制度对同一事项（时限、审批人、审批金额、期限或数量、工作时间）规定不一致的候选条款。"""
    from knowledge.conflicts import conflicts
    from knowledge.report import conflict_json

    try:
        label, documents = _documents(paths, use_import)
    except HandbookError as exc:
        raise click.ClickException(exc.user_message) from exc
    found = conflicts(documents)
    if as_json_output:
        click.echo(json.dumps([conflict_json(c) for c in found], ensure_ascii=False, indent=2))
        return
    click.echo(f"{label}：{len(found)} 个可能冲突的候选（须人工确认）。")
    for c in found:
        click.echo(f"{c.a.clause} ↔ {c.b.clause}  {c.reason}")


KIND_LABELS = {"daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年",
               "yearly": "每年", "after-event": "事件后限期", "once": "一次性"}


def register(main: click.Group) -> None:
    main.add_command(xrefs_command)
    main.add_command(obligations_command)
    main.add_command(conflicts_command)
