"""The publishing stage's long work, run by the task queue: importing a draft, publishing an approved one."""

from __future__ import annotations

import shutil
from pathlib import Path

from forms.declarations import ALL_FORMS
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.errors import PublishRefused
from portal.releases import drafts
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Draft
from portal.releases.publishing import summary
from portal.releases.services import PublishRequest
from portal.tasks.registry import TaskContext, registry
from project.paths import Paths


@registry.kind("import_draft")
def import_draft(context: TaskContext) -> str:
    """Import the uploaded files into the draft; the upload folder is removed either way."""
    files = [Path(f) for f in context.payload["files"]]
    context.progress(10, "正在导入上传的文件")
    try:
        draft = drafts.import_into_draft(context.session, int(context.payload["draft_id"]), files)
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
    return summary(outcome)
