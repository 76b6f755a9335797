"""The text reader: encodings, and clear refusals of unusable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from importers import readers
from importers.limits import MAX_SOURCE_BYTES
from importers.text import read_text_bytes, read_text_file

SAMPLE = (
    "营销中心案场规章制度\n第一条为规范管理和维护营销中心案场的秩序，制定本规章制度。\n\n第二条设臵本制度。\n"
)


def test_utf8_text_gives_one_block_per_non_empty_line() -> None:
    result = read_text_bytes(SAMPLE.encode("utf-8"), "a.txt")
    assert [b.text for b in result.value] == [line for line in SAMPLE.splitlines() if line]
    assert [b.source for b in result.value] == ["a.txt:1", "a.txt:2", "a.txt:4"]
    assert result.warnings == ()


def test_utf8_with_bom_loses_the_bom() -> None:
    result = read_text_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "a.txt")
    assert result.value[0].text == "营销中心案场规章制度"


def test_gbk_text_is_detected_and_decoded() -> None:
    result = read_text_bytes(SAMPLE.replace("臵", "置").encode("gbk"), "gbk.txt")
    assert result.value[1].text.startswith("第一条为规范管理")
    assert "GB18030" in result.warnings[0]


def test_gb18030_characters_outside_gbk_are_decoded() -> None:
    text = "第一条 员工姓名如“䶮”须照录。\n" * 20
    result = read_text_bytes(text.encode("gb18030"), "rare.txt")
    assert "䶮" in result.value[0].text


def test_empty_file_is_refused_with_its_name() -> None:
    with pytest.raises(ImportFailed) as error:
        read_text_bytes(b"", "empty.txt")
    assert "empty.txt" in error.value.user_message and "空" in error.value.user_message


def test_whitespace_only_file_is_refused() -> None:
    with pytest.raises(ImportFailed):
        read_text_bytes(b" \n\r\n\t", "blank.txt")


def test_random_bytes_are_refused_as_not_text() -> None:
    data = bytes(range(256)) * 20
    with pytest.raises(ImportFailed) as error:
        read_text_bytes(data, "random.txt")
    assert "random.txt" in error.value.user_message and "不是文本" in error.value.user_message


def test_random_bytes_without_nul_are_refused_too() -> None:
    data = bytes(b for b in os.urandom(8000) if b) or b"\x01"
    with pytest.raises(ImportFailed):
        read_text_bytes(data, "noise.txt")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_SOURCE_BYTES + 1)
    with pytest.raises(ImportFailed) as error:
        read_text_file(big)
    assert "big.txt" in error.value.user_message and "大小" in error.value.user_message
    with pytest.raises(ImportFailed):
        readers.read_file(big)


def test_random_bytes_named_doc_are_refused_by_the_readers(tmp_path: Path) -> None:
    fake = tmp_path / "fake.doc"
    fake.write_bytes(os.urandom(4096))
    with pytest.raises(ImportFailed) as error:
        readers.read_file(fake)
    assert "fake.doc" in error.value.user_message


def test_text_files_go_through_the_readers_to_this_reader(tmp_path: Path) -> None:
    source = tmp_path / "seed.txt"
    source.write_bytes(SAMPLE.encode("gbk", errors="replace"))
    assert readers.read_file(source).value[0].text == "营销中心案场规章制度"


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    result = read_text_bytes(SAMPLE.encode("utf-16"), "notepad.txt")
    assert result.value[0].text == "营销中心案场规章制度"
