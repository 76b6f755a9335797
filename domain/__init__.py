"""The shared domain model: documents, sections, releases, job descriptions, forms.

Every stage (importers, publishing, search, portal, forms) imports this
package; it imports none of them.
"""

from domain.errors import HandbookError, ImportFailed, NotFound, PermissionDenied, ValidationFailed
from domain.model import (
    Changed,
    ClauseRef,
    Document,
    DocumentKind,
    Dropped,
    FieldSpec,
    FieldType,
    FormTemplate,
    Handbook,
    ImportReport,
    JobDescription,
    Release,
    Section,
    SectionKind,
    SourceRef,
    Table,
)

__all__ = [
    "Changed",
    "ClauseRef",
    "Document",
    "DocumentKind",
    "Dropped",
    "FieldSpec",
    "FieldType",
    "FormTemplate",
    "Handbook",
    "HandbookError",
    "ImportFailed",
    "ImportReport",
    "JobDescription",
    "NotFound",
    "PermissionDenied",
    "Release",
    "Section",
    "SectionKind",
    "SourceRef",
    "Table",
    "ValidationFailed",
]
