"""Builds the .docx templates in ``forms/templates/`` with python-docx.

The templates are generated, not drawn by hand, so that they are
reproducible and reviewable: ``python -m forms.templates_build`` rewrites
them, and a test checks that the committed files carry exactly the
placeholders the layouts write.  Each form's page is laid out beside its
declaration, in :mod:`forms.layouts` (the house style's blocks are in
:mod:`forms.layout`); this module turns the layouts into files with
stable bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from forms.layout import ISSUER, LATIN_FONT
from forms.layouts import LAYOUTS

TEMPLATES_DIR = Path(__file__).parent / "templates"

BUILDERS = LAYOUTS  # template file name → layout; the name the template test and older callers use


def build_bytes(file_name: str) -> bytes:
    """The template ``file_name`` as this builder makes it, with fixed zip timestamps."""
    buffer = io.BytesIO()
    BUILDERS[file_name]().save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Same content, same bytes: fixed member dates and a stable order (reviewable diffs)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if name == "docProps/core.xml":
                content = _fixed_core_properties()
            elif name == "word/fontTable.xml":
                content = _font_table()
            target.writestr(info, content)
    return out.getvalue()


# The fonts the forms use: name, Chinese (alternative) name, family (roman = serif, swiss = sans), Word's charset for GB2312 (86).
FONTS = (
    ("SimSun", "宋体", "roman", "86"),
    ("SimHei", "黑体", "swiss", "86"),
    (LATIN_FONT, "Times", "roman", "00"),
)


def _font_table() -> bytes:
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alternative}"/><w:charset w:val="{charset}"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, alternative, family, charset in FONTS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{entries}</w:fonts>"
    ).encode()


def _fixed_core_properties() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{ISSUER}标准表单</dc:title><dc:creator>{ISSUER}</dc:creator>"
        "</cp:coreProperties>"
    ).encode()


def build_all(directory: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every template into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name in BUILDERS:
        path = directory / file_name
        path.write_bytes(build_bytes(file_name))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all():
        print(written_path)
