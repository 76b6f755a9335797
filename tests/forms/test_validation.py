"""Validation of whole forms: bad input gets a Chinese message next to its field, nothing else passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import ValidationFailed
from forms.declarations import ALL_FORMS, form_by_slug
from forms.validation import Directory, compact, key_label, validate

Example = Callable[[str], dict[str, Any]]


def errors_of(slug: str, raw: dict[str, Any], directory: Directory | None = None) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate(form_by_slug(slug), raw, directory)
    return caught.value.field_errors


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_every_example_is_valid(form: Any, example: Example) -> None:
    filled = validate(form, example(form.slug))
    assert filled.warnings == {}


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_an_empty_form_names_every_required_field(form: Any) -> None:
    errors = errors_of(form.slug, {})
    required = {s.name for s in form.fields if s.required}
    assert required <= errors.keys()
    for name in required:
        assert errors[name].startswith("请填写")
    tables_with_minimum = {s.name for s in form.fields if s.type == "table" and s.min_rows}
    assert tables_with_minimum <= errors.keys()


def test_contract_total_is_area_times_price_rounded_to_the_fen(example: Example) -> None:
    values = validate(form_by_slug("sales-contract"), example("sales-contract")).values
    assert values["total_price"] == Decimal("128.56") * Decimal("9600")
    assert values["total_price_words"] == "壹佰贰拾叁万肆仟壹佰柒拾陆元整"
    assert values["instalments"][0]["amount_words"] == "叁拾柒万零伍拾贰元捌角整"


def test_contract_total_rounds_half_up(example: Example) -> None:
    raw = example("sales-contract") | {"building_area": "89.99", "inner_area": "70", "unit_price": "12345.67", "instalments": []}
    values = validate(form_by_slug("sales-contract"), raw).values
    assert values["total_price"] == Decimal("1110986.84")  # 89.99 × 12345.67 = 1,110,986.8433


def test_a_user_cannot_set_a_computed_total(example: Example) -> None:
    raw = example("sales-contract") | {"total_price": "1", "total_price_words": "壹元整"}
    values = validate(form_by_slug("sales-contract"), raw).values
    assert values["total_price"] == Decimal("1234176.00")


def test_achievement_rate_is_actual_over_target(example: Example) -> None:
    values = validate(form_by_slug("monthly-goal-plan"), example("monthly-goal-plan")).values
    rates = [row["rate"] for row in values["results"]]
    assert rates == [Decimal("92.0"), Decimal("104.0"), Decimal("82.5")]


def test_annual_plan_totals_add_the_departments(example: Example) -> None:
    values = validate(form_by_slug("annual-marketing-plan"), example("annual-marketing-plan")).values
    assert values["total_sales"] == Decimal(28000)
    assert values["total_profit"] == Decimal("4150.5")
    assert values["budget_total"] == Decimal("760.5")


def test_quarters_that_do_not_add_up_to_the_departments_are_refused(example: Example) -> None:
    raw = example("annual-marketing-plan")
    raw["quarter_targets"][0]["sales"] = "5700"
    errors = errors_of("annual-marketing-plan", raw)
    assert "销售额" in errors["quarter_targets"] and "不一致" in errors["quarter_targets"]


def test_a_quarter_listed_twice_is_refused(example: Example) -> None:
    raw = example("annual-marketing-plan")
    raw["quarter_targets"][1]["quarter"] = "第一季度"
    assert "重复" in errors_of("annual-marketing-plan", raw)["quarter_targets-1-quarter"]


def test_goal_weights_must_add_up_to_one_hundred(example: Example) -> None:
    raw = example("goal-card")
    raw["targets"][0]["weight"] = "45"
    assert errors_of("goal-card", raw)["targets"] == "各行权重合计应为100%，现为105%。"


def test_instalments_must_add_up_to_the_total(example: Example) -> None:
    raw = example("sales-contract")
    raw["instalments"][0]["amount"] = "370000"
    assert "与总房款" in errors_of("sales-contract", raw)["instalments"]


def test_inner_area_cannot_exceed_building_area(example: Example) -> None:
    raw = example("sales-contract") | {"inner_area": "130"}
    assert errors_of("sales-contract", raw)["inner_area"] == "套内面积不能大于建筑面积。"


@pytest.mark.parametrize(
    ("slug", "change", "key", "message"),
    [
        ("sales-contract", {"delivery_date": "2026-11-01"}, "delivery_date", "交房时间不能早于签约日期。"),
        ("goal-card", {"period_end": "2026-12"}, "period_end", "考核期止不能早于考核期起。"),
        ("meeting-minutes", {"end_time": "09:00"}, "end_time", "结束时间不能早于开始时间。"),
    ],
)
def test_dates_out_of_order_are_refused(example: Example, slug: str, change: dict[str, str], key: str, message: str) -> None:
    assert errors_of(slug, example(slug) | change)[key] == message


def test_a_decision_due_before_the_meeting_is_refused_in_its_cell(example: Example) -> None:
    raw = example("meeting-minutes")
    raw["decisions"][1]["deadline"] = "2026-11-20"
    assert errors_of("meeting-minutes", raw) == {"decisions-1-deadline": "完成期限不能早于会议日期。"}


def test_a_schedule_row_ending_before_it_starts_is_refused(example: Example) -> None:
    raw = example("annual-marketing-plan")
    raw["schedule"][0]["end"] = "2027-01-01"
    assert errors_of("annual-marketing-plan", raw)["schedule-0-end"] == "完成日期不能早于开始日期。"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "不能为负数。"),
        ("0.5", "不能小于1平方米。"),
        ("1e9", "请填写数字（可带小数点，不要写单位或科学计数法）。"),
        ("99999999", "不能大于100000平方米，请检查是否多输了位数。"),
        ("12.345", "最多保留2位小数。"),
        ("abc", "请填写数字（可带小数点，不要写单位或科学计数法）。"),
        ("NaN", "请填写数字（可带小数点，不要写单位或科学计数法）。"),
    ],
)
def test_negative_and_absurd_numbers_are_refused(example: Example, value: str, message: str) -> None:
    assert errors_of("sales-contract", example("sales-contract") | {"building_area": value})["building_area"] == message


def test_numbers_may_carry_thousands_separators_full_width_digits_and_their_unit(example: Example) -> None:
    raw = example("sales-contract") | {"building_area": "１２８.５６平方米", "unit_price": "9,600"}
    assert validate(form_by_slug("sales-contract"), raw).values["total_price"] == Decimal("1234176.00")


@pytest.mark.parametrize("value", ["2026-02-30", "1899-01-01", "2026/13/01", "next week"])
def test_impossible_or_absurd_dates_are_refused(example: Example, value: str) -> None:
    assert "signed_on" in errors_of("sales-contract", example("sales-contract") | {"signed_on": value})


def test_chinese_dates_are_read(example: Example) -> None:
    raw = example("sales-contract") | {"signed_on": "2026年11月18日"}
    assert validate(form_by_slug("sales-contract"), raw).values["signed_on"] == dt.date(2026, 11, 18)


def test_a_hundred_thousand_characters_are_refused_with_the_limit(example: Example) -> None:
    raw = example("meeting-minutes") | {"discussion": "很" * 100_000, "meeting_name": "会" * 100_000}
    errors = errors_of("meeting-minutes", raw)
    assert errors["discussion"] == "最多10000个字，现为100000个字。"
    assert errors["meeting_name"] == "最多100个字，现为100000个字。"


def test_html_is_kept_as_text(example: Example) -> None:
    raw = example("meeting-minutes") | {"discussion": "<script>alert('x')</script> & <b>加粗</b>"}
    values = validate(form_by_slug("meeting-minutes"), raw).values
    assert values["discussion"] == "<script>alert('x')</script> & <b>加粗</b>"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "  =1+1"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(example: Example, value: str) -> None:
    errors = errors_of("sales-contract", example("sales-contract") | {"address": value})
    assert "公式" in errors["address"]


def test_a_phone_number_with_country_code_is_not_taken_for_a_formula(example: Example) -> None:
    raw = example("sales-contract") | {"phone": "+86 13812345678"}
    assert validate(form_by_slug("sales-contract"), raw).values["phone"] == "+86 13812345678"


def test_control_characters_are_removed_and_single_lines_folded(example: Example) -> None:
    raw = example("sales-contract") | {"address": "北京市\x00朝阳区\r\n望京\x07西路\t18号"}
    assert validate(form_by_slug("sales-contract"), raw).values["address"] == "北京市朝阳区 望京西路 18号"


def test_a_choice_outside_the_list_is_refused(example: Example) -> None:
    errors = errors_of("sales-contract", example("sales-contract") | {"payment_method": "以物易物"})
    assert errors["payment_method"].startswith("请从以下选项中选择：一次性付款")


def test_structured_junk_in_a_text_field_is_refused(example: Example) -> None:
    assert errors_of("sales-contract", example("sales-contract") | {"address": ["a"]})["address"] == "格式不正确。"
    assert errors_of("sales-contract", example("sales-contract") | {"instalments": "x"})["instalments"] == "表格数据格式不正确。"


def test_people_and_departments_must_be_in_the_directory_when_one_is_given(example: Example) -> None:
    directory = Directory(people={"周敏", "赵志强", "王建国", "李晓梅", "陈立"}, departments={"销售管理部"})
    errors = errors_of("meeting-minutes", example("meeting-minutes"), directory)
    assert errors == {
        "absentees-0-name": "员工名册中没有“孙浩”，请填写员工姓名。",
    }


def test_blank_rows_are_dropped_and_errors_count_the_remaining_rows(example: Example) -> None:
    raw = example("meeting-minutes")
    raw["decisions"].insert(0, {"item": "", "owner": " ", "deadline": ""})
    raw["decisions"][2]["deadline"] = "2026-01-01"
    form = form_by_slug("meeting-minutes")
    errors = errors_of("meeting-minutes", raw)
    assert errors == {"decisions-1-deadline": "完成期限不能早于会议日期。"}
    assert compact(form, raw)["decisions"][1]["owner"] == "王建国"
    assert key_label(form, "decisions-1-deadline") == "决议事项第2行·完成期限"


def test_too_many_rows_are_refused(example: Example) -> None:
    raw = example("annual-marketing-plan")
    raw["quarter_targets"].append(dict(raw["quarter_targets"][0]))
    assert errors_of("annual-marketing-plan", raw)["quarter_targets"] == "分季度目标最多4行，现为5行。"


def test_a_plan_written_after_the_28th_is_accepted_with_a_warning(example: Example) -> None:
    raw = example("monthly-goal-plan") | {"prepared_on": "2026-11-29"}
    filled = validate(form_by_slug("monthly-goal-plan"), raw)
    assert "28日前" in filled.warnings["prepared_on"]


def test_a_plan_dated_on_the_28th_is_on_time(example: Example) -> None:
    raw = example("monthly-goal-plan") | {"prepared_on": "2026-11-28"}
    assert validate(form_by_slug("monthly-goal-plan"), raw).warnings == {}


def test_a_plan_for_a_past_month_is_refused(example: Example) -> None:
    raw = example("monthly-goal-plan") | {"prepared_on": "2027-02-03"}
    assert "计划月份" in errors_of("monthly-goal-plan", raw)["prepared_on"]


def test_goal_check_dates_must_fall_in_the_period(example: Example) -> None:
    raw = example("goal-card")
    raw["targets"][2]["check_date"] = "2027-07-01"
    assert errors_of("goal-card", raw) == {"targets-2-check_date": "检查日期应在考核期内。"}


def test_system_fields_cannot_be_set_by_the_user(example: Example) -> None:
    raw = example("meeting-minutes") | {"approved_by": "冒名者", "approved_on": "2026-11-28"}
    values = validate(form_by_slug("meeting-minutes"), raw).values
    assert "approved_by" not in values
