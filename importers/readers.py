"""Read any source file into blocks, choosing the reader by what the file *is*.

The extension is a hint; the first bytes decide: an OLE2 compound file is a
Word 97–2003 ``.doc`` (or an encrypted ``.docx``), a ZIP archive is a
``.docx``, RTF or HTML saved under a Word name (common in downloaded
regulations) goes to LibreOffice like a ``.doc``, anything else with a text
extension is text.  A batch converts
all its ``.doc`` files with one LibreOffice call (start-up dominates the
cost) and gives every file its own result or error, so that one bad file
never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path

from domain.errors import HandbookError, ImportFailed
from importers.blocks import Block
from importers.compound_file import OLE2_MAGIC
from importers.failures import FailureReason, import_failed
from importers.limits import DEFAULT_PACKAGE_LIMITS, MAX_SOURCE_BYTES
from importers.results import Result
from importers.text import read_text_bytes
from importers.wordbin import DocReaderOptions, markup_kind, read_doc_files
from importers.wordx import read_docx

_ZIP_MAGIC = b"PK\x03\x04"
_WORD_EXTENSIONS = frozenset({".doc", ".docx", ".dot", ".dotx", ".wps", ".docm"})
_TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ""})
_MARKUP_EXTENSIONS = frozenset({".rtf", ".htm", ".html"})
_HEAD_BYTES = 512

ReadOutcome = Result[list[Block]] | ImportFailed


class SourceKind(Enum):
    """The real format of a source file."""

    WORD_BINARY = "doc"  # converted by LibreOffice: Word 97-2003/6/95, or RTF/HTML with a .doc name
    WORD_XML = "docx"
    TEXT = "text"


def detect_kind(head: bytes, name: str) -> SourceKind:
    """Decide the format from the first bytes; raise :class:`ImportFailed` when no reader fits."""
    suffix = Path(name).suffix.lower()
    if head.startswith(OLE2_MAGIC):
        return SourceKind.WORD_BINARY
    if head.startswith(_ZIP_MAGIC):
        return SourceKind.WORD_XML
    if suffix in _WORD_EXTENSIONS | _MARKUP_EXTENSIONS and markup_kind(head) is not None:
        return SourceKind.WORD_BINARY  # RTF or HTML saved as .doc: LibreOffice reads it like a .doc
    if suffix in _WORD_EXTENSIONS:
        raise import_failed(name, FailureReason.NOT_WORD, f"first bytes {head[:8].hex()}")
    if suffix in _TEXT_EXTENSIONS:
        return SourceKind.TEXT
    raise import_failed(name, FailureReason.UNSUPPORTED, f"extension {suffix!r}")


def _checked_kind(path: Path) -> SourceKind:
    """Size limits and format detection, reading only the first bytes."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise import_failed(path.name, FailureReason.TOO_LARGE, f"{size} bytes > {MAX_SOURCE_BYTES}")
        if size == 0:
            raise import_failed(path.name, FailureReason.EMPTY)
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as error:
        raise import_failed(path.name, FailureReason.UNREADABLE, str(error)) from error
    return detect_kind(head, path.name)


def _read_single(path: Path, kind: SourceKind, doc_options: DocReaderOptions | None) -> Result[list[Block]]:
    if kind is SourceKind.WORD_XML:
        return read_docx(
            path, doc_options.package_limits if doc_options is not None else DEFAULT_PACKAGE_LIMITS
        )
    if kind is SourceKind.WORD_BINARY:
        outcome = read_doc_files([path], doc_options)[0]
        if isinstance(outcome, ImportFailed):
            raise outcome
        return outcome
    try:
        data = path.read_bytes()
    except OSError as error:
        raise import_failed(path.name, FailureReason.UNREADABLE, str(error)) from error
    return read_text_bytes(data, path.name)


def read_file(path: Path, doc_options: DocReaderOptions | None = None) -> Result[list[Block]]:
    """Read one source file; raise :class:`ImportFailed` (Chinese ``user_message``) when unusable."""
    return _read_single(path, _checked_kind(path), doc_options)


def read_files(
    paths: Sequence[Path],
    progress: Callable[[Path], None] | None = None,
    doc_options: DocReaderOptions | None = None,
) -> list[tuple[Path, ReadOutcome]]:
    """Read a batch: every path gets a result or its own error, in the order given.

    All ``.doc`` files go to LibreOffice in one call.  ``progress`` is called
    once per file when it is done.
    """
    outcomes: dict[int, ReadOutcome] = {}
    kinds: dict[int, SourceKind] = {}
    for index, path in enumerate(paths):
        try:
            kinds[index] = _checked_kind(path)
        except ImportFailed as error:
            outcomes[index] = error
    doc_indexes = [i for i, kind in kinds.items() if kind is SourceKind.WORD_BINARY]
    for index, outcome in zip(
        doc_indexes, read_doc_files([paths[i] for i in doc_indexes], doc_options), strict=True
    ):
        outcomes[index] = outcome
    for index, path in enumerate(paths):
        if index not in outcomes:
            outcomes[index] = _read_guarded(path, kinds[index], doc_options)
        if progress is not None:
            progress(path)
    return [(path, outcomes[index]) for index, path in enumerate(paths)]


def _read_guarded(path: Path, kind: SourceKind, doc_options: DocReaderOptions | None) -> ReadOutcome:
    """One file of a batch: its error is its own, whatever went wrong."""
    try:
        return _read_single(path, kind, doc_options)
    except ImportFailed as error:
        return error
    except HandbookError as error:
        return import_failed(path.name, FailureReason.UNREADABLE, str(error))
    except Exception as error:  # a reader bug must not sink the other files of the batch
        return import_failed(path.name, FailureReason.UNREADABLE, f"{type(error).__name__}: {error}")
