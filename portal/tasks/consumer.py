"""The consumer process: huey's Consumer for one root, plus the sweep, and its child-process handle.

``handbook serve`` / ``handbook demo`` start one beside gunicorn (:class:`ConsumerProcess`);
``handbook tasks consume`` (or ``python -m portal.tasks.consumer --root R``) runs one alone,
e.g. on a second host.  Threads, not processes: a SIGKILL then takes the whole consumer at
once, and the sweep sees exactly one dead pid for its jobs.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from flask import Flask
from sqlalchemy.orm import Session

from portal import config as portal_config
from portal.tasks.queue import TaskQueue, build_queue
from portal.tasks.registry import registry
from portal.tasks.runner import Runner
from portal.tasks.sweep import sweep

log = logging.getLogger(__name__)


def run_consumer(app: Flask, workers: int | None = None, parent_pid: int | None = None) -> None:
    """Run the consumer in this process until SIGINT (graceful) or SIGTERM (at once)."""
    config = app.config
    queue = build_queue(config)
    runner = Runner(app)
    queue.executor = runner
    stale = float(config["TASK_STALE_SECONDS"])
    failed = sweep(runner.engine, runner.clock, stale)
    if failed:
        log.warning("start-up sweep failed jobs left by a dead consumer: %s", failed)
    if config.get("RELEASE_SYNC"):
        _sync_release(app)
    consumer = queue.huey.create_consumer(
        workers=workers or int(config["TASK_WORKERS"]),
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=float(config["TASK_POLL_SECONDS"]),
        shutdown_timeout=float(config["TASK_SHUTDOWN_SECONDS"]),
    )
    stop = threading.Event()
    housekeeping = threading.Thread(
        target=_housekeeping, args=(runner, queue, stale, float(config["TASK_SWEEP_SECONDS"]), parent_pid, stop),
        name="task-sweep", daemon=True,
    )
    housekeeping.start()
    log.info("task consumer for %s on %s", config["HANDBOOK_ROOT"], config.get("TASK_QUEUE_URL") or "SQLite")
    try:
        consumer.run()
    finally:
        stop.set()
        runner.abandon_in_flight()
        runner.engine.dispose()


def _sync_release(app: Flask) -> None:
    """Several hosts: this host's site and index of the release in force, before any task runs."""
    from portal.extensions import db
    from portal.releases.sync import host_artefacts, sync_release
    from project.paths import Paths

    with app.app_context():
        try:
            sync_release(db.session(), host_artefacts(Paths(app.config["HANDBOOK_ROOT"])))
        except Exception:  # the request check builds it later; the consumer must still start
            log.exception("could not sync the release in force at consumer start")
        finally:
            db.session.remove()


def _housekeeping(
    runner: Runner, queue: TaskQueue, stale: float, every: float, parent_pid: int | None, stop: threading.Event
) -> None:
    """Sweep now and then, and run the stages' periodic work (releases coming into force);
    stop the consumer (gracefully) when the server that started it is gone."""
    next_sweep = time.monotonic() + every
    while not stop.wait(1.0):
        if parent_pid is not None and os.getppid() != parent_pid:
            log.warning("the server that started this consumer is gone; stopping")
            os.kill(os.getpid(), signal.SIGINT)
            return
        if time.monotonic() >= next_sweep:
            next_sweep = time.monotonic() + every
            try:
                sweep(runner.engine, runner.clock, stale)
            except Exception:
                log.exception("task sweep failed")
            run_periodic(runner, queue)


def run_periodic(runner: Runner, queue: TaskQueue) -> None:
    """Each registered periodic function in its own session; one failing never stops the others."""
    for function in registry.periodic_functions():
        with Session(runner.engine) as session:
            try:
                function(session, runner.clock, queue)
                session.commit()
            except Exception:
                session.rollback()
                log.exception("periodic %s failed", function.__qualname__)


def consumer_environment(config: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of a consumer child: this app's database and task settings, whatever set them."""
    env = dict(environ)
    env["DATABASE_URL"] = str(config["SQLALCHEMY_DATABASE_URI"])
    for variable, key in portal_config.ENVIRONMENT_KEYS.items():
        if not key.startswith("TASK_") or config.get(key) is None:
            continue
        value = config[key]
        if isinstance(value, bool):
            env[variable] = "1" if value else "0"
        elif isinstance(value, list | tuple):
            env[variable] = ",".join(value)
        else:
            env[variable] = str(value)
    return env


class ConsumerProcess:
    """A consumer child of the server: started before gunicorn, restarted if it dies, stopped after."""

    def __init__(self, app: Flask, stderr: IO[bytes] | None = None) -> None:
        root = Path(app.config["HANDBOOK_ROOT"])
        self.command = [sys.executable, "-m", "portal.tasks.consumer", "--root", str(root), "--parent", str(os.getpid())]
        self.env = consumer_environment(app.config, os.environ)
        self.shutdown_seconds = float(app.config["TASK_SHUTDOWN_SECONDS"])
        self.stderr = stderr
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self) -> None:
        self._spawn()
        self._watch = threading.Thread(target=self._supervise, name="task-consumer-watch", daemon=True)
        self._watch.start()

    def _spawn(self) -> None:
        # Its own session: a Ctrl-C in the terminal reaches gunicorn only, which then stops us once.
        self.process = subprocess.Popen(self.command, env=self.env, stderr=self.stderr, start_new_session=True)
        log.info("task consumer started, pid %s", self.process.pid)

    def _supervise(self) -> None:
        """Restart a consumer that died, waiting longer after each quick death (up to a minute)."""
        pause = 2.0
        while not self._stopping.wait(pause):
            if self.process is not None and self.process.poll() is not None and not self._stopping.is_set():
                log.error("task consumer exited (%s); starting another", self.process.returncode)
                self._spawn()
                pause = min(pause * 2, 60.0)
            else:
                pause = 2.0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self) -> None:
        """SIGINT (finish the running task, up to TASK_SHUTDOWN_SECONDS), then SIGKILL if it hangs."""
        self._stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(self.shutdown_seconds + 5)
        except subprocess.TimeoutExpired:
            log.error("task consumer did not stop; killing it")
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The portal's task consumer for one project root.")
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--parent", type=int, default=None, help="stop when this process is no longer our parent")
    parser.add_argument("--workers", type=int, default=None)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from portal.app import create_app

    run_consumer(create_app({"HANDBOOK_ROOT": arguments.root}), arguments.workers, arguments.parent)


if __name__ == "__main__":
    main()
