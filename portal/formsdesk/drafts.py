"""Drafts: saving (with size limits), one's own drafts, their values, discarding.

Services take their dependencies as arguments and raise the project's errors; the request commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import NotFound, ValidationFailed
from domain.model import FormTemplate
from forms.validation import compact
from forms.values import DEFAULT_MAX_LENGTH
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.formsdesk.models import FormDraft
from portal.formsdesk.terms import MAX_DRAFTS_PER_USER


def oversize_errors(template: FormTemplate, raw: Mapping[str, Any]) -> dict[str, str]:
    """Drafts may be incomplete, but never larger than the form allows (nothing absurd is stored)."""
    errors: dict[str, str] = {}

    def check(key: str, spec_max: int | None, kind: str, value: Any) -> None:
        limit = spec_max or DEFAULT_MAX_LENGTH.get(kind, 200)
        if isinstance(value, str) and len(value) > limit:
            errors[key] = f"最多{limit}个字，现为{len(value)}个字。"

    for spec in template.fields:
        if spec.type == "table":
            rows = raw.get(spec.name) or []
            if spec.max_rows is not None and len(rows) > spec.max_rows:
                errors[spec.name] = f"{spec.label}最多{spec.max_rows}行，现为{len(rows)}行。"
            for i, row in enumerate(rows):
                for column in spec.columns:
                    check(f"{spec.name}-{i}-{column.name}", column.max_length, column.type, row.get(column.name))
        else:
            check(spec.name, spec.max_length, spec.type, raw.get(spec.name))
    return errors


def save_draft(
    session: Session, clock: Clock, user: User, template: FormTemplate, raw: Mapping[str, Any], draft_id: int | None = None
) -> FormDraft:
    """Create or update the user's draft of ``template``."""
    values = compact(template, raw)
    if errors := oversize_errors(template, values):
        raise ValidationFailed(f"draft too large: {sorted(errors)}", "内容超出长度限制，草稿未保存。", field_errors=errors)
    now = naive_utc(clock.now())
    if draft_id is not None:
        draft = own_draft(session, user, draft_id)
        if draft.form_slug != template.slug:
            raise NotFound(f"draft {draft_id} is not a {template.slug}", "找不到该草稿。")
    else:
        count = session.scalar(select(func.count()).select_from(FormDraft).where(FormDraft.user_id == user.id)) or 0
        if count >= MAX_DRAFTS_PER_USER:
            raise ValidationFailed("too many drafts", f"草稿已达{MAX_DRAFTS_PER_USER}份上限，请先提交或删除旧草稿。")
        draft = FormDraft(user_id=user.id, form_slug=template.slug, created_at=now)
        session.add(draft)
    draft.values_json = json.dumps(values, ensure_ascii=False)
    draft.updated_at = now
    session.flush()
    return draft


def own_draft(session: Session, user: User, draft_id: int) -> FormDraft:
    draft = session.get(FormDraft, draft_id)
    if draft is None or draft.user_id != user.id:
        raise NotFound(f"no draft {draft_id} of user {user.id}", "找不到该草稿。")
    return draft


def draft_values(draft: FormDraft) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(draft.values_json)
    return values


def drafts_of(session: Session, user: User) -> list[FormDraft]:
    return list(session.scalars(select(FormDraft).where(FormDraft.user_id == user.id).order_by(FormDraft.updated_at.desc())))


def discard_draft(session: Session, user: User, draft_id: int) -> None:
    session.delete(own_draft(session, user, draft_id))
