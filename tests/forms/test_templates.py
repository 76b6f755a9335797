"""The committed .docx templates are what the builder makes, and match their declarations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from domain.model import FormTemplate
from forms.declarations import ALL_FORMS, MINUTES
from forms.placeholders import mismatches, read_placeholders
from forms.render import template_path
from forms.templates_build import BUILDERS, build_bytes


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_the_committed_template_is_what_the_builder_makes(form: FormTemplate) -> None:
    assert template_path(form).read_bytes() == build_bytes(form.template_file), (
        "run: python -m forms.templates_build"
    )


def test_every_builder_has_a_declared_form() -> None:
    assert set(BUILDERS) == {form.template_file for form in ALL_FORMS}


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_template_placeholders_match_the_declaration(form: FormTemplate) -> None:
    assert mismatches(form, template_path(form)) == []


def test_the_minutes_template_prints_decisions_in_a_row_loop() -> None:
    found = read_placeholders(template_path(MINUTES))
    assert found.columns["decisions"] == {"item", "owner", "deadline"}
    assert {"meeting_name", "attendee_names", "approved_by"} <= found.names


def _template_with(tmp_path: Path, *paragraphs: str) -> Path:
    """The minutes template with extra paragraphs: a template someone edited by hand."""
    document = Document(str(template_path(MINUTES)))
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "edited.docx"
    path.write_bytes(buffer.getvalue())
    return path


def test_an_unknown_placeholder_fails_the_check(tmp_path: Path) -> None:
    problems = mismatches(MINUTES, _template_with(tmp_path, "会议费用：{{ meeting_cost }}"))
    assert problems == ["edited.docx: unknown placeholder {{ meeting_cost }}"]


def test_an_unknown_column_fails_the_check(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "{% for row in decisions %}{{ row.budget }}{% endfor %}")
    assert mismatches(MINUTES, path) == ["edited.docx: unknown column decisions.budget"]


def test_a_jinja_syntax_error_fails_the_check(tmp_path: Path) -> None:
    problems = mismatches(MINUTES, _template_with(tmp_path, "{{ meeting_name }"))
    assert len(problems) == 1 and "Jinja syntax error" in problems[0]


def test_a_declared_field_missing_from_the_template_fails_the_check(tmp_path: Path) -> None:
    document = Document(str(template_path(MINUTES)))
    for paragraph in document.paragraphs:
        if "保密等级" in paragraph.text:
            for run in paragraph.runs:
                run.text = ""
    path = tmp_path / "no-confidentiality.docx"
    document.save(str(path))
    assert mismatches(MINUTES, path) == ["no-confidentiality.docx: field 'confidentiality' is never printed"]


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_templates_are_a4_with_a_page_number_footer(form: FormTemplate) -> None:
    document = Document(str(template_path(form)))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer_xml = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii") == "Times New Roman"


def test_each_layout_lives_beside_its_declaration() -> None:
    import importlib
    import pkgutil

    import forms.declarations
    import forms.layouts

    layouts = {info.name for info in pkgutil.iter_modules(forms.layouts.__path__)}
    declarations = {info.name for info in pkgutil.iter_modules(forms.declarations.__path__)} - {"common"}
    assert layouts == declarations
    for name in layouts:
        layout = importlib.import_module(f"forms.layouts.{name}")
        declaration = importlib.import_module(f"forms.declarations.{name}")
        assert layout.FORM in vars(declaration).values()
