"""Command-line commands of the portal stage.

``handbook serve``, ``handbook demo``, ``handbook user add|import|set-password``,
``handbook acks verify``, ``handbook remind`` and ``handbook tasks consume|list|retry``
(portal/tasks/commands.py); publishing's commands (``publish``, ``releases``,
``withdraw``, ``rollback``) live in :mod:`portal.releases.commands`.  Each
builds the app from the project root and calls the same services as the web.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import smtplib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from project.paths import Paths

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from portal.clock import Clock


def _app(paths: Paths, **overrides: Any) -> Flask:
    from portal.app import create_app

    return create_app({"HANDBOOK_ROOT": paths.root, **overrides})


@contextmanager
def _services(paths: Paths) -> Iterator[tuple[Flask, Session, Clock]]:
    """An app with a migrated database, its session and clock."""
    from portal.extensions import db
    from portal.server import migrate_app
    from portal.web import CLOCK_KEY

    app = _app(paths)
    migrate_app(app)
    with app.app_context():
        try:
            yield app, db.session(), app.extensions[CLOCK_KEY]
        finally:
            db.session.remove()
            db.engine.dispose()


def _fail(error: Exception) -> None:
    message = getattr(error, "user_message", None) or str(error)
    click.secho(f"错误：{message}", fg="red", err=True)
    sys.exit(1)


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
    main.add_command(serve)
    main.add_command(demo)
    main.add_command(user)
    main.add_command(acks)
    from portal.releases.commands import COMMANDS as PUBLISHING_COMMANDS

    for command in PUBLISHING_COMMANDS:
        main.add_command(command)
    main.add_command(remind)
    from portal.tasks.commands import tasks

    main.add_command(tasks)
    from portal.signing_status.commands import counters

    main.add_command(counters)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--port", default=8000, show_default=True, type=int, help="端口。")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn 工作进程数。")
@click.option("--threads", default=4, show_default=True, type=int, help="每个进程的线程数。")
@click.pass_obj
def serve(paths: Paths, host: str, port: int, workers: int, threads: int) -> None:
    """启动门户（gunicorn），启动前自动升级数据库结构。"""
    from portal.server import serve as run

    run(_app(paths), host, port, workers, threads)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="只准备数据，不启动服务。")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, workers: int, no_serve: bool) -> None:
    """演示：建库、导入手册、创建演示账号并启动门户。"""
    from portal import demo as seed
    from portal.acks.services import signer_for
    from portal.config import settings_of
    from portal.server import serve as run

    paths: Paths = ctx.obj

    with _services(paths) as (app, session, clock):
        try:
            outcomes = seed.import_handbook(session, clock, paths.handbook)
        except Exception as error:  # the demo still starts, with what it has
            session.rollback()
            click.secho(f"警告：导入手册失败：{getattr(error, 'user_message', error)}", fg="yellow", err=True)
            outcomes = []
        for outcome in outcomes:
            click.echo(f"已导入版本 {outcome.version}：{len(outcome.documents)} 项制度")
        seed.create_accounts(session, clock, app.config["PASSWORD_HASH_PROFILE"])
        seed.create_rules(session, clock)
        key_path = settings_of(app).signing_key_path
        seed.seed_activity(session, clock, signer_for(session, key_path))
        session.commit()
        database = app.config["SQLALCHEMY_DATABASE_URI"]
    _ensure_site(ctx, paths)
    _ensure_search_index(ctx, paths)
    click.echo(f"数据库：{database}")
    click.echo(f"签署记录签名密钥：{key_path}（请另行备份）")
    click.echo("演示账号（工号 / 密码 / 角色）：")
    for account in seed.ACCOUNTS:
        roles = "、".join(sorted(r.value for r in account.roles))
        note = "（首次登录须修改密码）" if account.must_change else ""
        click.echo(f"  {account.employee_no:6} {account.password:14} {account.name} · {account.department} · {roles}{note}")
    click.echo(f"门户地址：http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/")
    if not no_serve:
        run(_app(paths), host, port, workers)


def _sibling_command(ctx: click.Context, name: str) -> click.Command | None:
    group = ctx.parent.command if ctx.parent else None
    return group.get_command(ctx.parent, name) if isinstance(group, click.Group) and ctx.parent else None


def _ensure_site(ctx: click.Context, paths: Paths) -> None:
    """Build every release not yet in ``site/`` (``handbook build --all``), so /site/ links work.

    A release already built is never rebuilt, so this costs nothing after the first run.
    """
    command = _sibling_command(ctx, "build")
    if command is None or not paths.releases.is_dir():
        return
    click.echo("正在构建制度手册网站（已构建的版本不会重建）……")
    try:
        ctx.invoke(command, versions=(), build_all=True)
    except Exception as error:  # the portal's own reading pages work without the site
        click.secho(f"警告：网站未构建：{getattr(error, 'user_message', error)}", fg="yellow", err=True)


def _ensure_search_index(ctx: click.Context, paths: Paths) -> None:
    """Build the search stage's index once (``handbook index``), so the demo's search page works."""
    command = _sibling_command(ctx, "index")
    if command is None or (paths.index.is_dir() and any(paths.index.iterdir())):
        return
    click.echo("正在建立检索索引（首次运行，约需半分钟）……")
    try:
        ctx.invoke(command)
    except Exception as error:  # the portal works without search; the page explains it
        click.secho(f"警告：检索索引未建立：{getattr(error, 'user_message', error)}", fg="yellow", err=True)


@click.group()
def user() -> None:
    """账号管理。"""


@user.command("add")
@click.option("--employee-no", required=True, help="工号。")
@click.option("--name", required=True, help="姓名。")
@click.option("--department", default="", help="部门。")
@click.option("--position", default="", help="岗位。")
@click.option("--hire-date", type=click.DateTime(["%Y-%m-%d"]), default=None, help="入职日期 YYYY-MM-DD。")
@click.option("--email", default="")
@click.option("--role", "roles", multiple=True, type=click.Choice(["employee", "manager", "hr", "admin"]), help="角色，可多次指定。")
@click.option("--password", prompt="初始密码", hide_input=True, confirmation_prompt=True)
@click.pass_obj
def user_add(paths: Paths, employee_no: str, name: str, department: str, position: str, hire_date: dt.datetime | None,
             email: str, roles: tuple[str, ...], password: str) -> None:
    """新建账号（首次登录须修改密码）。"""
    from portal.access import Role
    from portal.auth.services import NewUser, create_user
    from portal.errors import HandbookError

    with _services(paths) as (app, session, clock):
        new = NewUser(employee_no, name, password, department, position, hire_date.date() if hire_date else None, email,
                      frozenset(Role(r) for r in roles) or frozenset({Role.EMPLOYEE}))
        try:
            created = create_user(session, clock, new, hash_profile=app.config["PASSWORD_HASH_PROFILE"],
                                  new_hire_days=app.config["NEW_HIRE_DUE_DAYS"], min_password=app.config["PASSWORD_MIN_LENGTH"])
        except HandbookError as error:
            session.rollback()
            details = getattr(error, "field_errors", {})
            for message in details.values():
                click.secho(f"  {message}", fg="red", err=True)
            _fail(error)
            return
        session.commit()
        click.echo(f"已创建账号 {created.employee_no} {created.name}。")


@user.command("import")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只预览，不创建账号。")
@click.option("--yes", is_flag=True, help="不再确认，直接创建。")
@click.option("--passwords-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="初始密码写入的 CSV 文件（默认 var/initial-passwords-<时间>.csv）。")
@click.pass_obj
def user_import(paths: Paths, roster: Path, dry_run: bool, yes: bool, passwords_out: Path | None) -> None:
    """从花名册（.csv / .xlsx）批量导入账号，先预览。"""
    from portal.auth.roster import apply_roster, preview_roster, read_table
    from portal.errors import HandbookError

    with _services(paths) as (app, session, clock):
        try:
            preview = preview_roster(session, read_table(roster), app.config["PASSWORD_MIN_LENGTH"])
        except HandbookError as error:
            _fail(error)
            return
        click.echo(f"可导入 {len(preview.valid)} 行，无效 {len(preview.invalid)} 行，已存在 {len(preview.existing)} 行，"
                   f"有变化 {len(preview.changed)} 行。")
        for row in preview.valid:
            click.echo(f"  + 第 {row.line} 行  {row.user.employee_no} {row.user.name} · {row.user.department}")
        for bad in preview.invalid:
            click.secho(f"  ✗ 第 {bad.line} 行  {bad.employee_no or '（无工号）'}：{'；'.join(bad.reasons)}", fg="red")
        for row in preview.existing:
            click.echo(f"  = 第 {row.line} 行  {row.user.employee_no} 已存在，跳过")
        for changed in preview.changed:
            click.echo(f"  ~ 第 {changed.line} 行  {changed.user.employee_no}：{'；'.join(c.text() for c in changed.changes)}")
        if dry_run or not (preview.valid or preview.changed):
            click.echo("预览结束，未创建账号。" if dry_run else "没有需要创建的账号。")
            return
        if not yes and not click.confirm(f"创建 {len(preview.valid)} 个账号，更新 {len(preview.changed)} 个账号？"):
            return
        created = apply_roster(session, clock, preview, hash_profile=app.config["PASSWORD_HASH_PROFILE"],
                               new_hire_days=app.config["NEW_HIRE_DUE_DAYS"], source=roster.name)
        session.commit()
        from portal.exports import neutralise

        out = passwords_out or paths.var / f"initial-passwords-{clock.now():%Y%m%d%H%M%S}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["工号", "姓名", "初始密码"])
            # Names come from a roster file: a cell like =HYPERLINK(…) must stay text in a spreadsheet.
            writer.writerows([neutralise(u.employee_no), neutralise(u.name), neutralise(p)] for u, p in created)
        os.chmod(out, 0o600)
        click.echo(f"已创建 {len(created)} 个账号；初始密码见 {out}（首次登录须修改）。")


@user.command("set-password")
@click.argument("employee_no")
@click.option("--password", prompt="新密码", hide_input=True, confirmation_prompt=True)
@click.option("--temporary/--permanent", default=True, show_default=True, help="临时密码须在下次登录时修改。")
@click.pass_obj
def user_set_password(paths: Paths, employee_no: str, password: str, temporary: bool) -> None:
    """为账号设置密码。"""
    from portal.auth.services import set_password
    from portal.errors import HandbookError

    with _services(paths) as (app, session, clock):
        try:
            set_password(session, clock, employee_no, password, hash_profile=app.config["PASSWORD_HASH_PROFILE"],
                         temporary=temporary, min_password=app.config["PASSWORD_MIN_LENGTH"])
        except HandbookError as error:
            _fail(error)
            return
        session.commit()
        click.echo(f"已为 {employee_no} 设置{'临时' if temporary else ''}密码。")


@click.group()
def acks() -> None:
    """签署记录。"""


@acks.command("verify")
@click.option("--since", "since", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="对照此前保存的检查点文件校验（检查点之前的记录必须与检查点一致）。")
@click.option("--public-key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用此公钥文件核对签名（审计人员无需私钥）；默认使用服务器的签名密钥。")
@click.pass_obj
def acks_verify(paths: Paths, since: Path | None, public_key: Path | None) -> None:
    """重新计算已签文本与签署记录的哈希、核对服务器签名，指出第一条有问题的记录。"""
    from portal.acks.keys import load_verifier
    from portal.acks.services import Checkpoint, verifier_for, verify_chain, verify_since
    from portal.config import settings_of
    from portal.errors import HandbookError

    with _services(paths) as (app, session, _clock):
        try:
            key_path = settings_of(app).signing_key_path
            verifier = load_verifier(public_key) if public_key else verifier_for(session, key_path)
            if since is not None:
                if verifier is None:
                    raise HandbookError("no key to check a checkpoint with", "没有可用于核对检查点的签名密钥。")
                report = verify_since(session, verifier, Checkpoint.from_json(since.read_text("utf-8", "replace")),
                                      workers=os.cpu_count() or 1)
            else:  # signature checks in one process per core
                report = verify_chain(session, verifier, workers=os.cpu_count() or 1)
        except HandbookError as error:
            _fail(error)
            return
    if report.ok:
        signed = f"，服务器签名（密钥 {verifier.key_id}）均有效" if verifier else "（尚无签名密钥：只校验了哈希）"
        anchored = "，且与检查点一致" if since is not None else ""
        click.echo(f"签署链完整：{report.checked} 条记录校验通过{signed}{anchored}。")
        return
    assert report.first_break is not None
    click.secho(
        f"签署链损坏：第一条有问题的记录是 #{report.first_break.record_id}：{report.first_break.reason}"
        f"（已检查 {report.checked} 条）。",
        fg="red",
    )
    sys.exit(1)


@acks.command("verify-clauses")
@click.option("--public-key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用此公钥文件核对签名；默认使用服务器的签名密钥。")
@click.pass_obj
def acks_verify_clauses(paths: Paths, public_key: Path | None) -> None:
    """核对修订后“只确认变化条款”的签署：每条条款的哈希、所引用的早先签署和服务器签名。"""
    from portal.acks.keys import load_verifier
    from portal.acks.services import verifier_for
    from portal.config import settings_of
    from portal.errors import HandbookError
    from portal.lifecycle.clause_acks import verify_clause_sets

    with _services(paths) as (app, session, _clock):
        try:
            verifier = load_verifier(public_key) if public_key else verifier_for(session, settings_of(app).signing_key_path)
        except HandbookError as error:
            _fail(error)
            return
        checked, problems = verify_clause_sets(session, verifier)
    if not problems:
        click.echo(f"逐条确认记录完整：{checked} 条签署的条款清单校验通过。")
        return
    for problem in problems:
        click.secho(f"签署 #{problem.ack_id}：{problem.reason}", fg="red")
    sys.exit(1)


@acks.command("keygen")
@click.pass_obj
def acks_keygen(paths: Paths) -> None:
    """生成服务器签名密钥（若尚无），并为尚未签名的已有记录签名。"""
    from portal.acks.keys import load_signer
    from portal.acks.services import sign_unsigned_records, signer_for, unsigned_count
    from portal.config import settings_of
    from portal.errors import HandbookError

    with _services(paths) as (app, session, _clock):
        key_path = settings_of(app).signing_key_path
        existed = key_path.exists()
        try:
            unsigned = unsigned_count(session)
            signer = load_signer(key_path) if existed else signer_for(session, key_path)  # the latter signs them
            if existed:
                sign_unsigned_records(session, signer)
        except HandbookError as error:
            session.rollback()
            _fail(error)
            return
        session.commit()
    click.echo(f"{'已有' if existed else '已生成'}签名密钥：{key_path}（密钥编号 {signer.key_id}，权限 600，请另行备份）。")
    if unsigned:
        click.echo(f"已为 {unsigned} 条尚未签名的记录签名。")


@acks.command("public-key")
@click.pass_obj
def acks_public_key(paths: Paths) -> None:
    """输出签名公钥（PEM），交给审计人员用于 verify --public-key。"""
    from portal.acks.keys import load_signer
    from portal.config import settings_of
    from portal.errors import HandbookError

    app = _app(paths)
    try:
        click.echo(load_signer(settings_of(app).signing_key_path).verifier.public_pem(), nl=False)
    except HandbookError as error:
        _fail(error)


@acks.command("checkpoint")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入此文件（默认输出到屏幕）。")
@click.option("--mail", "mail_to", multiple=True, help="同时把检查点发到此邮箱（可多次指定）。")
@click.pass_obj
def acks_checkpoint(paths: Paths, output: Path | None, mail_to: tuple[str, ...]) -> None:
    """校验签署链后生成签名的检查点（记录数、链尾哈希、时间），保存到数据库之外。"""
    from portal.acks.services import mail_checkpoint, make_checkpoint, signer_for
    from portal.config import settings_of
    from portal.errors import HandbookError
    from portal.reminders.services import SmtpSettings

    with _services(paths) as (app, session, clock):
        try:
            signer = signer_for(session, settings_of(app).signing_key_path)
            checkpoint = make_checkpoint(session, clock, signer)
            session.commit()
            if mail_to:
                mail_checkpoint(checkpoint, SmtpSettings.from_config(app.config), list(mail_to))
        except HandbookError as error:
            session.rollback()
            _fail(error)
            return
    text = checkpoint.to_json()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, "utf-8")
        click.echo(f"检查点已写入 {output}：{checkpoint.count} 条记录，链尾 #{checkpoint.last_ack_id}。", err=True)
    if mail_to:
        click.echo(f"检查点已发送给：{'、'.join(mail_to)}", err=True)


@click.command()
@click.option("--dry-run", is_flag=True, help="只列出将提醒的人，不发送。")
@click.pass_obj
def remind(paths: Paths, dry_run: bool) -> None:
    """向所有有逾期未签制度的人发送提醒邮件（适合 cron）。"""
    from portal.reminders.services import SmtpSettings, overdue_by_person, send_reminders
    from portal.signing_status.queries import DashboardFilter

    with _services(paths) as (app, session, clock):
        if dry_run:
            people = overdue_by_person(session, DashboardFilter(), clock)
            for employee_no, items in people.items():
                click.echo(f"  {employee_no} {items[0].name} <{items[0].email or '无邮箱'}>：{len(items)} 项逾期")
            click.echo(f"共 {len(people)} 人有逾期未签制度。")
            return
        try:
            outcome = send_reminders(session, clock, SmtpSettings.from_config(app.config), app.config["PORTAL_BASE_URL"])
        except (OSError, smtplib.SMTPException) as error:
            _fail(RuntimeError(f"邮件服务器连接失败：{error}"))
            return
        session.commit()
    click.echo(f"已发送 {outcome.sent} 封提醒；{outcome.skipped_no_email} 人无邮箱；{len(outcome.failed)} 封失败。")
