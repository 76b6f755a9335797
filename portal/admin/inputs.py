"""Web forms of the administration feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.auth.inputs import MultiCheckboxField


class PasswordResetForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField("临时密码（用户下次登录须修改）", validators=[DataRequired("请输入临时密码。")])


class PersonForm(FlaskForm):  # type: ignore[misc]
    """Every field of a person; the role choices are set per request (what the editor may grant)."""

    name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=100)])
    email = EmailField("邮箱", validators=[Optional(), Length(max=254, message="邮箱过长。")])
    department = StringField("部门", validators=[Length(max=100, message="部门名称过长。")])
    position = StringField("岗位", validators=[Length(max=100, message="岗位名称过长。")])
    hire_date = DateField("入职日期", validators=[Optional()], render_kw={"placeholder": "例如 2026-03-01"})
    roles = MultiCheckboxField("角色")
    active = BooleanField("账号启用（离职时取消勾选：该员工的所有登录立即失效）")


class RosterUploadForm(FlaskForm):  # type: ignore[misc]
    roster = FileField("花名册文件（.csv 或 .xlsx）", validators=[
        FileRequired("请选择花名册文件。"), FileAllowed(["csv", "xlsx"], "花名册只支持 .csv 或 .xlsx 文件。"),
    ])


class RosterApplyForm(FlaskForm):  # type: ignore[misc]
    token = HiddenField()
    filename = HiddenField()
