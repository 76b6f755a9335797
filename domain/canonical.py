"""The canonical text of a regulation version, and its hash.

An acknowledgement is bound to the SHA-256 of this text, so it must depend
only on what a reader sees (titles, numbers, clause text, tables), never on
file names, import dates or tool versions.  A table is part of the text a
person signs: a changed cell must change the hash.
"""

from __future__ import annotations

import hashlib

from domain.model import Document


def table_row_text(row: tuple[str, ...]) -> str:
    """One table row as a line of text: ``| a | b |``."""
    return "| " + " | ".join(cell.strip() for cell in row) + " |"


def canonical_text(document: Document) -> str:
    """One line per outline node, indented by level, after the title and preamble."""
    lines = [document.title, ""]
    if document.preamble:
        lines += [document.preamble, ""]
    for section in document.walk():
        heading = f"{section.number} {section.title}".strip()
        body = section.text.strip()
        indent = "  " * (section.level - 1)
        lines.append(indent + " ".join(p for p in (heading, body) if p))
        lines += [indent + "  " + table_row_text(row) for table in section.tables for row in table]
    for job in document.job_descriptions:
        lines.append(f"[岗位] {job.title}")
        lines += [f"  职责 {r}" for r in job.responsibilities]
        lines += [f"  权限 {a}" for a in job.authorities]
        lines += [f"  任职资格 {q}" for q in job.qualifications]
    return "\n".join(lines).rstrip() + "\n"


def content_hash(document: Document) -> str:
    """SHA-256 (hex) of the canonical text: the identity of a regulation version."""
    return hashlib.sha256(canonical_text(document).encode("utf-8")).hexdigest()
