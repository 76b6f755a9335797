"""Read Word 97–2003 (and Word 6/95, WPS) ``.doc`` files, and RTF/HTML saved as ``.doc``.

The faithful path converts ``.doc`` → ``.docx`` with LibreOffice headless and
reads the result with :mod:`importers.wordx`, so styles, automatic numbering
and tables survive.  LibreOffice start-up costs about a second, so a whole
batch is converted in **one** ``soffice`` call (HTML needs a second one with
its import filter), with a private profile directory (two soffice processes
must never share one), a timeout, and a check that each output exists:
soffice exits 0 when a file fails.  Each output is read while soffice
converts the next file.

Without LibreOffice (or when asked not to use it), antiword extracts the
text, which goes through the text reader with a warning that styles, numbers
and tables are lost.  antiword refuses files whose size is not a multiple of
512 (WPS writes such files): a zero-padded temporary copy fixes that.

Encrypted, corrupt, empty and non-Word files raise (or, in a batch, return)
:class:`~domain.errors.ImportFailed` naming the file and the reason; nothing
is written anywhere but in temporary directories that are removed.

Why one module of ~460 lines: it has one job, turning a ``.doc`` into
blocks, and its two paths (LibreOffice, antiword) share the pre-checks, the
options and the fall-back from one to the other; split apart, each half
would import the other's private pieces.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Generic, Literal, TypeVar

from domain.errors import ImportFailed
from importers.blocks import Block
from importers.compound_file import CompoundFileError, is_compound_file, is_encrypted_ooxml, word_binary_info
from importers.failures import FailureReason, SourceUnusable, import_failed
from importers.limits import (
    DEFAULT_PACKAGE_LIMITS,
    MAX_SOURCE_BYTES,
    SOFFICE_MEMORY_LIMIT_BYTES,
    PackageLimits,
)
from importers.results import Result, Warned
from importers.wordx import read_docx_bytes

_SECTOR = 512
_ANTIWORD_ENCRYPTED = "Encrypted documents are not supported"
_ANTIWORD_TOO_SMALL = "too small"
_ANTIWORD_NOT_WORD = "is not a Word Document"
# An explicit profile directory is used by one soffice call at a time.
_PROFILE_LOCK = threading.Lock()
_PROFILE_SLOTS = 4
_POLL_SECONDS = 0.02
# HTML opens in Writer/Web by default, which has no .docx export: import it into Writer.
_HTML_IMPORT_FILTER = "HTML (StarWriter)"
T = TypeVar("T")

DocResult = Result[list[Block]] | ImportFailed
SofficeStatus = Literal["ok", "crashed", "timeout"]


@dataclass(frozen=True)
class DocReaderOptions:
    """How to read .doc files; :func:`default_options` finds the tools on PATH.

    ``soffice``/``antiword`` are executables (``None`` = not available or not
    wanted).  The LibreOffice timeout of a batch is ``timeout_base +
    timeout_per_file × files``.  ``profile_dir`` is LibreOffice's private
    user installation; by default a locked slot (see :func:`profile_slot`).
    ``scratch_dir`` holds the temporary files of a call (removed at its end);
    by default the system's temporary directory.  ``package_limits`` are the
    .docx limits (unpacked size, compression ratio, entries) of every .docx read.
    ``memory_limit_bytes`` caps the address space of each soffice process
    (``RLIMIT_AS``, ``None`` = no cap): a file that needs more fails, at once,
    instead of taking the machine's memory.
    """

    soffice: str | None
    antiword: str | None
    timeout_base: float = 60.0
    timeout_per_file: float = 10.0
    antiword_timeout: float = 30.0
    profile_dir: Path | None = None
    scratch_dir: Path | None = None
    package_limits: PackageLimits = DEFAULT_PACKAGE_LIMITS
    memory_limit_bytes: int | None = SOFFICE_MEMORY_LIMIT_BYTES


def default_options(*, use_libreoffice: bool = True) -> DocReaderOptions:
    """Options with the tools found on ``PATH``; ``use_libreoffice=False`` forces antiword."""
    soffice = (shutil.which("soffice") or shutil.which("libreoffice")) if use_libreoffice else None
    return DocReaderOptions(soffice=soffice, antiword=shutil.which("antiword"))


def read_doc(path: Path, options: DocReaderOptions | None = None) -> Result[list[Block]]:
    """Read one .doc file; raise :class:`ImportFailed` when it cannot be read."""
    outcome = read_doc_files([path], options)[0]
    if isinstance(outcome, ImportFailed):
        raise outcome
    return outcome


def read_doc_files(paths: Sequence[Path], options: DocReaderOptions | None = None) -> list[DocResult]:
    """Read many .doc files with one LibreOffice call; one result or error per path, in order."""
    options = options or default_options()
    outcomes: list[DocResult | None] = [None] * len(paths)
    diagnoses: dict[int, FailureReason] = {}
    pending: list[int] = []
    for index, path in enumerate(paths):
        refused, doubt = _precheck(path)
        if refused is not None:
            outcomes[index] = refused
            continue
        pending.append(index)
        if doubt is not None:
            diagnoses[index] = doubt
    if options.soffice:
        html = [i for i in pending if _is_html(paths[i])]
        for group, infilter in (([i for i in pending if i not in html], None), (html, _HTML_IMPORT_FILTER)):
            sources = [paths[i] for i in group]
            converted = convert_to_docx(sources, options, _output_reader(sources), infilter)
            for index, item in zip(group, converted, strict=True):
                outcomes[index] = (
                    _fall_back(paths[index], item, options, diagnoses.get(index))
                    if isinstance(item, FailureReason)
                    else item
                )
    else:
        for index in pending:
            if diagnoses.get(index) is FailureReason.CONVERSION_FAILED:  # RTF/HTML: only LibreOffice reads it
                outcomes[index] = import_failed(paths[index].name, FailureReason.NEEDS_LIBREOFFICE)
            else:
                outcomes[index] = _read_with_antiword_or_error(paths[index], options, diagnoses.get(index))
    return [
        outcome if outcome is not None else import_failed(p.name, FailureReason.UNREADABLE)
        for outcome, p in zip(outcomes, paths, strict=True)
    ]


class Markup(Enum):
    """Text formats that people save with a .doc name and LibreOffice converts like a .doc."""

    RTF = "rtf"
    HTML = "html"


_HTML_STARTS = (b"<!doctype html", b"<html", b"<meta", b"<head", b"<body")


def markup_kind(head: bytes) -> Markup | None:
    """RTF or HTML (what "save as Word" on many web sites really produces), from the first bytes."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:64].lower()
    if start.startswith(b"{\\rtf"):
        return Markup.RTF
    if start.startswith(_HTML_STARTS):
        return Markup.HTML
    return None


