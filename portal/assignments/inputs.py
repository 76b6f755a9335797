"""Web forms of the assignments feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional


class ChoiceField(SelectField):  # type: ignore[misc]
    """A select whose unreadable value is refused in Chinese (WTForms' own message is English)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("请从列表中选择。") from error


class RuleForm(FlaskForm):  # type: ignore[misc]
    """A rule; ``target`` choices (departments and roles that exist, with head counts) are set per request."""

    # The services check both (an unknown target gets a Chinese message, never WTForms' English one).
    regulation_id = ChoiceField("制度", coerce=int, validate_choice=False)  # 0 = every regulation
    target = SelectField("适用对象", validate_choice=False)  # "all:", "department:<name>", "role:<code>", "user:"
    employee_no = StringField("工号（适用对象为“个人”时填写）", validators=[Length(max=32)])
    due_days = IntegerField(
        "签署期限（天）", validators=[Optional(), NumberRange(1, 365, "期限应为 1 到 365 天。")],
        render_kw={"inputmode": "numeric", "placeholder": "例如 30"},
    )
    due_on = DateField("或：截止日期", validators=[Optional()])
    read_order = IntegerField(
        "新员工阅读顺序（可选，1 最先）", validators=[Optional(), NumberRange(1, 99, "阅读顺序应为 1 到 99。")],
        render_kw={"inputmode": "numeric"},
    )
    action = StringField()  # which button: "preview" or "save"


class DeleteForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: a POST button."""
