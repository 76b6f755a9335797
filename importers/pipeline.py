"""The import pipeline: files → blocks → documents → one :class:`Handbook`, and its output.

Readers (:mod:`importers.readers`) turn each file into blocks; structure
recovery (:mod:`importers.structure`) turns blocks into documents.  A file
that cannot be read becomes an error in the report and the others go on.
Nothing here writes a file: the pipeline returns values (a :class:`HandbookImport`),
and :func:`importers.cli.write_output`, at the CLI edge, writes the Markdown
pages (:func:`publishing.markdown.files.write_handbook`), ``model.json`` and
``import-report.md``.  Output is deterministic (no dates, fixed order), so
importing the same sources again reproduces ``handbook/`` byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from domain.errors import ImportFailed
from domain.model import Handbook, ImportReport, SourceRef
from importers import jobs_org, readers
from importers.anchors import slugify
from importers.report import ReportSection
from importers.results import Message, Result, combine
from importers.structure import RecoveredDocument, recover_documents
from importers.wordbin import default_options

MODEL_FILE = "model.json"
REPORT_FILE = "import-report.md"
SOURCE_SUFFIXES = frozenset({".txt", ".doc", ".docx", ".wps"})

Progress = Callable[[Path], None]


@dataclass(frozen=True)
class HandbookImport:
    """One import of several sources: the handbook, its report sections per document, the failed files.

    ``handbook.report`` holds the totals (kept in ``model.json``); ``sections``
    group the same messages per document for ``import-report.md``, the first
    one (slug ``""``) being the text outside every document.
    """

    handbook: Handbook
    sections: tuple[ReportSection, ...] = ()
    failures: tuple[tuple[str, str], ...] = field(default=())  # (file name, Chinese reason)

    @property
    def failed(self) -> bool:
        return bool(self.failures)


def tool_version() -> str:
    from importlib import metadata  # costs ~0.1 s at start-up; only an import needs it

    try:
        return f"policy-handbook {metadata.version('policy-handbook')}"
    except metadata.PackageNotFoundError:
        return "policy-handbook"


def expand_sources(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a directory stands for its source files, sorted by name."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
            )
        else:
            out.append(path)
    return out


def import_files(paths: Sequence[Path], *, progress: Progress | None = None) -> Handbook:
    """Import ``paths`` into one handbook; unreadable files are listed in ``report.errors``."""
    return run_import(paths, progress=progress).handbook


def run_import(
    paths: Sequence[Path], *, progress: Progress | None = None, use_libreoffice: bool = True
) -> HandbookImport:
    """Import ``paths`` and keep the per-document detail of the report.

    ``use_libreoffice=False`` reads .doc files with antiword alone (text only,
    with a warning), for machines without LibreOffice or to compare the two.
    """
    files = expand_sources(paths)
    recovered: list[RecoveredDocument] = []
    loose: list[Message] = []  # the readers' messages and text outside every document
    failures: list[tuple[str, str]] = []
    version = tool_version()
    doc_options = None if use_libreoffice else default_options(use_libreoffice=False)
    for path, outcome in readers.read_files(files, progress=progress, doc_options=doc_options):
        if isinstance(outcome, ImportFailed):
            failures.append((path.name, outcome.user_message))
            continue
        source = _source_ref(path, version)
        recovery = recover_documents(outcome.value, source)
        loose.extend((*outcome.messages, *recovery.loose))
        recovered.extend(recovery.documents)
    unique = _unique_across_files(recovered)
    filled = jobs_org.fill_superiors_across([result.value for result in unique])
    unique = [Result(document, result.messages) for document, result in zip(filled, unique, strict=True)]
    everything = Result(None, tuple(loose)).then(lambda _: combine(unique))
    documents = everything.value
    report = ImportReport(
        dropped=everything.dropped,
        changed=everything.changed,
        warnings=(*everything.warnings, *(f"{d.title}：{w}" for d in documents for w in d.warnings)),
        errors=tuple(message for _, message in failures),
    )
    sections = (
        ReportSection("", tuple(loose)),
        *(ReportSection(r.value.slug, r.messages) for r in unique),
    )
    return HandbookImport(Handbook(tuple(documents), report), sections, tuple(failures))


def _source_ref(path: Path, version: str) -> SourceRef:
    return SourceRef(
        file_name=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), tool_version=version
    )


def _unique_across_files(recovered: list[RecoveredDocument]) -> list[RecoveredDocument]:
    """Slugs are unique per file already; a later file's repeat gets ``-2``, ``-3``."""
    used: set[str] = set()
    out: list[RecoveredDocument] = []
    for result in recovered:
        document = result.value
        slug, n = document.slug, 1
        while slug in used:
            n += 1
            slug = f"{document.slug}-{n}"
        used.add(slug)
        if slug != document.slug:
            jobs = tuple(
                replace(j, slug=f"{slug}-{slugify(j.title)}", document_slug=slug)
                for j in document.job_descriptions
            )
            result = Result(replace(document, slug=slug, job_descriptions=jobs), result.messages)
        out.append(result)
    return out
