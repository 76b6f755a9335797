"""Choosing the reader by what a file is, size limits, and batches where some files are bad."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from importers.failures import FailureReason, SourceUnusable
from importers.limits import MAX_SOURCE_BYTES
from importers.readers import SourceKind, detect_kind, read_file, read_files
from importers.results import Result
from importers.wordbin import default_options
from importers.wordx import read_docx
from tests.importers.word_samples import (
    CORPUS,
    SampleSet,
    build_styled_regulation,
    counting_soffice,
    sample_set,
)


@pytest.fixture(scope="module")
def samples() -> SampleSet:
    return sample_set()


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (bytes.fromhex("D0CF11E0A1B11AE1"), "制度.doc", SourceKind.WORD_BINARY),
        (bytes.fromhex("D0CF11E0A1B11AE1"), "制度.docx", SourceKind.WORD_BINARY),
        (b"PK\x03\x04\x14\x00\x06\x00", "制度.docx", SourceKind.WORD_XML),
        (b"PK\x03\x04\x14\x00\x06\x00", "制度.doc", SourceKind.WORD_XML),
        ("第一条 总则".encode(), "制度.txt", SourceKind.TEXT),
        (b"{\\rtf1\\ansi", "制度.doc", SourceKind.WORD_BINARY),
        (b"\xef\xbb\xbf\n<!DOCTYPE html><html>", "制度.doc", SourceKind.WORD_BINARY),
    ],
)
def test_the_first_bytes_decide_the_reader_not_the_extension(
    head: bytes, name: str, kind: SourceKind
) -> None:
    assert detect_kind(head, name) is kind


@pytest.mark.parametrize(
    ("head", "name", "reason"),
    [
        (b"\x8f\x12\xa0\xff\x00\x01\x02\x03", "制度.doc", FailureReason.NOT_WORD),
        (b"%PDF-1.7", "制度.pdf", FailureReason.UNSUPPORTED),
    ],
)
def test_files_no_reader_fits_are_refused_by_name(head: bytes, name: str, reason: FailureReason) -> None:
    with pytest.raises(SourceUnusable) as raised:
        detect_kind(head, name)
    assert raised.value.reason is reason
    assert name in raised.value.user_message


def test_a_docx_named_doc_is_read_as_docx(tmp_path: Path) -> None:
    original = tmp_path / "制度.docx"
    build_styled_regulation(original)
    renamed = tmp_path / "改名.doc"
    shutil.copyfile(original, renamed)
    read = read_file(renamed).value
    expected = read_docx(original).value
    assert [(b.number, b.text, b.style) for b in read] == [(b.number, b.text, b.style) for b in expected]


def test_an_encrypted_docx_is_refused_as_encrypted() -> None:
    with pytest.raises(SourceUnusable) as raised:
        read_file(CORPUS / "poi_bug53475-password-is-pass.docx")
    assert raised.value.reason is FailureReason.ENCRYPTED


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "巨大.docx"
    with huge.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SourceUnusable) as raised:
        read_file(huge)
    assert raised.value.reason is FailureReason.TOO_LARGE
    assert "巨大.docx" in raised.value.user_message


def test_an_empty_file_is_refused_as_empty(tmp_path: Path) -> None:
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    with pytest.raises(SourceUnusable) as raised:
        read_file(empty)
    assert raised.value.reason is FailureReason.EMPTY


def test_gbk_text_goes_to_the_text_reader(tmp_path: Path) -> None:
    text = tmp_path / "制度.txt"
    text.write_bytes("会议管理制度\n第一条 为规范会议管理，特制定本制度。\n".encode("gbk"))
    assert [b.text for b in read_file(text).value] == [
        "会议管理制度",
        "第一条 为规范会议管理，特制定本制度。",
    ]


def _rtf(*paragraphs: str) -> bytes:
    """RTF as Word writes it for Chinese: every CJK character as a \\uN escape."""
    escaped = ["".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in p) for p in paragraphs]
    return (
        "{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 SimSun;}}\\f0 " + "\\par ".join(escaped) + "\\par}"
    ).encode()


@pytest.mark.slow
def test_a_mixed_batch_imports_the_good_files_and_reports_each_bad_one(
    samples: SampleSet, tmp_path: Path
) -> None:
    doc_named_docx = tmp_path / "其实是doc.docx"
    shutil.copyfile(samples.doc(samples.unstyled_docx), doc_named_docx)
    random_doc = tmp_path / "乱码.doc"
    random_doc.write_bytes(bytes(range(256)) * 4)
    text = tmp_path / "说明.txt"
    text.write_text("营销中心会议管理制度\n", encoding="utf-8")
    rtf = tmp_path / "下载的制度.doc"  # RTF saved with a .doc name: LibreOffice reads it with the .doc files
    rtf.write_bytes(_rtf("会议管理制度", "第一条 为规范会议管理，特制定本制度。"))
    paths = [
        samples.regulation_docx,
        samples.doc(samples.regulation_docx),
        CORPUS / "poi_PasswordProtected.doc",
        random_doc,
        doc_named_docx,
        CORPUS / "poi_truncated62886.docx",
        text,
        rtf,
    ]
    wrapper, log = counting_soffice(tmp_path)
    seen: list[Path] = []
    outcomes = read_files(paths, seen.append, dataclasses.replace(default_options(), soffice=wrapper))

    assert [path for path, _ in outcomes] == paths
    assert seen == paths
    failed = {path.name for path, outcome in outcomes if isinstance(outcome, ImportFailed)}
    assert failed == {"poi_PasswordProtected.doc", "乱码.doc", "poi_truncated62886.docx"}
    imported = {path.name: outcome for path, outcome in outcomes if isinstance(outcome, Result)}
    assert [b.text for b in imported["其实是doc.docx"].value] == samples.unstyled_lines
    assert [b.text for b in imported["说明.txt"].value] == ["营销中心会议管理制度"]
    assert [b.text for b in imported["下载的制度.doc"].value] == [
        "会议管理制度",
        "第一条 为规范会议管理，特制定本制度。",
    ]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # OLE2 and RTF files in one soffice call


@pytest.mark.slow
def test_a_web_page_saved_as_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    html = tmp_path / "网页版制度.doc"
    html.write_text(
        "<html><head><meta charset='utf-8'></head><body><h1>考勤管理制度</h1>"
        "<p>第一条 员工应按时上下班。</p><table><tr><td>迟到</td><td>罚款</td></tr></table></body></html>",
        encoding="utf-8",
    )
    blocks = read_file(html).value
    assert [(b.text, b.outline_level) for b in blocks if b.table is None] == [
        ("考勤管理制度", 1),
        ("第一条 员工应按时上下班。", None),
    ]
    assert [b.table for b in blocks if b.table] == [(("迟到", "罚款"),)]


def test_an_rtf_saved_as_doc_without_libreoffice_says_libreoffice_is_needed(tmp_path: Path) -> None:
    rtf = tmp_path / "下载的制度.doc"
    rtf.write_bytes(_rtf("会议管理制度"))
    with pytest.raises(SourceUnusable) as raised:
        read_file(rtf, default_options(use_libreoffice=False))
    assert raised.value.reason is FailureReason.NEEDS_LIBREOFFICE
    assert "LibreOffice" in raised.value.user_message
