"""``handbook publish|releases|withdraw|rollback``: publishing for automation, same services as the web.

On a fresh checkout each command first creates and migrates the database and
publishes the committed releases (``handbook/releases/*.json``) that it does
not hold yet, as the run command does, so that a revision is compared with
what is really in force.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import HandbookError
from domain.model import Release
from portal.app import create_app
from portal.audit.services import record as audit
from portal.clock import Clock
from portal.extensions import db
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.releases.services import (
    STATUS_LABELS,
    PublishOutcome,
    PublishRequest,
    plan_release,
    withdraw_regulation,
)
from portal.releases.sources import import_sources, load_release, release_of
from portal.server import migrate_app
from portal.web import CLOCK_KEY
from project.paths import Paths

DATE = click.DateTime(["%Y-%m-%d"])


@contextmanager
def _services(paths: Paths) -> Iterator[tuple[dict[str, Any], Session, Clock]]:
    from portal import demo as seed  # the committed releases, loaded as the run command does

    app = create_app({"HANDBOOK_ROOT": paths.root})
    migrate_app(app)
    with app.app_context():
        session = db.session()
        try:
            clock: Clock = app.extensions[CLOCK_KEY]
            seed.import_handbook(session, clock, paths.handbook)
            yield dict(app.config), session, clock
        finally:
            db.session.remove()
            db.engine.dispose()


def _fail(error: HandbookError) -> None:
    click.secho(f"错误：{error.user_message}", fg="red", err=True)
    sys.exit(1)


def _artefacts(paths: Paths) -> Artefacts:
    from forms.declarations import ALL_FORMS

    return Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS))


def _progress(quiet: bool) -> Callable[[int, str], None]:
    def report(percent: int, message: str) -> None:
        if not quiet:
            click.echo(f"[{percent:3d}%] {message}", err=True)

    return report


def _plan_json(version: str, outcome_rows: list[dict[str, Any]], retired: list[str]) -> str:
    return json.dumps({"version": version, "documents": outcome_rows, "retired": retired}, ensure_ascii=False, indent=2)


def _outcome_rows(outcome: PublishOutcome) -> list[dict[str, Any]]:
    return [
        {"slug": d.slug, "title": d.title, "status": d.status, "changed_clauses": d.changed_clauses}
        for d in outcome.documents
    ]


def _echo_outcome(outcome: PublishOutcome) -> None:
    for d in outcome.documents:
        extra = f"，{d.changed_clauses} 处条款变化" if d.changed_clauses else ""
        asked = f"，{d.asked_again} 人需重新签署" if d.asked_again else ""
        click.echo(f"  {STATUS_LABELS[d.status]}：《{d.title}》{extra}{asked}")
    click.echo(f"版本 {outcome.version} 已发布：数据库、站点与检索索引已同时切换。")


def publish_release_everywhere(
    paths: Paths, session: Session, clock: Clock, config: dict[str, Any], release: Release,
    *, editorial: bool, quiet: bool, actor: str = "命令行",
) -> PublishOutcome:
    request = PublishRequest(release, editorial=editorial, revision_due_days=int(config["REVISION_DUE_DAYS"]))
    outcome, _ = publish_everywhere(session, clock, _artefacts(paths), request, _progress(quiet))
    audit(session, clock, "publish", target=f"版本 {outcome.version}",
          detail=f"{actor}发布：{release.notes}".rstrip("："))
    session.commit()
    return outcome


@click.command("publish")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "version", required=True, help="版本号，例如 2026.2。")
@click.option("--effective", required=True, type=DATE, help="生效日期 YYYY-MM-DD。")
@click.option("--summary", required=True, help="变更摘要（必填）。")
@click.option("--title", default="", help="版本标题。")
@click.option("--editorial", is_flag=True, help="声明为文字修订：不要求重新签署；如发现实质变化则拒绝发布。")
@click.option("--dry-run", is_flag=True, help="只列出发布计划，不写入任何内容。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.pass_obj
def publish(paths: Paths, files: tuple[Path, ...], version: str, effective: dt.datetime, summary: str, title: str,
            editorial: bool, dry_run: bool, as_json: bool) -> None:
    """发布修订：导入文件，逐条比对，同时切换数据库、站点与检索；其他制度保持不变。"""
    if not summary.strip():
        _fail(HandbookError("empty summary", "请填写变更摘要。"))
    with _services(paths) as (config, session, clock):
        try:
            if len(files) == 1 and files[0].suffix.lower() == ".json":
                release = load_release(files[0], version, effective.date(), title)
            else:
                release = release_of(import_sources(list(files)), version, effective.date(), title)
            release = Release(release.version, release.title, release.effective, release.documents, summary.strip())
            if dry_run:
                planned = plan_release(session, release)
                rows: list[dict[str, Any]] = [
                    {"slug": p.document.slug, "title": p.document.title, "status": p.status,
                     "changed_clauses": len(p.diff.clauses) if p.diff else 0}
                    for p in planned
                ]
                session.rollback()
                if as_json:
                    click.echo(_plan_json(version, rows, []))
                else:
                    for row in rows:
                        click.echo(f"  {STATUS_LABELS[row['status']]}：《{row['title']}》，{row['changed_clauses']} 处条款变化")
                    click.echo("（试运行：没有写入任何内容）")
                return
            outcome = publish_release_everywhere(paths, session, clock, config, release, editorial=editorial, quiet=as_json)
        except HandbookError as error:
            session.rollback()
            _fail(error)
            return
    if as_json:
        click.echo(_plan_json(outcome.version, _outcome_rows(outcome), list(outcome.retired)))
    else:
        _echo_outcome(outcome)


@click.command("releases")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def releases(paths: Paths, as_json: bool) -> None:
    """列出已发布的版本。"""
    with _services(paths) as (_config, session, _clock):
        rows = session.scalars(select(ReleaseRecord).order_by(ReleaseRecord.published_at, ReleaseRecord.id)).all()
        data = [
            {"version": r.version, "title": r.title, "effective": r.effective.isoformat(), "summary": r.notes,
             "editorial": r.editorial, "published_at": r.published_at.isoformat(timespec="seconds") + "Z",
             "documents": len(session.scalars(select(RegulationVersion.id).where(RegulationVersion.release_id == r.id)).all())}
            for r in rows
        ]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for row in data:
        click.echo(f"  {row['version']:10} 生效 {row['effective']}  {row['documents']} 项新版本  {row['summary']}")


@click.command("withdraw")
@click.argument("slug")
@click.option("--reason", required=True, help="停用原因（必填）。")
@click.pass_obj
def withdraw(paths: Paths, slug: str, reason: str) -> None:
    """停用一项制度（历史与签署记录保留）。"""
    with _services(paths) as (_config, session, clock):
        try:
            regulation = withdraw_regulation(session, slug, reason)
            audit(session, clock, "withdraw", target=regulation.title, detail=f"停用原因：{reason.strip()}")
            session.commit()
        except HandbookError as error:
            session.rollback()
            _fail(error)
            return
        click.echo(f"已停用《{regulation.title}》。")


@click.command("rollback")
@click.argument("slug")
@click.option("--to", "to_version", required=True, help="要恢复的版本号。")
@click.option("--version", "version", required=True, help="新发布的版本号。")
@click.option("--effective", required=True, type=DATE, help="生效日期 YYYY-MM-DD。")
@click.option("--summary", required=True, help="变更摘要（必填）。")
@click.pass_obj
def rollback(paths: Paths, slug: str, to_version: str, version: str, effective: dt.datetime, summary: str) -> None:
    """把一项制度恢复到旧版本的文本：作为新版本发布，不改写历史。"""
    with _services(paths) as (config, session, clock):
        try:
            old = session.scalar(
                select(RegulationVersion)
                .join(Regulation, Regulation.id == RegulationVersion.regulation_id)
                .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
                .where(Regulation.slug == slug, ReleaseRecord.version == to_version)
            )
            if old is None:
                raise HandbookError(f"no version {to_version} of {slug}", f"找不到《{slug}》的版本 {to_version}。")
            release = Release(version, f"恢复 {to_version}", effective.date(), (old.document(),), summary.strip())
            outcome = publish_release_everywhere(paths, session, clock, config, release, editorial=False, quiet=False)
        except HandbookError as error:
            session.rollback()
            _fail(error)
            return
    _echo_outcome(outcome)


@click.command("sync-release")
@click.pass_obj
def sync_release_command(paths: Paths) -> None:
    """按数据库中的现行版本补建本机的站点版本与检索索引（多台服务器共用一个数据库时）。"""
    from portal.releases.sync import host_artefacts, sync_release

    app = create_app({"HANDBOOK_ROOT": paths.root})
    migrate_app(app)
    with app.app_context():
        try:
            outcome = sync_release(db.session(), host_artefacts(paths))
        except HandbookError as error:
            _fail(error)
            return
        finally:
            db.session.remove()
            db.engine.dispose()
    if outcome.version is None:
        click.echo("数据库中还没有发布过的版本。")
    elif outcome.built:
        parts = {"snapshot": "版本快照", "site": "站点", "index": "检索索引"}
        click.echo(f"现行版本 {outcome.version}：已补建" + "、".join(parts[p] for p in outcome.built) + "。")
    else:
        click.echo(f"现行版本 {outcome.version}：本机已是最新。")


COMMANDS = (publish, releases, withdraw, rollback, sync_release_command)
