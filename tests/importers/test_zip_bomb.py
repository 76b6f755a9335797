"""A .docx is refused from its central directory, before anything is unpacked (issue 9, finding 4).

The bombs are built with a streamed writer, so the test itself never holds
the unpacked bytes in memory.
"""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from importers.limits import (
    MAX_DOCX_COMPRESSION_RATIO,
    MAX_DOCX_ENTRIES,
    MAX_DOCX_UNPACKED_BYTES,
    MAX_DOCX_XML_BYTES,
    PackageLimits,
)
from importers.pipeline import import_files
from importers.readers import read_file
from importers.wordx import read_docx_bytes
from tests.importers.word_samples import build_unstyled, seed_lines

_MIB = 1024 * 1024
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def _bomb_docx(path: Path, unpacked_mib: int) -> Path:
    """A real .docx whose one paragraph holds ``unpacked_mib`` MiB of spaces, written 1 MiB at a time.

    Valid XML, so that a reader that trusted it would unpack and parse it all
    (the finding: 300 s and 7 GB for 450 MiB).
    """
    template = path.with_suffix(".template.docx")
    build_unstyled(template, seed_lines(1))
    chunk = b" " * _MIB
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, source.read(info.filename))
                continue
            head, tail = source.read(info.filename).split(b"</w:body>")
            with archive.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(head + b"<w:p><w:r><w:t xml:space='preserve'>")
                for _ in range(unpacked_mib):
                    member.write(chunk)
                member.write(b"</w:t></w:r></w:p></w:body>" + tail)
    template.unlink()
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bomb_docx(tmp_path_factory.mktemp("bomb") / "员工手册.docx", 450)


def _refusal(path: Path) -> tuple[ImportFailed, float, int]:
    """Import ``path``; the refusal, the seconds it took and the peak of traced memory in bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFailed) as raised:
            read_file(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value, elapsed, peak


def test_a_450_mb_bomb_is_refused_in_under_a_second_without_unpacking(bomb: Path) -> None:
    assert bomb.stat().st_size < 2 * _MIB  # small on disk, like the file of the finding
    error, elapsed, peak = _refusal(bomb)
    assert "员工手册.docx" in error.user_message
    assert "解压后超过大小上限" in error.user_message
    assert "员工手册.docx" in str(error) and "unpacked" in str(error)
    assert elapsed < 1.0, f"refusal took {elapsed:.2f} s"
    assert peak < 20 * _MIB, f"peak traced memory {peak / _MIB:.1f} MiB"


def test_a_package_with_a_suspicious_ratio_is_refused_even_when_small(tmp_path: Path) -> None:
    path = _bomb_docx(tmp_path / "通知.docx", 20)  # 20 MiB of spaces: far under the size limit
    assert 20 * _MIB < MAX_DOCX_UNPACKED_BYTES
    error, elapsed, peak = _refusal(path)
    assert "通知.docx" in error.user_message and "压缩比" in error.user_message
    assert "compression ratio" in str(error)
    assert elapsed < 1.0 and peak < 20 * _MIB


def test_a_package_whose_xml_alone_is_too_large_to_parse_is_refused(tmp_path: Path) -> None:
    """Under the unpacked and ratio limits, but 40 MiB of paragraphs: the import would take minutes."""
    path = tmp_path / "制度汇编.docx"
    template = tmp_path / "template.docx"
    build_unstyled(template, seed_lines(1))
    paragraphs = "".join(
        f"<w:p><w:r><w:t>第{n}条 员工应当遵守公司的各项规章制度，准时到岗。</w:t></w:r></w:p>"
        for n in range(8_000)
    ).encode()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, source.read(info.filename))
                continue
            head, tail = source.read(info.filename).split(b"</w:body>")
            with archive.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(head)
                written = 0
                while written < 40 * _MIB:
                    written += member.write(paragraphs)
                member.write(b"</w:body>" + tail)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size < MAX_DOCX_UNPACKED_BYTES
        assert info.file_size / info.compress_size < MAX_DOCX_COMPRESSION_RATIO
    assert MAX_DOCX_XML_BYTES < 40 * _MIB
    error, elapsed, peak = _refusal(path)
    assert "制度汇编.docx" in error.user_message and "解压后超过大小上限" in error.user_message
    assert "XML" in str(error)
    assert elapsed < 1.0 and peak < 20 * _MIB


def test_a_package_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "目录.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for n in range(100_000):
            archive.writestr(f"word/p{n}.xml", b"")
    assert MAX_DOCX_ENTRIES < 100_000
    error, elapsed, _ = _refusal(path)
    assert "目录.docx" in error.user_message and "部件过多" in error.user_message
    assert "entries" in str(error)
    assert elapsed < 1.0, f"refusal took {elapsed:.2f} s"

    # The same archive claiming one entry at its end: the directory's size gives it away.
    data = bytearray(path.read_bytes())
    record = data.rindex(b"PK\x06\x06")  # the ZIP64 end record: entries on this disk, entries in all
    data[record + 24 : record + 40] = struct.pack("<QQ", 1, 1)
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(bytes(data), "目录.docx")
    assert "部件过多" in raised.value.user_message and "central directory" in str(raised.value)
    assert time.perf_counter() - started < 1.0


def test_the_limits_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "制度.docx"
    build_unstyled(path, seed_lines(5))
    data = path.read_bytes()
    assert read_docx_bytes(data, "制度.docx").value  # a real document passes the default limits
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(data, "制度.docx", limits=PackageLimits(max_entries=2))
    assert "部件过多" in raised.value.user_message
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(data, "制度.docx", limits=PackageLimits(max_unpacked_bytes=100))
    assert "解压后超过大小上限" in raised.value.user_message


def test_the_default_limits_leave_room_for_real_documents() -> None:
    assert MAX_DOCX_UNPACKED_BYTES >= 100 * _MIB
    assert MAX_DOCX_COMPRESSION_RATIO >= 50
    assert MAX_DOCX_ENTRIES >= 1_000


def test_the_import_pipeline_the_portal_uses_refuses_the_bomb_quickly(bomb: Path) -> None:
    """/admin/publish goes through ``import_files``: the bomb is one refused file, not a dying worker."""
    started = time.perf_counter()
    handbook = import_files([bomb])
    elapsed = time.perf_counter() - started
    assert handbook.documents == ()
    assert len(handbook.report.errors) == 1 and "员工手册.docx" in handbook.report.errors[0]
    assert "解压后超过大小上限" in handbook.report.errors[0]
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
