"""Web forms of the administration feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired


class PasswordResetForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField("临时密码（用户下次登录须修改）", validators=[DataRequired("请输入临时密码。")])
