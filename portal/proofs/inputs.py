"""The bulk export form; the service checks every value (no WTForms English reaches a page)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from portal.assignments.inputs import ChoiceField
from portal.converters import LARGEST_ID
from portal.proofs.exports import ExportRequest


class ExportForm(FlaskForm):  # type: ignore[misc]
    """Choices (regulations, departments with records) are set per request."""

    scope = StringField("导出范围", default="regulation")  # "regulation" | "department", radio buttons
    regulation_id = ChoiceField("制度", coerce=int, validate_choice=False)
    department = SelectField("部门", validate_choice=False)
    fmt = StringField("格式", default="zip")  # "zip" | "pdf", radio buttons

    def request(self) -> ExportRequest:
        regulation_id = self.regulation_id.data if isinstance(self.regulation_id.data, int) else 0
        return ExportRequest(
            scope=str(self.scope.data or ""),
            regulation_id=regulation_id if 0 < regulation_id <= LARGEST_ID else None,
            department=str(self.department.data) if self.department.data is not None else None,
            fmt=str(self.fmt.data or ""),
        )
