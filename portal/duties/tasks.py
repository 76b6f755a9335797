"""The duty reminders as a task: queued once a day by the consumer's periodic check."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from portal.clock import Clock
from portal.duties.models import DutyReminderRun
from portal.duties.reminders import claim_day, run_reminders
from portal.reminders.services import SmtpSettings
from portal.tasks.queue import TaskQueue
from portal.tasks.registry import TaskContext, registry

log = logging.getLogger(__name__)


@registry.kind("duty-reminders")
def duty_reminders(context: TaskContext) -> str:
    outcome = run_reminders(context.session, context.clock, SmtpSettings.from_config(dict(context.config)),
                            str(context.config["PORTAL_BASE_URL"]), task_id=context.job_id)
    return outcome.text()


@registry.periodic
def schedule_duty_reminders(session: Session, clock: Clock, queue: TaskQueue) -> None:
    day = claim_day(session, clock)
    if day is None:
        return
    task_id = queue.enqueue(session, clock, "duty-reminders", {"day": day.isoformat()}, None)
    run = session.get(DutyReminderRun, day)
    if run is not None:
        run.task_id = task_id
    log.info("duty reminders of %s queued as task %s", day, task_id)
