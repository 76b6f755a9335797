"""The .docx reader: text, custom heading styles, automatic numbering, tables, body order."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from domain.numerals import to_chinese_numeral
from importers.blocks import Block
from importers.number_formats import format_number
from importers.numbering_defs import NumberingCounter, parse_numbering
from importers.wordx import MAX_UNPACKED_BYTES, WordParts, blocks_from_parts, read_docx, read_docx_bytes
from tests.importers.word_samples import (
    FORMAT_CASES,
    Expected,
    build_builtin_headings,
    build_multilevel,
    build_numbering_formats,
    build_styled_regulation,
    build_unstyled,
    seed_lines,
)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("docx")


@pytest.fixture(scope="module")
def regulation(samples: Path) -> tuple[list[Block], Expected]:
    path = samples / "regulation.docx"
    expected = build_styled_regulation(path)
    return read_docx(path).value, expected


def _paragraphs(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.table is None]


def test_style_numbering_prints_chapter_and_article_numbers_that_are_not_in_the_text(
    regulation: tuple[list[Block], Expected],
) -> None:
    blocks, expected = regulation
    numbered = tuple((b.number, b.text) for b in blocks if b.number)
    assert numbered == expected.numbered
    assert all(not b.text.startswith(b.number) for b in blocks if b.number)


def test_articles_keep_counting_across_chapters_when_their_level_never_restarts(
    regulation: tuple[list[Block], Expected],
) -> None:
    blocks, _ = regulation
    articles = [b.number for b in blocks if b.style == "一级条标题"]
    assert articles == ["第一条", "第二条", "第三条", "第四条", "第五条"]


def test_list_items_restart_under_each_article(regulation: tuple[list[Block], Expected]) -> None:
    blocks, _ = regulation
    items = [b.number for b in blocks if b.style == "列项"]
    assert items == ["（一）", "（二）", "（一）"]


def test_custom_heading_styles_carry_their_outline_levels(regulation: tuple[list[Block], Expected]) -> None:
    blocks, expected = regulation
    found = {(b.style, b.text, b.outline_level) for b in blocks}
    assert set(expected.headings) <= found
    body = [b for b in _paragraphs(blocks) if b.style == "列项"]
    assert body and all(b.outline_level is None for b in body)


def test_num_id_zero_switches_off_the_numbering_of_the_style(
    regulation: tuple[list[Block], Expected],
) -> None:
    blocks, _ = regulation
    appendix = next(b for b in blocks if b.text == "附：会议记录表")
    assert appendix.number == ""
    assert appendix.outline_level == 1


def test_runs_are_joined_into_one_paragraph_text(regulation: tuple[list[Block], Expected]) -> None:
    blocks, _ = regulation
    assert any(b.text == "为规范会议管理，提高会议效率，特制定本制度。" for b in blocks)


def test_merged_table_cells_appear_once(regulation: tuple[list[Block], Expected]) -> None:
    blocks, expected = regulation
    tables = [b.table for b in blocks if b.table is not None]
    assert tables == [expected.table]
    assert sum(cell == "例会" for row in tables[0] for cell in row) == 1


def test_tables_stay_in_body_order_between_paragraphs(regulation: tuple[list[Block], Expected]) -> None:
    blocks, _ = regulation
    kinds = ["table" if b.table else b.text for b in blocks]
    position = kinds.index("table")
    assert kinds[position - 1] == "附：会议记录表"
    assert kinds[position + 1] == "附则"


def test_headers_and_footers_are_not_body_text(regulation: tuple[list[Block], Expected]) -> None:
    blocks, expected = regulation
    texts = "\n".join(b.text for b in blocks)
    assert all(text in texts for text in expected.body_texts)
    assert not any(text in texts for text in expected.not_in_body)


def test_blocks_name_their_source_file(regulation: tuple[list[Block], Expected]) -> None:
    blocks, _ = regulation
    assert [b.source for b in blocks] == [f"regulation.docx:{n}" for n in range(1, len(blocks) + 1)]


def test_each_number_format_prints_as_word_prints_it(samples: Path) -> None:
    path = samples / "formats.docx"
    expected = build_numbering_formats(path)
    blocks = read_docx(path).value
    numbered = [b for b in blocks if not b.text.startswith("格式")]
    for index, (num_fmt, _, _, _) in enumerate(FORMAT_CASES):
        numbers = tuple(b.number for b in numbered[index * 3 : index * 3 + 3])
        assert numbers == expected[index], num_fmt


def test_multilevel_legal_bullet_continued_and_restarted_lists(samples: Path) -> None:
    path = samples / "multilevel.docx"
    expected = build_multilevel(path)
    assert [b.number for b in read_docx(path).value] == expected


def test_an_unstyled_document_gives_its_lines_in_order(samples: Path) -> None:
    lines = seed_lines(40)
    path = samples / "unstyled.docx"
    build_unstyled(path, lines)
    blocks = read_docx(path).value
    assert [b.text for b in blocks] == lines
    assert all(b.outline_level is None and b.number == "" for b in blocks)


def test_built_in_heading_styles_give_their_level(samples: Path) -> None:
    path = samples / "headings.docx"
    expected = build_builtin_headings(path)
    blocks = read_docx(path).value
    assert [(b.text, b.outline_level) for b in blocks if b.outline_level] == expected
    assert {b.style for b in blocks if b.outline_level} == {"Heading 1", "Heading 2"}


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
    ],
)
def test_chinese_counting_reads_like_chinese(value: int, rendered: str) -> None:
    assert to_chinese_numeral(value) == rendered


def test_unknown_number_formats_fall_back_to_arabic_digits() -> None:
    assert format_number(7, "hebrew2") == "7"


def _truncated_docx(samples: Path) -> bytes:
    path = samples / "to-truncate.docx"
    build_unstyled(path, seed_lines(5))
    data = path.read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda samples: b"", "空"),
        (lambda samples: bytes(range(256)) * 20, "损坏"),
        (_truncated_docx, "损坏"),
    ],
    ids=["empty", "random-bytes", "truncated"],
)
def test_unusable_docx_raises_import_failed_naming_the_file(samples: Path, make: object, reason: str) -> None:
    data = make(samples)  # type: ignore[operator]
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(data, "制度.docx")
    assert "制度.docx" in raised.value.user_message
    assert reason in raised.value.user_message
    assert "制度.docx" in str(raised.value)


def test_a_zip_that_is_not_a_word_document_is_refused(samples: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(buffer.getvalue(), "假的.docx")
    assert "假的.docx" in raised.value.user_message


def test_a_docx_that_unpacks_to_gigabytes_is_refused_before_unpacking(samples: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    # Announce 4 GB unpacked in the central directory, as a zip bomb's headers do.
    data = bytearray(buffer.getvalue())
    entry = data.index(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = struct.pack("<I", 0xFFFFFFF0)
    assert MAX_UNPACKED_BYTES < 0xFFFFFFF0
    with pytest.raises(ImportFailed) as raised:
        read_docx_bytes(bytes(data), "炸弹.docx")
    assert "超过大小上限" in raised.value.user_message


# ---------------------------------------------------------------- numbering definitions, unit by unit

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbering(*abstract_levels: str, nums: str) -> bytes:
    abstracts = "".join(
        f'<w:abstractNum w:abstractNumId="{i}">{levels}</w:abstractNum>'
        for i, levels in enumerate(abstract_levels)
    )
    return f"<w:numbering {_W}>{abstracts}{nums}</w:numbering>".encode()


def _level(ilvl: int, fmt: str, text: str, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def test_a_level_with_lvl_restart_restarts_only_after_the_named_level() -> None:
    levels = (
        _level(0, "decimal", "%1.")
        + _level(1, "decimal", "%1.%2")
        + _level(2, "lowerLetter", "%3)", '<w:lvlRestart w:val="1"/>')
    )
    counter = NumberingCounter(
        parse_numbering(_numbering(levels, nums='<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'))
    )
    sequence = [(0, "1."), (2, "a)"), (1, "1.1"), (2, "b)"), (0, "2."), (2, "a)")]
    assert [counter.next_number(1, ilvl) for ilvl, _ in sequence] == [number for _, number in sequence]


def test_a_numbering_style_link_leads_to_the_real_definition() -> None:
    linked = _level(0, "chineseCounting", "%1、")
    xml = _numbering(
        linked,
        '<w:numStyleLink w:val="RegulationList"/>',
        nums='<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>',
    )
    definitions = parse_numbering(xml, {"RegulationList": 1})
    counter = NumberingCounter(definitions)
    assert [counter.next_number(2, 0), counter.next_number(2, 0)] == ["一、", "二、"]


def test_style_numbering_without_a_level_takes_the_level_that_names_the_style() -> None:
    levels = _level(0, "chineseCounting", "第%1章", '<w:pStyle w:val="Chapter"/>') + _level(
        1, "decimal", "%1.%2", '<w:pStyle w:val="Clause"/>'
    )
    definitions = parse_numbering(
        _numbering(levels, nums='<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>')
    )
    assert definitions.level_for_style(3, "Clause") == 1
    assert definitions.level_for_style(3, "Body") is None


def test_unknown_instances_and_num_id_zero_print_nothing() -> None:
    counter = NumberingCounter(parse_numbering(None))
    assert counter.next_number(0, 0) == ""
    assert counter.next_number(7, 0) == ""


def _body(inner: str) -> bytes:
    return (
        f'<w:document {_W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{inner}</w:body></w:document>"
    ).encode()


def _run_with_text_box(text: str) -> str:
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        f"<mc:Choice Requires='wps'><w:drawing><wps>{box}</wps></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v>{box}</v></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def test_text_box_text_is_read_once_before_the_paragraph_it_is_anchored_to() -> None:
    xml = _body(f"<w:p>{_run_with_text_box('中华人民共和国能源行业标准')}<w:r><w:t>目  次</w:t></w:r></w:p>")
    blocks = blocks_from_parts(WordParts(document=xml), "标准.docx").value
    assert [b.text for b in blocks] == ["中华人民共和国能源行业标准", "目  次"]


def test_deleted_text_and_field_codes_are_not_text_but_inserted_text_is() -> None:
    xml = _body(
        "<w:p><w:r><w:t>第一条</w:t></w:r><w:del><w:r><w:delText>旧的</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>新的</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    (block,) = blocks_from_parts(WordParts(document=xml), "制度.docx").value
    assert block.text == "第一条新的3"


def test_typed_indentation_around_a_paragraph_is_dropped_and_soft_breaks_kept() -> None:
    xml = _body("<w:p><w:r><w:t xml:space='preserve'>　　第一章</w:t><w:br/><w:t>总则  </w:t></w:r></w:p>")
    (block,) = blocks_from_parts(WordParts(document=xml), "制度.docx").value
    assert block.text == "第一章\n总则"


def test_a_cell_with_a_text_box_and_a_nested_table_reads_each_text_once() -> None:
    nested = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    cell = f"<w:tc><w:p>{_run_with_text_box('框')}<w:r><w:t>正文</w:t></w:r></w:p>{nested}</w:tc>"
    xml = _body(f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>")
    (block,) = blocks_from_parts(WordParts(document=xml), "表格.docx").value
    assert block.table == (("框\n正文\n甲 | 乙",),)


def test_continuous_articles_keep_counting_only_the_article_level() -> None:
    levels = (
        _level(0, "chineseCounting", "第%1章")
        + _level(1, "chineseCounting", "第%2条")
        + _level(2, "decimal", "%3.")
    )
    definitions = parse_numbering(
        _numbering(levels, nums='<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    )
    plain, continuous = NumberingCounter(definitions), NumberingCounter(definitions, continuous_articles=True)
    sequence = [0, 1, 2, 1, 2, 0, 1, 2]
    assert [plain.next_number(1, i) for i in sequence] == [
        "第一章",
        "第一条",
        "1.",
        "第二条",
        "1.",
        "第二章",
        "第一条",
        "1.",
    ]
    assert [continuous.next_number(1, i) for i in sequence] == [
        "第一章",
        "第一条",
        "1.",
        "第二条",
        "1.",
        "第二章",
        "第三条",
        "1.",
    ]
    assert continuous.articles_kept_counting and not plain.articles_kept_counting
