"""The forms desk's terms: document-number prefixes, status and event labels, limits, and its refusal error."""

from __future__ import annotations

from domain.errors import HandbookError

# Document numbers: prefix per form, then year and a sequence (HY-2026-0003).
NUMBER_PREFIX = {
    "annual-marketing-plan": "JH",
    "monthly-goal-plan": "MB",
    "goal-card": "MK",
    "sales-contract": "HT",
    "meeting-minutes": "HY",
}
STATUS_LABELS = {
    "submitted": "已提交",
    "returned": "已退回修改",
    "signed": "主持人已签署",
    "distributed": "已分发",
}
MINUTES_STATUS_LABELS = {**STATUS_LABELS, "submitted": "待主持人审核"}
EVENT_LABELS = {
    "submitted": "提交",
    "resubmitted": "修改后重新提交",
    "returned": "主持人退回",
    "signed": "主持人审核签署",
    "distributed": "分发给参会人员",
    "confirmed": "确认收到",
}
MAX_COMMENT = 1000
MAX_DRAFTS_PER_USER = 50


class WorkflowRefused(HandbookError):
    """A step that the document's current state does not allow."""

    user_message = "当前状态下不能进行此操作。"
