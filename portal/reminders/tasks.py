"""The follow-up as a task: the daily run queued by the consumer's periodic check, or "run now" from HR's page."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock
from portal.reminders.followup import claim_day, run_followup
from portal.reminders.models import FollowupRun
from portal.reminders.services import SmtpSettings
from portal.tasks.queue import TaskQueue
from portal.tasks.registry import TaskContext, registry

log = logging.getLogger(__name__)


@registry.kind("followup")
def followup(context: TaskContext) -> str:
    """Send what is due today; the link base is the payload's (the request's address) or PORTAL_BASE_URL."""
    base_url = str(context.payload.get("base_url") or context.config["PORTAL_BASE_URL"])
    outcome = run_followup(context.session, context.clock, SmtpSettings.from_config(dict(context.config)), base_url,
                           task_id=context.job_id, progress=context.progress)
    actor_id = context.payload.get("actor_id")
    actor = context.session.get(User, int(actor_id)) if actor_id else None
    how = "手动运行" if actor else "定时运行"
    audit(context.session, context.clock, "followup", actor=actor, target=how, detail=outcome.text(),
          ip=str(context.payload.get("ip") or ""))
    return outcome.text()


@registry.periodic
def schedule_followup(session: Session, clock: Clock, queue: TaskQueue) -> None:
    """At the configured local hour of a working day, queue that day's run once (whichever host sees it first)."""
    day = claim_day(session, clock)
    if day is None:
        return
    task_id = queue.enqueue(session, clock, "followup", {"day": day.isoformat()}, None)
    run = session.get(FollowupRun, day)
    if run is not None:
        run.task_id = task_id
    log.info("follow-up of %s queued as task %s", day, task_id)
