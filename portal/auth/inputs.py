"""Web forms of the accounts feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.access import ROLE_LABELS
from portal.web import options


class LoginForm(FlaskForm):  # type: ignore[misc]
    employee_no = StringField("工号", validators=[DataRequired("请输入工号。"), Length(max=32)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


class ChangePasswordForm(FlaskForm):  # type: ignore[misc]
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=200)])
    confirm = PasswordField(
        "再次输入新密码", validators=[DataRequired("请再次输入新密码。"), EqualTo("new_password", "两次输入的新密码不一致。")]
    )


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):  # type: ignore[misc]
    employee_no = StringField("工号", validators=[DataRequired("请输入工号。"), Length(max=32)])
    name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=100)])
    department = StringField("部门", validators=[Length(max=100)])
    position = StringField("岗位", validators=[Length(max=100)])
    hire_date = DateField("入职日期", validators=[Optional()])
    email = EmailField("邮箱", validators=[Optional(), Length(max=254)])
    password = PasswordField("初始密码（首次登录须修改）", validators=[DataRequired("请设置初始密码。")])
    roles = MultiCheckboxField("角色", choices=options((r.value, label) for r, label in ROLE_LABELS.items()))


class RolesForm(FlaskForm):  # type: ignore[misc]
    roles = MultiCheckboxField("角色", choices=options((r.value, label) for r, label in ROLE_LABELS.items()))
    active = BooleanField("账号启用")


class EndSessionForm(FlaskForm):  # type: ignore[misc]
    """Ending one of one's sessions on another device; the id is checked against the user's own sessions."""

    session_id = HiddenField()

    def chosen(self) -> int | None:
        """The session's id, or None for anything that is not a plausible id (never an error page)."""
        text = (self.session_id.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class EndOthersForm(FlaskForm):  # type: ignore[misc]
    """Ending every other session: nothing but the CSRF token."""
