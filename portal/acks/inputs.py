"""The signing form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import Length

from portal.converters import RowId


class SignForm(FlaskForm):  # type: ignore[misc]
    version_id = HiddenField(validators=[RowId()])
    confirm = BooleanField()  # its label is the statement, built per version in the template
    full_name = StringField("请输入您的姓名以确认", validators=[Length(max=100)])
    password = PasswordField("请再次输入登录密码", validators=[Length(max=200)])


class VerifyForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token."""
