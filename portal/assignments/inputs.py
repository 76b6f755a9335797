"""Web forms of the assignments feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from portal.assignments.models import SCOPE_LABELS
from portal.web import options


class RuleForm(FlaskForm):  # type: ignore[misc]
    regulation_id = SelectField("制度", coerce=int)  # choices set per request; 0 = every regulation
    scope = SelectField("适用范围", choices=options(SCOPE_LABELS.items()))
    scope_value = StringField("部门 / 角色 / 工号", validators=[Length(max=100)])
    due_days = IntegerField(
        "签署期限（天）", default=30, validators=[DataRequired("请填写期限。"), NumberRange(1, 365, "期限应为 1 到 365 天。")]
    )


class DeleteForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: a POST button."""
