"""Helpers for the proof tests: the text of a PDF as poppler's pdftotext reads it."""

from __future__ import annotations

import subprocess


def pdf_text(data: bytes) -> str:
    """The PDF's text (pdftotext, poppler-utils), as a reader or an auditor's tool extracts it."""
    assert data.startswith(b"%PDF-"), data[:40]
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def squeezed(text: str) -> str:
    """Without whitespace: a 64-digit hash may wrap inside its table cell."""
    return "".join(text.split())
