"""Publishing an uploaded file: import it, publish it as a release, and say in one line what changed.

Called from the publishing page's background task and from ``handbook portal publish``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock
from portal.releases.applicability import label
from portal.releases.services import STATUS_LABELS, PublishOutcome, PublishRequest, publish_release
from portal.releases.sources import load_release
from portal.tasks.services import Progress


def summary(outcome: PublishOutcome) -> str:
    """One line for people: how many regulations changed how, and who must sign again."""
    parts = [f"{STATUS_LABELS[s]} {outcome.count(s)} 项" for s in ("new", "substantive", "editorial", "unchanged")]
    asked = sum(d.asked_again for d in outcome.documents)
    text = f"版本 {outcome.version} 已发布：" + "，".join(parts)
    if asked:
        text += f"；{asked} 人次需要重新签署"
    if scoped := [d for d in outcome.documents if d.scope_changed]:
        text += "；适用范围调整：" + "，".join(f"《{d.title}》{label(d.departments)}" for d in scoped)
    if ended := sum(d.ended for d in outcome.documents):
        text += f"；{ended} 项签署任务因不再适用而结束"
    if outcome.retired:
        text += f"；停用 {len(outcome.retired)} 项"
    return text + "。"


def publish_file(
    session: Session,
    clock: Clock,
    path: Path,
    *,
    version: str,
    effective: dt.date,
    title: str = "",
    editorial: bool = False,
    revision_due_days: int = 30,
    actor_id: int | None = None,
    progress: Progress | None = None,
) -> PublishOutcome:
    """Import ``path`` (source or JSON) and publish it as release ``version``.  The caller commits."""
    report = progress or (lambda _p, _m: None)
    report(3, "读取并导入文件")
    release = load_release(path, version, effective, title)
    outcome = publish_release(
        session, clock, PublishRequest(release, editorial=editorial, revision_due_days=revision_due_days), report
    )
    actor = session.get(User, actor_id) if actor_id else None
    audit(session, clock, "publish", actor=actor, target=f"版本 {outcome.version}", detail=summary(outcome))
    return outcome
