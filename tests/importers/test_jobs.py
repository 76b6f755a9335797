"""Job descriptions read from the three shapes real handbooks use."""

from __future__ import annotations

from domain.model import JobDescription, Section, SectionKind, SourceRef
from importers.blocks import Block
from importers.jobs import FoundJobs, extract_jobs
from importers.structure import recover

SOURCE = SourceRef("jobs.txt", "0" * 64)


def _jobs(*lines: str) -> list[JobDescription]:
    blocks = [Block(text, f"jobs.txt:{i}") for i, text in enumerate(lines, 1)]
    return [job for document in recover(blocks, SOURCE).value for job in document.job_descriptions]


def test_labelled_job_title_with_numbered_duties() -> None:
    (job,) = _jobs(
        "营销中心管理制度",
        "第一章岗位职责一、职位名称:销售部经理1、贯彻执行公司的经营策略。",
        "2、制定部门各种管理规章制度。",
        "3、主持整体销售工作；4、统筹组织部门的业务工作开展。",
    )
    assert job.title == "销售部经理"
    assert job.responsibilities == (
        "贯彻执行公司的经营策略。",
        "制定部门各种管理规章制度。",
        "主持整体销售工作；",
        "统筹组织部门的业务工作开展。",
    )
    assert job.slug == "营销中心管理制度-销售部经理" and job.document_slug == "营销中心管理制度"


def test_bulleted_job_with_labelled_fields() -> None:
    (job,) = _jobs(
        "营销中心管理制度",
        "一、营销中心部门职能部门名称:营销中心直接领导:总经理",
        "三、职位说明◇营销副总直接上级:总经理直接下级:营销部经理、业务部经理本职工作:营销中心整体工作的把握与推进。",
        "责任:1、根据公司发展，计划并合理配置人员编制。",
        "2、拟定年度销售计划。",
    )
    assert job.title == "营销副总"
    assert job.reports_to == "总经理"
    assert job.subordinates == ("营销部经理", "业务部经理")
    assert job.summary == "营销中心整体工作的把握与推进。"
    assert job.department == "营销中心"
    assert job.responsibilities == ("根据公司发展，计划并合理配置人员编制。", "拟定年度销售计划。")


def test_role_paragraphs_become_jobs() -> None:
    jobs = _jobs(
        "案场管理制度",
        "四、案场管理岗位设置和职责1.案场经理职责:负责案场的整体管理工作。",
        "2.客户经理职责:负责客户接待和跟进。",
    )
    assert [(j.title, j.responsibilities) for j in jobs] == [
        ("案场经理", ("负责案场的整体管理工作。",)),
        ("客户经理", ("负责客户接待和跟进。",)),
    ]


def test_fields_of_one_role_in_several_places_are_merged() -> None:
    (job,) = _jobs(
        "营销部管理制度",
        "第一条营销人员的素质要求一、条件要求:1、大学专科以上学历；2、有较好的语言表达能力。",
        "第二条营销人员的岗位职责一、对外代表企业形象。",
    )
    assert job.title == "营销人员"
    assert job.qualifications == ("大学专科以上学历；", "有较好的语言表达能力。")
    assert job.responsibilities == ("对外代表企业形象。",)


def test_authorities_are_read_from_their_label() -> None:
    (job,) = _jobs(
        "岗位说明书", "一、职位名称:市场调研主管", "权限:1、对部门工作的检查权；2、部门预算的建议权。"
    )
    assert job.authorities == ("对部门工作的检查权；", "部门预算的建议权。")


def test_a_department_description_is_not_a_job() -> None:
    assert (
        _jobs(
            "营销中心管理制度",
            "一、营销中心部门职能部门名称:营销中心直接领导:总经理主要职责1、全权处理营销工作。",
        )
        == []
    )


def test_duties_of_something_that_is_not_a_role_are_not_a_job() -> None:
    assert _jobs("营销中心管理制度", "二、营销中心职责1.制定公司营销策略和推广计划。") == []


# -- extract_jobs on a frozen outline ------------------------------------------


def _section(title: str, text: str = "", *children: Section, anchor: str) -> Section:
    return Section(1, "", title, text, SectionKind.HEADING, anchor, tuple(children))


def test_a_labelled_title_takes_its_children_as_duties_and_consumes_them() -> None:
    found = extract_jobs(
        [
            _section(
                "职位名称：销售部经理",
                "",
                _section("", "贯彻执行公司的经营策略。", anchor="a1"),
                _section("", "制定部门制度。", anchor="a2"),
                anchor="h",
            ),
            _section("其他", "无关。", anchor="o"),
        ],
        "yx",
    )
    (job,) = found.jobs
    assert (job.title, job.slug, job.document_slug) == ("销售部经理", "yx-销售部经理", "yx")
    assert job.responsibilities == ("贯彻执行公司的经营策略。", "制定部门制度。")
    assert found.consumed == frozenset({"h", "a1", "a2"})


def test_a_department_named_once_applies_to_jobs_that_name_none() -> None:
    found = extract_jobs(
        [
            _section("", "部门名称：营销中心", anchor="d"),
            _section("案场经理职责", "负责案场管理；负责接待。", anchor="j"),
        ],
        "yx",
    )
    (job,) = found.jobs
    assert job.department == "营销中心"
    assert job.responsibilities == ("负责案场管理；负责接待。",)


def test_labelled_fields_of_a_bulleted_paragraph_are_read_by_their_labels() -> None:
    found = extract_jobs(
        [
            _section(
                "",
                "◇营销副总直接上级：总经理直接下级：销售经理、策划经理本职工作：负责营销。责任：",
                _section("", "制定计划。", anchor="c"),
                anchor="b",
            )
        ],
        "yx",
    )
    (job,) = found.jobs
    assert job.reports_to == "总经理"
    assert job.subordinates == ("销售经理", "策划经理")
    assert job.summary == "负责营销。"
    assert job.responsibilities == ("制定计划。",)


def test_duties_of_a_department_are_not_a_job_and_consume_nothing() -> None:
    assert extract_jobs([_section("市场部职责", "负责市场。", anchor="m")], "yx") == FoundJobs(
        (), frozenset()
    )
