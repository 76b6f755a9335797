"""Serving the portal with gunicorn (a production WSGI server), migrations first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from portal.extensions import db
from portal.migrate import upgrade
from search import service as search_service


def migrate_app(app: Flask) -> None:
    """Bring the app's database to the newest schema (idempotent)."""
    with app.app_context():
        upgrade(db.engine)
        db.engine.dispose()


def preload_search(project_root: Path) -> None:
    """Load jieba and our dictionaries once in the master (~1 s): workers inherit them.

    Importing the module alone is not enough: jieba builds its prefix
    dictionary lazily, so each worker would pay for it on its first search.
    """
    search_service.preload(project_root)


class PortalServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running an already-built app: ``preload_app`` so workers share imports."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _post_fork(_server: Any, worker: Any) -> None:
    """Each worker opens its own database connections (never share a pool across fork)."""
    app = worker.app.application
    with app.app_context():
        db.engine.dispose(close=False)


def serve(app: Flask, host: str, port: int, workers: int, threads: int = 4) -> None:
    """Migrate, then run gunicorn with the task consumer as a child (portal/tasks), stopped with it."""
    from portal.tasks.consumer import ConsumerProcess

    migrate_app(app)
    preload_search(Path(app.config["HANDBOOK_ROOT"]))
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "post_fork": _post_fork,
        "accesslog": "-",
        "timeout": 120,
        "graceful_timeout": 10,
        "control_socket_disable": True,
    }
    consumer = ConsumerProcess(app) if app.config["TASK_CONSUMER"] else None
    if consumer is not None:
        consumer.start()
    try:
        PortalServer(app, options).run()
    finally:
        if consumer is not None:
            consumer.stop()
