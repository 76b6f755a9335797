"""``handbook counters rebuild|check``: the dashboard's completion counters from scratch, or compared with a
full recount (after an upgrade, a restore, or a change made to the tables by hand)."""

from __future__ import annotations

import sys
import time

import click

from project.paths import Paths


@click.group()
def counters() -> None:
    """签署完成情况计数（看板使用）。"""


@counters.command("rebuild")
@click.pass_obj
def counters_rebuild(paths: Paths) -> None:
    """按现有任务与签署记录重新计算全部计数（升级、恢复备份或直接改动数据库之后）。"""
    from portal.cli import _services
    from portal.signing_status.counters import rebuild

    with _services(paths) as (_app, session, _clock):
        started = time.perf_counter()
        rows = rebuild(session)
        session.commit()
    click.echo(f"已重新计算签署完成情况计数：{rows} 行，用时 {time.perf_counter() - started:.1f} 秒。")


@counters.command("check")
@click.pass_obj
def counters_check(paths: Paths) -> None:
    """将计数与逐条重新统计的结果对照；不一致时列出并以非零状态退出。"""
    from portal.cli import _services
    from portal.signing_status.counters import differences

    with _services(paths) as (_app, session, _clock):
        found = differences(session)
    if not found:
        click.echo("签署完成情况计数与重新统计一致。")
        return
    for key, (kept, counted) in list(found.items())[:20]:
        what = "任务" if key.version_id == 0 else f"签署（版本 #{key.version_id}）"
        click.secho(f"{key.department or '（未分配部门）'} · 制度 #{key.regulation_id} · 截止 {key.due_on} · {what}："
                    f"计数 {kept}，实际 {counted}", fg="red")
    click.secho(f"共 {len(found)} 处不一致；请运行 handbook counters rebuild。", fg="red")
    sys.exit(1)
