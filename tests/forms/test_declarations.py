"""The form declarations are consistent, and each cites a clause that exists in the real handbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.errors import NotFound
from domain.model import FieldSpec, FormTemplate, Handbook
from domain.serialize import handbook_from_dict
from forms.checks import CHECKS
from forms.computed import is_known
from forms.declarations import ALL_FORMS, form_by_slug
from importers.pipeline import import_files

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "handbook" / "model.json"
SEED = ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt"


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    """The committed model when the import has been run, else a fresh import of the seed."""
    if MODEL.exists():
        return handbook_from_dict(json.loads(MODEL.read_text(encoding="utf-8")))
    return import_files([SEED])


def all_fields(form: FormTemplate) -> list[FieldSpec]:
    return [spec for field in form.fields for spec in (field, *field.columns)]


def test_slugs_and_template_files_are_unique() -> None:
    assert len({f.slug for f in ALL_FORMS}) == len(ALL_FORMS) == 5
    assert len({f.template_file for f in ALL_FORMS}) == len(ALL_FORMS)


def test_an_unknown_slug_is_not_found_in_chinese() -> None:
    with pytest.raises(NotFound) as caught:
        form_by_slug("no-such-form")
    assert "no-such-form" in caught.value.user_message


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_field_names_are_unique_identifiers(form: FormTemplate) -> None:
    names = [spec.name for spec in form.fields]
    assert len(names) == len(set(names))
    for spec in all_fields(form):
        assert spec.name.isidentifier() and spec.name.isascii()
        assert spec.label and not spec.label.isascii()


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_every_text_field_has_a_length_limit(form: FormTemplate) -> None:
    for spec in all_fields(form):
        if spec.type in ("text", "multiline") and not spec.computed:
            assert spec.max_length is not None and spec.max_length <= 10_000, spec.name


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_computed_fields_checks_and_orderings_refer_to_things_that_exist(form: FormTemplate) -> None:
    form_names = {spec.name for spec in form.fields}
    for spec in form.fields:
        row_names = {c.name for c in spec.columns}
        for item in (spec, *spec.columns):
            if item.computed:
                assert is_known(item.computed), item.computed
            if item.after:
                assert item.after in form_names | row_names, item.after
        if spec.type == "table":
            assert spec.columns and spec.max_rows
    for name in form.checks:
        assert name in CHECKS


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_choices_are_given_for_every_choice_field(form: FormTemplate) -> None:
    for spec in all_fields(form):
        assert bool(spec.choices) == (spec.type == "choice"), spec.name


def test_the_contract_records_every_item_the_customer_file_rule_lists() -> None:
    labels = "".join(spec.label for spec in all_fields(form_by_slug("sales-contract")))
    for item in ("编号", "姓名", "房号", "建筑面积", "套内面积", "单价", "总房款", "付款方式", "签约日期", "交房时间", "特殊条款", "合同号", "附件", "联系电话", "住址"):
        assert item in labels, item


def test_the_minutes_record_every_item_of_the_issue() -> None:
    labels = {spec.label for spec in all_fields(form_by_slug("meeting-minutes"))}
    for item in ("会议名称", "会议类型", "主持人", "记录人", "参会人员", "缺席人员", "会议议程", "讨论内容", "决议事项", "责任人", "完成期限", "保密等级"):
        assert item in labels, item


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_each_form_cites_clauses_that_exist_in_the_handbook(form: FormTemplate, handbook: Handbook) -> None:
    assert form.required_by
    for ref in form.required_by:
        document = handbook.document(ref.document_slug)
        assert document is not None, f"no document {ref.document_slug}"
        assert document.find(ref.anchor) is not None, f"no clause {ref}"


def test_the_cited_clauses_say_what_the_forms_implement(handbook: Handbook) -> None:
    def text(slug: str, anchor: str) -> str:
        document = handbook.document(slug)
        assert document is not None
        section = document.find(anchor)
        assert section is not None
        return section.title + section.text

    assert "28" in text("营销中心目标管理制度", "四-2")
    assert "目标管理卡" in text("营销中心目标管理制度", "四-4")
    assert "客户档案" in text("营销中心管理制度完整", "第一章-一-17")
    assert "主持人审核和签署" in text("市场营销中心会议管理制度", "三-4")
    assert "市场拓展计划书" in text("营销管理中心规范化管理架构部门职责及制度", "第九条")
