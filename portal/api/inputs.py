"""Web forms of the API token page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.api.tokens import SCOPE_LABELS, Scope
from portal.web import options


class NewTokenForm(FlaskForm):  # type: ignore[misc]
    name = StringField("用途", validators=[DataRequired("请填写令牌用途。"), Length(max=100)])
    scopes = SelectMultipleField("权限", choices=options([(s.value, label) for s, label in SCOPE_LABELS.items()]),
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    days = IntegerField("有效期（天）",
                        validators=[Optional(), NumberRange(1, 3650, "有效期应为 1 至 3650 天。")])

    def chosen_scopes(self) -> frozenset[Scope]:
        return frozenset(Scope(value) for value in (self.scopes.data or []) if value in set(Scope))


class RevokeTokenForm(FlaskForm):  # type: ignore[misc]
    token_id = HiddenField()

    def chosen(self) -> int | None:
        text = (self.token_id.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
