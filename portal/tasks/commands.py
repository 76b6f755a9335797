"""``handbook tasks consume|list|retry``: the task queue from the command line."""

from __future__ import annotations

import click

from project.paths import Paths


@click.group()
def tasks() -> None:
    """后台任务队列。"""


@tasks.command("consume")
@click.option("--workers", type=int, default=None, help="工作线程数（默认取配置 TASK_WORKERS）。")
@click.pass_obj
def consume(paths: Paths, workers: int | None) -> None:
    """单独运行任务执行进程（例如在另一台主机上）。"""
    import logging

    from portal.app import create_app
    from portal.server import migrate_app
    from portal.tasks.consumer import run_consumer

    logging.getLogger().setLevel(logging.INFO)
    app = create_app({"HANDBOOK_ROOT": paths.root})
    migrate_app(app)
    run_consumer(app, workers)


@tasks.command("list")
@click.option("--limit", default=20, show_default=True, type=int, help="显示最近多少个任务。")
@click.pass_obj
def list_tasks(paths: Paths, limit: int) -> None:
    """列出最近的任务及其状态。"""
    from portal.app import create_app
    from portal.extensions import db
    from portal.server import migrate_app
    from portal.tasks import state

    app = create_app({"HANDBOOK_ROOT": paths.root})
    migrate_app(app)
    with app.app_context():
        try:
            jobs = state.recent(db.session(), limit)
        finally:
            db.session.remove()
            db.engine.dispose()
    if not jobs:
        click.echo("没有任务。")
    for job in jobs:
        click.echo(f"#{job.id:<5} {job.kind:16} {job.status_label:4} {job.progress:3d}%  第 {job.attempts} 次  {job.message}")


@tasks.command("retry")
@click.argument("job_id", type=int)
@click.pass_obj
def retry(paths: Paths, job_id: int) -> None:
    """重新执行一个失败的任务（同样的参数）。"""
    import sys

    from domain.errors import HandbookError
    from portal.app import create_app
    from portal.extensions import db
    from portal.server import migrate_app
    from portal.tasks.queue import queue_for
    from portal.web import CLOCK_KEY

    app = create_app({"HANDBOOK_ROOT": paths.root})
    migrate_app(app)
    with app.app_context():
        try:
            queue_for(app).retry(db.session(), app.extensions[CLOCK_KEY], job_id)
        except HandbookError as error:
            click.secho(f"错误：{getattr(error, 'user_message', error)}", fg="red", err=True)
            sys.exit(1)
        finally:
            db.session.remove()
            db.engine.dispose()
    click.echo(f"任务 #{job_id} 已重新排队。")