def _precheck(path: Path) -> tuple[ImportFailed | None, FailureReason | None]:
    """Refuse what no converter can read, before starting one; or name a doubt for later.

    The doubt (a damaged OLE2 structure) does not refuse the file: LibreOffice
    is more forgiving than our check, and if it fails too, this is why.
    """
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            return import_failed(path.name, FailureReason.TOO_LARGE, f"{size} bytes"), None
        data = path.read_bytes()
    except OSError as error:
        return import_failed(path.name, FailureReason.UNREADABLE, str(error)), None
    if not data:
        return import_failed(path.name, FailureReason.EMPTY), None
    if not is_compound_file(data):
        if markup_kind(data[:512]) is not None:
            # Only LibreOffice reads these; if it fails, say so rather than "not Word".
            return None, FailureReason.CONVERSION_FAILED
        return import_failed(path.name, FailureReason.NOT_WORD, "no OLE2 signature"), None
    if is_encrypted_ooxml(data):
        return import_failed(path.name, FailureReason.ENCRYPTED, "encrypted Office Open XML package"), None
    try:
        info = word_binary_info(data)
    except CompoundFileError:
        return None, FailureReason.CORRUPT
    if info.encrypted:
        return import_failed(path.name, FailureReason.ENCRYPTED, f"{info.version} FIB fEncrypted"), None
    return None, None


