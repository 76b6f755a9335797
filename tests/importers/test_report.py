"""The import report HR reads: per document, what was dropped or changed and why."""

from __future__ import annotations

from domain.model import Changed, Document, Dropped, Handbook, ImportReport, Section, SectionKind, SourceRef
from importers.cleaning import REASON_WIDTH
from importers.report import ReportSection, render_report, summary_lines

DROPPED = Dropped("目录*", "目录", "a.txt:2")
WIDTH = Changed("a,b", "a，b", REASON_WIDTH, "a.txt:3")
REWORDED = Changed("x", "y", "改", "a.txt:4")
FAILURE = ("b.doc", "无法导入「b.doc」：坏。")


def _handbook() -> Handbook:
    document = Document(
        slug="kq",
        title="考勤制度",
        kind="regulation",
        preamble="",
        sections=(Section(1, "", "总则", "", SectionKind.HEADING, "zongze"),),
        source=SourceRef("a.txt", "ab" * 32),
        warnings=("编号不连续",),
    )
    report = ImportReport(dropped=(DROPPED,), changed=(WIDTH, REWORDED), warnings=("w",))
    return Handbook((document,), report)


def test_the_summary_counts_documents_records_and_failures() -> None:
    assert summary_lines(_handbook(), [FAILURE]) == [
        "导入了 1 篇文档、1 个章节条款、0 个岗位说明书。",
        "删除 1 处文字，修改 2 处，警告 1 条。",
        "失败：无法导入「b.doc」：坏。",
    ]


def test_each_document_gets_its_own_section_with_its_warnings_and_records() -> None:
    report = render_report(_handbook(), [ReportSection("kq", (DROPPED, REWORDED))])
    section = report[report.index("## 1. 考勤制度") :]
    assert "- 标识：`kq`；类型：regulation；章节条款 1 个；岗位说明书 0 个" in section
    assert "### 警告\n\n- 编号不连续\n" in section
    assert "### 删除的文字\n\n- 「目录\\*」——目录（a.txt:2）\n" in section
    assert "- 「x」→「y」——改（a.txt:4）" in section
    assert "## 不属于任何文档的内容" not in report


def test_source_text_is_shown_literally_with_markdown_escaped() -> None:
    report = render_report(_handbook(), [ReportSection("kq", (Dropped("**粗**\n下一行", "r", "s"),))])
    assert "「\\*\\*粗\\*\\*⏎下一行」" in report


def test_punctuation_width_changes_are_summed_up_in_one_line() -> None:
    report = render_report(_handbook(), [ReportSection("kq", (WIDTH, WIDTH))])
    assert f"- {REASON_WIDTH}：2 行，「,」→「，」2 处（a.txt:3、a.txt:3）" in report
    assert "「a,b」" not in report


def test_without_details_the_whole_handbook_report_is_text_outside_any_document() -> None:
    report = render_report(_handbook())
    general = report[report.index("## 不属于任何文档的内容") : report.index("## 1. 考勤制度")]
    assert "「目录\\*」——目录（a.txt:2）" in general
    assert "「x」→「y」——改（a.txt:4）" in general


def test_failed_files_are_listed_and_the_sources_named_with_their_hash() -> None:
    report = render_report(_handbook(), (), [FAILURE])
    assert report.startswith("# 导入报告\n")
    assert "## 无法导入的文件\n\n- 无法导入「b.doc」：坏。\n" in report
    assert "- a.txt（SHA-256 abababababab…）" in report
    assert report.endswith("\n") and not report.endswith("\n\n")
