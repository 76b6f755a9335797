"""The publishing stage's long work, run by the task queue: importing a draft, publishing an approved one."""

from __future__ import annotations

import logging
import shutil
import smtplib
from pathlib import Path

from sqlalchemy.orm import Session

from forms.declarations import ALL_FORMS
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock
from portal.errors import PublishRefused
from portal.releases import drafts
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Draft
from portal.releases.notices import notify_publication
from portal.releases.publishing import summary
from portal.releases.services import PublishRequest
from portal.reminders.services import SmtpSettings
from portal.tasks.isolation import MIB, Limits
from portal.tasks.queue import TaskQueue
from portal.tasks.registry import TaskContext, registry
from project.paths import Paths

log = logging.getLogger(__name__)


@registry.kind("import_draft")
def import_draft(context: TaskContext) -> str:
    """Import the uploaded files into the draft; the upload folder is removed either way."""
    files = [Path(f) for f in context.payload["files"]]
    context.progress(10, "正在导入上传的文件")
    try:
        limits = Limits(int(context.config["IMPORT_MEMORY_MB"]) * MIB, float(context.config["IMPORT_SECONDS"]))
        draft = drafts.import_into_draft(context.session, int(context.payload["draft_id"]), files, limits)
    finally:
        if files:
            shutil.rmtree(files[0].parent, ignore_errors=True)
    count = len(drafts.draft_release(context.session, draft).documents)
    return f"已导入 {count} 项制度，请在草稿页查看比对结果并提交审批。"


@registry.kind("publish_draft")
def publish_draft(context: TaskContext) -> str:
    """Publish an approved draft everywhere at once; on failure the draft stays approved and retryable."""
    session = context.session
    draft = session.get(Draft, int(context.payload["draft_id"]))
    if draft is None or draft.status != "approved":
        raise PublishRefused("draft not approved", "只有已批准的草稿可以发布。")
    paths = Paths(context.root)
    request = PublishRequest(
        drafts.draft_release(session, draft), editorial=draft.editorial,
        revision_due_days=int(context.config["REVISION_DUE_DAYS"]),
        departments=drafts.publish_departments(session, draft),
    )
    outcome, _ = publish_everywhere(session, context.clock, Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS)),
                                    request, context.progress)
    draft = session.get(Draft, int(context.payload["draft_id"]))
    assert draft is not None
    draft.status = "published"
    actor = session.get(User, draft.approved_by_id) if draft.approved_by_id else None
    audit(session, context.clock, "publish", actor=actor, target=f"版本 {outcome.version}",
          detail=f"{summary(outcome)} 摘要：{draft.summary}")
    session.commit()
    context.progress(98, "发送签署通知邮件")
    try:  # the release is in force: a mail server that is down must not undo or fail it
        notified = notify_publication(session, context.clock, SmtpSettings.from_config(dict(context.config)),
                                      str(context.config["PORTAL_BASE_URL"]), outcome, draft.summary)
        session.commit()
        mail = f"已发送签署通知 {notified} 人。"
    except (OSError, smtplib.SMTPException):
        log.warning("publish notices of %s not sent", outcome.version, exc_info=True)
        session.rollback()
        mail = "签署通知邮件未能发送（邮件服务器不可用），可在签署看板中发送提醒。"
    return f"{summary(outcome)}{mail}"


@registry.periodic
def publish_due_drafts(session: Session, clock: Clock, queue: TaskQueue) -> None:
    """Queue the publishing of every approved draft whose effective date has come."""
    for draft in drafts.due_drafts(session, clock):
        draft.status = "approved"
        draft.task_id = queue.enqueue(session, clock, "publish_draft", {"draft_id": draft.id}, draft.approved_by_id)
        log.info("release %s comes into force today: publishing queued", draft.version)
