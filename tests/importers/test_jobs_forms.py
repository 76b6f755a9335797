"""Job descriptions in the forms the seed does not tune: sentences, headings, org lines, .docx tables.

These documents are typed for the test (not from the seed), so they check that the rules are
general: each asserts fields that a wrong rule would get wrong.
"""

from __future__ import annotations

from pathlib import Path

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.model import JobDescription, SourceRef
from importers.blocks import Block
from importers.jobs_org import roles_in_line, superiors_by_rank
from importers.jobs_tables import job_from_table
from importers.pipeline import import_files
from importers.structure import recover

SOURCE = SourceRef("jobs.txt", "0" * 64)


def _jobs(*lines: str) -> dict[str, JobDescription]:
    blocks = [Block(text, f"jobs.txt:{i}") for i, text in enumerate(lines, 1)]
    return {job.title: job for document in recover(blocks, SOURCE).value for job in document.job_descriptions}


def test_an_org_structure_line_gives_roles_and_who_leads_whom() -> None:
    line = "财务中心财务总监会计部经理出纳部经理总账会计主管成本会计主管出纳主管"
    names = roles_in_line(line)
    assert names == ["财务总监", "会计部经理", "出纳部经理", "总账会计主管", "成本会计主管", "出纳主管"]
    superiors = superiors_by_rank(names)
    assert superiors["会计部经理"] == "财务总监" and superiors["出纳部经理"] == "财务总监"
    assert superiors["出纳主管"] == "出纳部经理"
    # 总账会计主管 shares no stem with a department head: no guess rather than a wrong one
    assert "总账会计主管" not in superiors


def test_superior_and_subordinates_written_in_a_sentence() -> None:
    jobs = _jobs(
        "人力资源部管理制度",
        "第一条岗位设置人事主管的直接上级为人力资源部经理，直接下级为招聘专员、培训专员。",
        "第二条人事主管负责员工招聘、培训和考核。",
    )
    job = jobs["人事主管"]
    assert job.reports_to == "人力资源部经理"
    assert job.subordinates == ("招聘专员", "培训专员")
    assert job.department == "人力资源部"
    assert any("人力资源部" in note for note in job.inferred)


def test_a_role_named_only_by_the_heading_of_its_duties() -> None:
    jobs = _jobs(
        "安全管理制度",
        "第一章岗位职责",
        "一、安全主管",
        "1、组织每月安全检查。",
        "2、编制应急预案并组织演练。",
    )
    job = jobs["安全主管"]
    assert job.responsibilities == ("组织每月安全检查。", "编制应急预案并组织演练。")
    assert job.department is None or "部" in job.department or "中心" in job.department


def test_posts_set_up_in_an_organisation_clause() -> None:
    jobs = _jobs(
        "物业服务中心管理制度",
        "第一章组织架构",
        "第一条物业服务中心设主任一名，副主任若干名，负责中心全面工作。",
    )
    assert set(jobs) == {"主任", "副主任"}
    assert jobs["副主任"].reports_to == "主任"
    assert jobs["主任"].department == "服务中心" or jobs["主任"].department == "物业服务中心"


def test_a_job_description_table_is_read_by_its_labels() -> None:
    rows = [
        ("职位名称", "出纳", "所属部门", "财务部"),
        ("直接上级", "财务部经理", "直接下级", "无"),
        (
            "岗位职责",
            "1、办理现金收付。2、登记现金日记账。",
            "岗位职责",
            "1、办理现金收付。2、登记现金日记账。",
        ),
        ("任职资格", "会计专业大专以上学历", "", ""),
    ]
    job = job_from_table(rows, "财务制度")
    assert job is not None
    assert (job.title, job.department, job.reports_to, job.subordinates) == (
        "出纳",
        "财务部",
        "财务部经理",
        (),
    )
    assert job.responsibilities == ("办理现金收付。", "登记现金日记账。")
    assert job.qualifications == ("会计专业大专以上学历",)
    assert job_from_table([("项目", "金额"), ("差旅费", "300")], "财务制度") is None


def test_a_docx_with_job_description_tables_imports_them(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("财务部岗位说明书")
    document.add_paragraph("第一章岗位说明")
    for title, superior in (("财务部经理", "财务总监"), ("会计", "财务部经理")):
        document.add_paragraph(f"一、{title}")
        table = document.add_table(rows=3, cols=4)
        cells = [
            ("职位名称", title, "所属部门", "财务部"),
            ("直接上级", superior, "直接下级", "—"),
            ("岗位职责", "1、审核凭证。2、编制报表。", "", ""),
        ]
        for row, values in zip(table.rows, cells, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    path = tmp_path / "finance.docx"
    document.save(str(path))
    jobs = {j.title: j for d in import_files([path]).documents for j in d.job_descriptions}
    assert jobs["会计"].reports_to == "财务部经理" and jobs["会计"].department == "财务部"
    assert jobs["财务部经理"].reports_to == "财务总监"
    assert jobs["会计"].responsibilities == ("审核凭证。", "编制报表。")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet="营销部经理主管总监直接上级为下级的、，。：1.一二设立名组织架构岗位职责◇", max_size=60
        ),
        max_size=6,
    )
)
def test_any_text_gives_jobs_with_titles_and_no_self_superior(lines: list[str]) -> None:
    jobs = _jobs("组织架构管理制度", *lines)
    for job in jobs.values():
        assert job.title.strip()
        assert job.reports_to != job.title
