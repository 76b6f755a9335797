"""Filling a form's .docx template: the filled document and the blank one.

``render_form`` validates first, so a document is generated only from clean
values; docxtpl renders with ``autoescape=True`` so that text such as
``<script>`` or ``&`` is printed as typed and cannot break the XML.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from domain.model import FormTemplate
from forms.display import blank_context, document_context
from forms.validation import Directory, FilledForm, validate, with_system_values

TEMPLATES_DIR = Path(__file__).parent / "templates"


def template_path(template: FormTemplate) -> Path:
    return TEMPLATES_DIR / template.template_file


def render_form(
    template: FormTemplate,
    values: Mapping[str, Any],
    *,
    directory: Directory | None = None,
    system: Mapping[str, Any] | None = None,
) -> bytes:
    """The filled .docx for raw ``values``; raises ``ValidationFailed`` on bad input."""
    filled = validate(template, values, directory)
    if system:
        filled = with_system_values(filled, system)
    return render_filled(filled)


def render_filled(filled: FilledForm) -> bytes:
    """The .docx of an already validated form."""
    return _render(template_path(filled.template), document_context(filled.template, filled.values))


def render_blank(template: FormTemplate) -> bytes:
    """The form with every field empty, for managers who fill it in by hand."""
    return _render(template_path(template), blank_context(template))


def _render(path: Path, context: dict[str, Any]) -> bytes:
    document = DocxTemplate(str(path))
    # StrictUndefined: a placeholder the context lacks fails loudly instead of printing nothing.
    environment = Environment(autoescape=True, undefined=StrictUndefined)
    document.render(context, jinja_env=environment, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
