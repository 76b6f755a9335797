"""Recording and reading audit events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.clock import Clock, naive_utc

ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录限流",
    "session_ended": "结束登录会话",
    "logout": "退出",
    "password_changed": "修改密码",
    "password_set": "重置密码",
    "user_created": "创建账号",
    "user_updated": "修改账号",
    "role_changed": "角色变更",
    "user_transferred": "调岗",
    "roster_imported": "导入花名册",
    "signed": "签署",
    "export": "导出",
    "publish": "发布",
    "withdraw": "停用制度",
    "draft_submitted": "提交发布草稿",
    "draft_approved": "批准发布草稿",
    "draft_rejected": "退回发布草稿",
    "draft_deleted": "删除发布草稿",
    "reminder": "发送提醒",
    "followup": "自动提醒",
    "followup_settings": "修改自动提醒设置",
    "publish_notice": "发布通知",
    "rule_added": "新增分配规则",
    "rule_removed": "删除分配规则",
    "form_submitted": "提交表单",
    "minutes_signed": "签署会议纪要",
    "minutes_returned": "退回会议纪要",
    "minutes_distributed": "分发会议纪要",
    "minutes_confirmed": "确认收到会议纪要",
    "draft_departments": "设置适用部门",
    "identity_linked": "关联外部账号",
    "api_token_created": "创建接口令牌",
    "api_token_revoked": "吊销接口令牌",
    "webhook_changed": "修改事件推送",
    "care_saved": "设置制度负责人与复审周期",
    "review_unchanged": "复审确认无需修订",
    "review_revising": "复审提出修订",
    "lifecycle_settings": "修改复审设置",
    "lifecycle_run": "复审与重新确认",
    "rule_reattest_saved": "设置规则的重新确认周期",
    "quiz_question_added": "添加测验题目",
    "quiz_question_confirmed": "确认测验题目",
    "quiz_question_removed": "删除测验题目",
    "conflict_marked": "标记制度冲突",
    "search_gap": "记录制度空白",
    "search_synonym": "添加检索同义词",
    "search_synonym_removed": "删除检索同义词",
}


def record(
    session: Session,
    clock: Clock,
    action: str,
    *,
    actor: User | None = None,
    target: str = "",
    detail: str = "",
    ip: str = "",
) -> AuditEvent:
    """Add an event to the session; the caller's transaction commits it with the change it records."""
    event = AuditEvent(
        at=naive_utc(clock.now()),
        actor_id=actor.id if actor else None,
        actor_label=f"{actor.employee_no} {actor.name}" if actor else "",
        action=action,
        target=target[:300],
        detail=detail,
        ip=ip[:64],
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    zone: dt.tzinfo = dt.UTC
    """The days above are days in this zone (the portal's TIME_ZONE)."""


def _start_of(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The stored (naive UTC) moment at which ``day`` begins in ``zone``."""
    return naive_utc(dt.datetime.combine(day, dt.time(), tzinfo=zone))


def filtered_query(criteria: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.actor:
        query = query.where(AuditEvent.actor_label.contains(criteria.actor))
    if criteria.since:
        query = query.where(AuditEvent.at >= _start_of(criteria.since, criteria.zone))
    if criteria.until:
        query = query.where(AuditEvent.at < _start_of(criteria.until + dt.timedelta(days=1), criteria.zone))
    return query.order_by(AuditEvent.id.desc())


def page_of_events(
    session: Session, criteria: AuditFilter, page: int, page_size: int
) -> tuple[list[AuditEvent], int]:
    query = filtered_query(criteria)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    events = session.scalars(query.offset(max(page - 1, 0) * page_size).limit(page_size)).all()
    return list(events), total