def _is_html(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return markup_kind(handle.read(512)) is Markup.HTML
    except OSError:
        return False


def _output_reader(sources: Sequence[Path]) -> Callable[[int, bytes], DocResult]:
    def read_output(position: int, docx_data: bytes) -> DocResult:
        return _read_docx_output(sources[position], docx_data)

    return read_output


def _read_docx_output(source: Path, docx_data: bytes) -> DocResult:
    try:
        # LibreOffice 7.4 restarts 第N条 in every chapter (it has no "never restart").
        return read_docx_bytes(docx_data, source.name, continuous_articles=True)
    except ImportFailed as error:
        return error


def _fall_back(
    path: Path, failure: FailureReason, options: DocReaderOptions, diagnosis: FailureReason | None
) -> DocResult:
    """LibreOffice could not load the file: antiword may still read its text, or say why not."""
    note = f"「{path.name}」LibreOffice 无法打开，已改用 antiword 读取纯文本：样式、自动编号和表格已丢失。"
    return _read_with_antiword_or_error(path, options, diagnosis or failure, note)


# ---------------------------------------------------------------- LibreOffice


def convert_to_docx(
    paths: Sequence[Path],
    options: DocReaderOptions,
    read: Callable[[int, bytes], T],
    infilter: str | None = None,
) -> list[T | FailureReason]:
    """Convert ``paths`` to .docx in one soffice call; ``read(position, docx_bytes)`` per output, or why not.

    Each output is handed to ``read`` as soon as it is complete, while soffice
    converts the next file: on two cores our parsing then costs almost no
    wall time.  Inputs are linked into a private directory under numbered
    names, so that two sources with the same name (from different folders)
    cannot overwrite each other's output.  If soffice crashes or times out,
    the files without output are tried again one per call, so one bad file
    cannot sink a batch.
    """
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="handbook-doc-", dir=options.scratch_dir) as work:
        inputs = _link_inputs(paths, Path(work) / "in")
        collector = _OutputCollector(inputs, Path(work) / "out", read)
        status = _run_soffice(options, inputs, collector.out_dir, collector.collect, infilter)
        if status != "ok" and len(inputs) > 1:
            for position in collector.missing():
                collector.results[position] = _convert_alone(
                    options, inputs[position], collector.out_dir, position, read, infilter
                )
        elif status == "timeout":
            for position in collector.missing():
                collector.results[position] = FailureReason.TIMEOUT
        return collector.results


def _convert_alone(
    options: DocReaderOptions,
    source: Path,
    out_dir: Path,
    position: int,
    read: Callable[[int, bytes], T],
    infilter: str | None,
) -> T | FailureReason:
    """Convert one file of a batch whose soffice crashed or hung, in a call of its own."""
    single = _OutputCollector([source], out_dir, lambda _, data: read(position, data))
    status = _run_soffice(options, [source], out_dir, single.collect, infilter)
    result = single.results[0]
    return FailureReason.TIMEOUT if status == "timeout" and isinstance(result, FailureReason) else result


class _OutputCollector(Generic[T]):
    """Reads each soffice output once it is complete: when a later one exists, or soffice has ended."""

    def __init__(self, inputs: Sequence[Path], out_dir: Path, read: Callable[[int, bytes], T]) -> None:
        self.out_dir = out_dir
        self._names = [f"{source.stem}.docx" for source in inputs]
        self._read = read
        self._checked = 0  # outputs before this position have been read (or found missing)
        self.results: list[T | FailureReason] = [FailureReason.CONVERSION_FAILED] * len(inputs)

    def collect(self, finished: bool) -> None:
        """Read the outputs that are complete now (all of them when soffice has ended)."""
        try:
            present = set(os.listdir(self.out_dir))
        except OSError:
            present = set()
        written = [i for i in range(self._checked, len(self._names)) if self._names[i] in present]
        # soffice converts in argument order: an output is complete once a later one exists.
        limit = len(self._names) if finished else max(written, default=self._checked)
        for position in (i for i in written if i < limit):
            data = (self.out_dir / self._names[position]).read_bytes()
            if data:
                self.results[position] = self._read(position, data)
        self._checked = max(self._checked, limit)

    def missing(self) -> list[int]:
        return [i for i, result in enumerate(self.results) if isinstance(result, FailureReason)]


def _link_inputs(paths: Sequence[Path], in_dir: Path) -> list[Path]:
    in_dir.mkdir()
    inputs = []
    for number, path in enumerate(paths):
        link = in_dir / f"{number:05d}.doc"
        try:
            link.symlink_to(path.resolve())
        except OSError:
            shutil.copyfile(path, link)
        inputs.append(link)
    return inputs


def soffice_command(
    soffice: str, profile_dir: Path, out_dir: Path, inputs: Sequence[Path], infilter: str | None = None
) -> list[str]:
    """The LibreOffice command line; ``infilter`` forces an import filter for every input."""
    return [
        soffice,
        f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "docx",
        "--outdir",
        str(out_dir),
        *map(str, inputs),
    ]


