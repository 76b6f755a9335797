"""Web forms of the accounts feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectMultipleField, StringField
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
