"""Command-line commands of the forms stage: ``handbook forms list|blank|fill|example|check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from domain.errors import HandbookError, ValidationFailed
from domain.model import FormTemplate
from forms.declarations import ALL_FORMS, form_by_slug
from forms.placeholders import mismatches
from forms.render import render_blank, render_filled, template_path
from forms.validation import key_label, validate

EXAMPLES_DIR = Path(__file__).parent / "examples"


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
    main.add_command(forms)


@click.group()
def forms() -> None:
    """标准表单：年度营销计划、月度目标与PDCA计划、目标管理卡、销售合同与客户档案、会议纪要。"""


@forms.command("list")
def list_forms() -> None:
    """列出所有表单及其制度依据。"""
    for form in ALL_FORMS:
        click.echo(f"{form.slug}\t{form.title}")
        click.echo(f"    {form.description}")
        for ref in form.required_by:
            click.echo(f"    依据：{ref}")


@forms.command()
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .docx 文件。")
def blank(slug: str, output: Path) -> None:
    """生成空白表单（供手工填写）。"""
    form = _form(slug)
    output.write_bytes(render_blank(form))
    click.echo(f"已生成空白表单：{output}")


@forms.command()
@click.argument("slug")
@click.argument("values", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .docx 文件。")
def fill(slug: str, values: Path, output: Path) -> None:
    """用 JSON 文件中的数据填写表单（格式见 handbook forms example SLUG）。"""
    form = _form(slug)
    try:
        raw = json.loads(values.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"无法读取 {values}：不是 UTF-8 编码的 JSON 文件（{exc}）。") from exc
    if not isinstance(raw, dict):
        raise click.ClickException(f"{values} 的内容应为一个 JSON 对象（字段名 → 值）。")
    try:
        filled = validate(form, raw)
    except ValidationFailed as exc:
        click.echo(exc.user_message, err=True)
        for key, message in exc.field_errors.items():
            click.echo(f"  {key_label(form, key)}：{message}", err=True)
        sys.exit(1)
    for key, message in filled.warnings.items():
        click.echo(f"提醒：{key_label(form, key)}：{message}", err=True)
    output.write_bytes(render_filled(filled))
    click.echo(f"已生成：{output}")


@forms.command()
@click.argument("slug")
def example(slug: str) -> None:
    """打印一份填写示例（JSON），可作为 fill 的输入。"""
    form = _form(slug)
    click.echo((EXAMPLES_DIR / f"{form.slug}.json").read_text(encoding="utf-8"), nl=False)


@forms.command()
def check() -> None:
    """检查每个模板的占位符与表单声明是否一致。"""
    problems = [problem for form in ALL_FORMS for problem in mismatches(form, template_path(form))]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} 处模板与声明不一致。")
    click.echo(f"{len(ALL_FORMS)} 个模板均与声明一致。")


def _form(slug: str) -> FormTemplate:
    try:
        return form_by_slug(slug)
    except HandbookError as exc:
        raise click.ClickException(exc.user_message) from exc
