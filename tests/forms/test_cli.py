"""``handbook forms``: list, blank, fill (with messages in Chinese), example, check."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from cli.main import main
from forms.declarations import ALL_FORMS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["forms", *args])
    return result.exit_code, result.stdout, result.stderr


def text_of(path: Path) -> str:
    document = Document(io.BytesIO(path.read_bytes()))
    return "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_list_names_every_form_and_its_clauses() -> None:
    code, out, _ = run("list")
    assert code == 0
    for form in ALL_FORMS:
        assert form.slug in out and form.title in out
        for ref in form.required_by:
            assert f"依据：{ref}" in out


def test_blank_writes_a_word_file(tmp_path: Path) -> None:
    target = tmp_path / "card.docx"
    code, out, _ = run("blank", "goal-card", "-o", str(target))
    assert code == 0 and "已生成空白表单" in out
    assert "目标管理卡" in text_of(target)


def test_example_fills_into_a_word_file(tmp_path: Path) -> None:
    code, example, _ = run("example", "sales-contract")
    values = tmp_path / "values.json"
    values.write_text(example, encoding="utf-8")
    target = tmp_path / "contract.docx"
    code, out, _ = run("fill", "sales-contract", str(values), "-o", str(target))
    assert code == 0 and "已生成" in out
    assert "人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整" in text_of(target)


def test_fill_lists_each_problem_by_its_label_and_writes_nothing(tmp_path: Path) -> None:
    _, example, _ = run("example", "meeting-minutes")
    data = json.loads(example)
    data["decisions"][0]["deadline"] = "2026-01-01"
    data["location"] = "@会议室"
    values = tmp_path / "values.json"
    values.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "minutes.docx"
    code, _, err = run("fill", "meeting-minutes", str(values), "-o", str(target))
    assert code == 1 and not target.exists()
    assert "决议事项第1行·完成期限：完成期限不能早于会议日期。" in err
    assert "会议地点：不能以 = + - @ 开头" in err


def test_fill_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    values = tmp_path / "values.json"
    values.write_bytes(b"\xff\xfe not json")
    code, _, err = run("fill", "goal-card", str(values), "-o", str(tmp_path / "x.docx"))
    assert code == 1 and "不是 UTF-8 编码的 JSON 文件" in err


def test_an_unknown_form_is_reported_in_chinese(tmp_path: Path) -> None:
    code, _, err = run("blank", "no-such-form", "-o", str(tmp_path / "x.docx"))
    assert code == 1 and "没有名为“no-such-form”的表单" in err


def test_check_passes_on_the_committed_templates() -> None:
    code, out, _ = run("check")
    assert code == 0 and "5 个模板均与声明一致" in out
