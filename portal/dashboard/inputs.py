"""The dashboard's filter form (GET, no CSRF: it changes nothing) and the reminder button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from portal.converters import LARGEST_ID
from portal.signing_status.queries import DashboardFilter


class FilterForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    department = SelectField("部门", validate_choice=False)
    regulation_id = SelectField("制度", coerce=int, validate_choice=False,
                                validators=[Optional(), NumberRange(1, LARGEST_ID)])
    release = SelectField("版本", validate_choice=False)
    hired_from = DateField("入职日期起", validators=[Optional()])
    hired_to = DateField("入职日期止", validators=[Optional()])
    page = IntegerField(validators=[Optional()])

    def criteria(self, forced_department: str | None = None) -> DashboardFilter:
        self.validate()
        return DashboardFilter(
            department=forced_department if forced_department is not None else (self.department.data or ""),
            regulation_id=(self.regulation_id.data or None) if not self.regulation_id.errors else None,
            release=self.release.data or "",
            hired_from=self.hired_from.data if not self.hired_from.errors else None,
            hired_to=self.hired_to.data if not self.hired_to.errors else None,
            scope=forced_department,
        )


class RemindForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token; the filters travel in the query string."""
