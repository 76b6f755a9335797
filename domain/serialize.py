"""JSON-ready dictionaries for the domain model, and back.

The shape is the one ``handbook import --json`` prints (sections flattened
in reading order, each with its level), plus extra keys (``kind``,
``anchor``, ``source``) so that a model can be stored and loaded without loss.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from domain.model import (
    Changed,
    Document,
    DocumentKind,
    Dropped,
    Handbook,
    ImportReport,
    JobDescription,
    Release,
    Section,
    SectionKind,
    SourceRef,
)

FORMAT_VERSION = 1


def section_rows(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "level": s.level,
            "number": s.number,
            "title": s.title,
            "text": s.text,
            "kind": s.kind.value,
            "anchor": s.anchor,
            **({"tables": [[list(row) for row in t] for t in s.tables]} if s.tables else {}),
        }
        for s in document.walk()
    ]


def sections_from_rows(rows: list[dict[str, Any]]) -> tuple[Section, ...]:
    """Rebuild the tree from a pre-order list: a row's children are the rows
    after it with a greater level, up to the next row at its level or above."""

    def build(start: int, end: int) -> tuple[Section, ...]:
        out: list[Section] = []
        i = start
        while i < end:
            row = rows[i]
            j = i + 1
            while j < end and rows[j]["level"] > row["level"]:
                j += 1
            out.append(
                Section(
                    level=row["level"],
                    number=row["number"],
                    title=row["title"],
                    text=row["text"],
                    kind=SectionKind(row.get("kind", "item")),
                    anchor=row.get("anchor", ""),
                    children=build(i + 1, j),
                    tables=tuple(tuple(tuple(r) for r in t) for t in row.get("tables", ())),
                )
            )
            i = j
        return tuple(out)

    return build(0, len(rows))


def job_to_dict(job: JobDescription) -> dict[str, Any]:
    return {
        "title": job.title,
        "slug": job.slug,
        "department": job.department,
        "reports_to": job.reports_to,
        "subordinates": list(job.subordinates),
        "summary": job.summary,
        "responsibilities": list(job.responsibilities),
        "authorities": list(job.authorities),
        "qualifications": list(job.qualifications),
        "document_slug": job.document_slug,
        **({"inferred": list(job.inferred)} if job.inferred else {}),
    }


def job_from_dict(data: dict[str, Any]) -> JobDescription:
    return JobDescription(
        title=data["title"],
        slug=data.get("slug", ""),
        department=data.get("department"),
        reports_to=data.get("reports_to"),
        subordinates=tuple(data.get("subordinates", ())),
        summary=data.get("summary"),
        responsibilities=tuple(data.get("responsibilities", ())),
        authorities=tuple(data.get("authorities", ())),
        qualifications=tuple(data.get("qualifications", ())),
        document_slug=data.get("document_slug", ""),
        inferred=tuple(data.get("inferred", ())),
    )


def document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "title": document.title,
        "slug": document.slug,
        "kind": document.kind,
        "preamble": document.preamble,
        "sections": section_rows(document),
        "job_descriptions": [job_to_dict(j) for j in document.job_descriptions],
        "warnings": list(document.warnings),
        "source": {
            "file_name": document.source.file_name,
            "sha256": document.source.sha256,
            "tool_version": document.source.tool_version,
        },
    }


def document_from_dict(data: dict[str, Any]) -> Document:
    source = data.get("source") or {}
    return Document(
        slug=data["slug"],
        title=data["title"],
        kind=cast(DocumentKind, data["kind"]),
        preamble=data.get("preamble", ""),
        sections=sections_from_rows(data.get("sections", [])),
        source=SourceRef(
            file_name=source.get("file_name", ""),
            sha256=source.get("sha256", ""),
            tool_version=source.get("tool_version", ""),
        ),
        job_descriptions=tuple(job_from_dict(j) for j in data.get("job_descriptions", [])),
        warnings=tuple(data.get("warnings", ())),
    )


def report_to_dict(report: ImportReport) -> dict[str, Any]:
    return {
        "dropped": [{"text": d.text, "reason": d.reason, "source": d.source} for d in report.dropped],
        "changed": [
            {"before": c.before, "after": c.after, "reason": c.reason, "source": c.source}
            for c in report.changed
        ],
        "warnings": list(report.warnings),
        "errors": list(report.errors),
    }


def report_from_dict(data: dict[str, Any]) -> ImportReport:
    return ImportReport(
        dropped=tuple(Dropped(**d) for d in data.get("dropped", [])),
        changed=tuple(Changed(**c) for c in data.get("changed", [])),
        warnings=tuple(data.get("warnings", ())),
        errors=tuple(data.get("errors", ())),
    )


def handbook_to_dict(handbook: Handbook) -> dict[str, Any]:
    """The ``handbook import --json`` shape: documents, dropped, plus the rest of the report."""
    report = report_to_dict(handbook.report)
    return {
        "format": FORMAT_VERSION,
        "documents": [document_to_dict(d) for d in handbook.documents],
        "dropped": report.pop("dropped"),
        **report,
    }


def handbook_from_dict(data: dict[str, Any]) -> Handbook:
    return Handbook(
        documents=tuple(document_from_dict(d) for d in data.get("documents", [])),
        report=report_from_dict(data),
    )


def release_to_dict(release: Release) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "version": release.version,
        "title": release.title,
        "effective": release.effective.isoformat(),
        "notes": release.notes,
        "documents": [document_to_dict(d) for d in release.documents],
    }


def release_from_dict(data: dict[str, Any]) -> Release:
    return Release(
        version=data["version"],
        title=data["title"],
        effective=dt.date.fromisoformat(data["effective"]),
        notes=data.get("notes", ""),
        documents=tuple(document_from_dict(d) for d in data.get("documents", [])),
    )


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON: same model, same bytes (re-import must reproduce files)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
