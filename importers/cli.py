"""Command-line commands of the importers stage: ``handbook import``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from project.paths import Paths

if TYPE_CHECKING:
    from domain.model import Handbook
    from importers.pipeline import HandbookImport

# The pipeline (readers, python-docx, LibreOffice glue) is imported when the command
# runs, so that every other ``handbook`` command starts without paying for it.


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
    main.add_command(import_command)


@click.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录（默认：项目的 handbook/ 目录）。",
)
@click.option("--json", "as_json", is_flag=True, help="不写文件，把结构化的模型以 JSON 打印到标准输出。")
@click.option(
    "--no-libreoffice",
    "no_libreoffice",
    is_flag=True,
    help="不用 LibreOffice，只用 antiword 读取 .doc（仅文字，样式和表格会丢失）。",
)
@click.option(
    "--keep-going",
    "keep_going",
    is_flag=True,
    help="有文件无法导入时仍写入其余文件的结果（退出状态仍为 1）；默认什么都不写。",
)
@click.pass_context
def import_command(
    ctx: click.Context,
    sources: Sequence[Path],
    out_dir: Path | None,
    as_json: bool,
    no_libreoffice: bool,
    keep_going: bool,
) -> None:
    """导入制度文件（.txt、.doc、.docx 或包含它们的目录），生成 Markdown、model.json 和导入报告。

    任何文件无法导入时退出状态为 1，且不写入任何文件、输出目录保持不变；
    加 --keep-going 则只写入其余文件的结果，并列出被跳过的文件（退出状态仍为 1）。
    """
    from domain.serialize import dumps, handbook_to_dict
    from importers.pipeline import REPORT_FILE, expand_sources
    from importers.report import summary_lines

    files = expand_sources(sources)
    if not files:
        raise click.UsageError("没有找到可导入的文件（.txt、.doc、.docx）。")
    run = _run_with_progress(files, use_libreoffice=not no_libreoffice)
    refused = "、".join(name for name, _ in run.failures)
    if run.failed and not keep_going:
        # All or nothing: a batch with a refused file must not replace a working handbook
        # with a smaller one (issue 9, finding 8).
        for _, message in run.failures:
            click.echo(message, err=True)
        click.echo(
            f"有 {len(run.failures)} 个文件无法导入（{refused}），没有写入任何内容，输出目录保持不变。"
            "如只想导入其余文件，请加 --keep-going。",
            err=True,
        )
        ctx.exit(1)
    if as_json:
        click.echo(dumps(handbook_to_dict(run.handbook)), nl=False)
    elif not run.handbook.documents:
        # Nothing usable came in: keep the previous output serving rather than
        # replacing a whole handbook with an empty one.
        click.echo("没有可导入的文档，输出目录保持不变。", err=True)
    else:
        target = out_dir if out_dir is not None else _default_out(ctx)
        write_output(run.handbook, target, run)
        for line in summary_lines(run.handbook):
            click.echo(line)
        click.echo(f"报告：{target / REPORT_FILE}")
    if run.failed:
        for _, message in run.failures:
            click.echo(message, err=True)
        if run.handbook.documents and not as_json:
            click.echo(
                f"--keep-going：已跳过 {len(run.failures)} 个无法导入的文件（{refused}），只写入了其余文件。",
                err=True,
            )
        ctx.exit(1)


def _run_with_progress(files: list[Path], *, use_libreoffice: bool) -> HandbookImport:
    from importers.pipeline import run_import

    if len(files) < 2:
        return run_import(files, use_libreoffice=use_libreoffice)
    with click.progressbar(length=len(files), label="导入", file=sys.stderr) as bar:
        return run_import(files, progress=lambda _path: bar.update(1), use_libreoffice=use_libreoffice)


def _default_out(ctx: click.Context) -> Path:
    paths = ctx.find_object(Paths)
    if paths is None:  # called outside the ``handbook`` group (tests invoking the command alone)
        raise click.UsageError("请用 --out 指定输出目录。")
    return paths.handbook


def _xref_section(handbook: Handbook) -> str:
    """The import report's 引用检查: which references in the text lead nowhere."""
    from knowledge.report import report_lines
    from knowledge.xrefs import cross_references

    return "\n" + "\n".join(report_lines(cross_references(handbook.documents), handbook.documents)).rstrip() + "\n"


def write_output(handbook: Handbook, out_dir: Path, run: HandbookImport | None = None) -> list[Path]:
    """Write the Markdown pages, ``model.json`` and ``import-report.md``; return the paths written.

    The one place the import writes files (the pipeline itself only returns values).
    """
    from domain.serialize import dumps, handbook_to_dict
    from importers.pipeline import MODEL_FILE, REPORT_FILE
    from importers.report import render_report
    from publishing.markdown.files import write_handbook

    out_dir.mkdir(parents=True, exist_ok=True)
    written = list(write_handbook(handbook, out_dir))
    model = out_dir / MODEL_FILE
    model.write_text(dumps(handbook_to_dict(handbook)), encoding="utf-8")
    report = out_dir / REPORT_FILE
    details = run.sections if run is not None else ()
    failures = run.failures if run is not None else ()
    report.write_text(render_report(handbook, details, failures) + _xref_section(handbook), encoding="utf-8")
    return sorted([*written, model, report])
