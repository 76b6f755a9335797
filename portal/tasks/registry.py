"""Task kinds by name: stages register their work here, the queue only carries a job id.

A stage writes, in a module of its own::

    from portal.tasks.registry import TaskContext, registry

    @registry.kind("publish")
    def publish(context: TaskContext) -> str:
        context.progress(10, "正在导入……")
        ...
        return "已发布 2026.2。"

and imports that module in ``portal.app.register_task_kinds`` (a plain import, as
blueprints are registered), so that the web side and the consumer, which both build the
app, know every kind.  ``TASK_MODULES`` (configuration) adds kinds from outside the
portal, e.g. a test's.  The registry holds functions only; it reads no configuration.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from portal.clock import Clock

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class TaskContext:
    """What a task function gets: its payload, a session it may commit, and a progress callback.

    The runner commits ``session`` after the function returns; a function may also
    commit in steps.  ``progress(percent, message)`` is shown on the job's page.
    """

    job_id: int
    kind: str
    payload: Mapping[str, Any]
    session: Session
    clock: Clock
    config: Mapping[str, Any]
    root: Path
    progress: Progress
    attempt: int

    def now(self) -> dt.datetime:
        return self.clock.now()


# Housekeeping a stage runs in the consumer now and then: (session, clock, the task queue).
PeriodicFunction = Callable[[Session, Clock, Any], None]

# A task function returns the message shown when the job is done (None: "已完成。").
TaskFunction = Callable[[TaskContext], "str | None"]


class UnknownTaskKind(LookupError):
    """No function is registered under this kind (a programming error, not a user's)."""


class TaskRegistry:
    """Kind name → task function."""

    def __init__(self) -> None:
        self._functions: dict[str, TaskFunction] = {}
        self._periodic: list[PeriodicFunction] = []

    def periodic(self, function: PeriodicFunction) -> PeriodicFunction:
        """Decorator: run ``function(session, clock, queue)`` at every consumer sweep (about a minute)."""
        if function not in self._periodic:
            self._periodic.append(function)
        return function

    def periodic_functions(self) -> tuple[PeriodicFunction, ...]:
        return tuple(self._periodic)

    def kind(self, name: str) -> Callable[[TaskFunction], TaskFunction]:
        """Decorator: register ``function`` under ``name``."""

        def decorator(function: TaskFunction) -> TaskFunction:
            self.add(name, function)
            return function

        return decorator

    def add(self, name: str, function: TaskFunction) -> None:
        existing = self._functions.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"task kind {name!r} is already registered by {existing.__module__}.{existing.__qualname__}")
        self._functions[name] = function

    def get(self, name: str) -> TaskFunction:
        try:
            return self._functions[name]
        except KeyError:
            raise UnknownTaskKind(f"no task function registered for kind {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._functions

    def kinds(self) -> list[str]:
        return sorted(self._functions)


# The portal's registry (like a blueprint: a plain object, configured by nobody at import).
registry = TaskRegistry()


def import_kind_modules(extra: Iterable[str] = ()) -> None:
    """Import the configured ``TASK_MODULES`` (plug-ins, tests' kinds); the stages' own kinds are
    registered by the app factory with plain imports (``portal.app.register_task_kinds``)."""
    for module in extra:
        importlib.import_module(module)