@contextmanager
def profile_slot(explicit: Path | None = None) -> Iterator[Path]:
    """A LibreOffice profile directory that no other soffice is using while we hold it.

    Two soffice processes must never share a profile (the second one hands its
    work to the first and exits).  Profiles are kept in a few numbered slots
    in the temporary directory, each guarded by a lock file, so that
    concurrent workers get different ones and later calls reuse a warm
    profile (creating one costs about a second) instead of leaving one
    behind per process.
    """
    if explicit is not None:
        with _PROFILE_LOCK:
            yield explicit
        return
    base = Path(tempfile.gettempdir())
    prefix = f"handbook-lo-{os.getuid()}"
    slots = [*range(_PROFILE_SLOTS), os.getpid() % _PROFILE_SLOTS]
    for attempt, slot in enumerate(slots):
        with (base / f"{prefix}-{slot}.lock").open("a") as lock:
            try:
                blocking = attempt == len(slots) - 1  # every slot busy: wait for one
                fcntl.flock(lock, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                yield base / f"{prefix}-{slot}"
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
            return


def _run_soffice(
    options: DocReaderOptions,
    inputs: Sequence[Path],
    out_dir: Path,
    on_progress: Callable[[bool], None],
    infilter: str | None = None,
) -> SofficeStatus:
    """Run one conversion, calling ``on_progress(finished)`` while waiting.

    Returns ``ok`` (exit 0, which says nothing about each file), ``crashed`` or ``timeout``.
    """
    assert options.soffice is not None
    out_dir.mkdir(exist_ok=True)
    deadline = time.monotonic() + options.timeout_base + options.timeout_per_file * len(inputs)
    with profile_slot(options.profile_dir) as profile:
        command = soffice_command(options.soffice, profile, out_dir, inputs, infilter)
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_memory_cap(options.memory_limit_bytes),
        )
        while (code := process.poll()) is None:
            if time.monotonic() > deadline:
                # soffice starts helper processes: end the whole session we started.
                with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                on_progress(False)  # only outputs known to be complete
                return "timeout"
            on_progress(False)
            time.sleep(_POLL_SECONDS)
        on_progress(True)
        return "ok" if code == 0 else "crashed"


def _memory_cap(limit: int | None) -> Callable[[], None] | None:
    """What the soffice child runs before exec: cap its address space (inherited by its helpers)."""
    if limit is None:
        return None

    def cap() -> None:  # runs in the forked child: only the one system call, no Python locks
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


# ---------------------------------------------------------------- antiword


def _read_with_antiword_or_error(
    path: Path, options: DocReaderOptions, diagnosis: FailureReason | None, note: str | None = None
) -> DocResult:
    if not options.antiword:
        if diagnosis is not None:
            return import_failed(path.name, diagnosis)
        return import_failed(path.name, FailureReason.NO_CONVERTER)
    try:
        return read_with_antiword(path, options, note)
    except ImportFailed as error:
        refined = isinstance(error, SourceUnusable) and error.reason in (
            FailureReason.NOT_WORD,
            FailureReason.CORRUPT,
        )
        if diagnosis is not None and refined:
            # Our own look at the file (OLE2 signature, damaged structure) is more precise.
            return import_failed(path.name, diagnosis, str(error))
        return error


def read_with_antiword(path: Path, options: DocReaderOptions, note: str | None = None) -> Result[list[Block]]:
    """The text of a .doc through antiword and the text reader, with ``note`` (or the default
    warning that styles, numbers and tables are lost) added to the warnings."""
    assert options.antiword is not None
    text = antiword_text(path, options.antiword, options.antiword_timeout, options.scratch_dir)
    from importers.text import read_text_bytes  # imported late: the text reader is another stage's module

    result = read_text_bytes(text, path.name)
    note = note or f"「{path.name}」未经 LibreOffice 转换，只读取了纯文本：样式、自动编号和表格已丢失。"
    return result.with_messages(Warned(note))


def antiword_text(path: Path, antiword: str, timeout: float, scratch_dir: Path | None = None) -> bytes:
    """UTF-8 text of ``path`` from antiword; map its refusals to clear errors."""
    size = path.stat().st_size
    if size == 0:
        raise import_failed(path.name, FailureReason.EMPTY)
    with tempfile.TemporaryDirectory(prefix="handbook-antiword-", dir=scratch_dir) as work:
        target = path
        if size % _SECTOR:
            # antiword rejects sizes that are not whole sectors (WPS files); zeros are harmless.
            target = Path(work) / "padded.doc"
            padding = _SECTOR - size % _SECTOR
            target.write_bytes(path.read_bytes() + b"\0" * padding)
        try:
            completed = subprocess.run(
                [antiword, "-m", "UTF-8.txt", "-w", "0", str(target)],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise import_failed(path.name, FailureReason.TIMEOUT, "antiword") from error
    message = completed.stderr.decode("utf-8", "replace").replace(str(target), path.name).strip()
    if completed.returncode != 0 or not completed.stdout.strip():
        raise import_failed(
            path.name, _antiword_reason(message), f"antiword: {message or completed.returncode}"
        )
    return completed.stdout


def _antiword_reason(message: str) -> FailureReason:
    if _ANTIWORD_ENCRYPTED in message:
        return FailureReason.ENCRYPTED
    if _ANTIWORD_TOO_SMALL in message:
        return FailureReason.TEXT_TOO_SMALL
    if _ANTIWORD_NOT_WORD in message:
        return FailureReason.NOT_WORD
    return FailureReason.CORRUPT
