"""The daily lifecycle run as a task kind, and the periodic check that queues it once a local day."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.clock import Clock
from portal.lifecycle.daily import claim_day, run_daily
from portal.lifecycle.models import LifecycleRun
from portal.reminders.services import SmtpSettings
from portal.tasks.queue import TaskQueue
from portal.tasks.registry import TaskContext, registry

log = logging.getLogger(__name__)


@registry.kind("lifecycle_daily")
def lifecycle_daily(context: TaskContext) -> str:
    base_url = str(context.payload.get("base_url") or context.config["PORTAL_BASE_URL"])
    outcome = run_daily(context.session, context.clock, SmtpSettings.from_config(dict(context.config)), base_url)
    audit(context.session, context.clock, "lifecycle_run", target="定时运行", detail=outcome.text())
    return outcome.text()


@registry.periodic
def schedule_lifecycle(session: Session, clock: Clock, queue: TaskQueue) -> None:
    day = claim_day(session, clock)
    if day is None:
        return
    task_id = queue.enqueue(session, clock, "lifecycle_daily", {"day": day.isoformat()}, None)
    run = session.get(LifecycleRun, day)
    if run is not None:
        run.task_id = task_id
    log.info("lifecycle run of %s queued as task %s", day, task_id)
