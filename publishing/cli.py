"""Command-line commands of the publishing stage: ``handbook release`` and ``handbook build``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from domain.errors import HandbookError
from domain.model import FormTemplate
from project.paths import Paths
from publishing.releases import create_release, load_releases
from publishing.site import SiteBuild, build_release, plan_builds, publish_versions


def _standard_forms() -> tuple[FormTemplate, ...]:
    """The forms stage's declarations, for the 表单 page (empty if that stage is absent)."""
    try:
        from forms.declarations import ALL_FORMS
    except ImportError:  # the forms stage is optional for the site
        return ()
    return tuple(ALL_FORMS)


def _mkdocs_config(paths: Paths) -> Path:
    """The root's mkdocs.yml, else the checkout's (a --root holding only content)."""
    own = paths.root / "mkdocs.yml"
    return own if own.is_file() else Path(__file__).resolve().parent.parent / "mkdocs.yml"


def _fail(exc: HandbookError) -> click.ClickException:
    return click.ClickException(exc.user_message)


@click.command("release")
@click.argument("version")
@click.option(
    "--effective", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="施行日期 YYYY-MM-DD"
)
@click.option("--title", default="", help="版本名称，例如“2026 年第一版”")
@click.option("--notes", default="", help="版本说明")
@click.pass_obj
def release_command(paths: Paths, version: str, effective: dt.datetime, title: str, notes: str) -> None:
    """把当前导入的手册（handbook/model.json）发布为版本 VERSION（不会覆盖已有版本）。"""
    try:
        path = create_release(paths.model, paths.releases, version, effective.date(), title, notes)
    except HandbookError as exc:
        raise _fail(exc) from exc
    click.echo(
        f"已发布版本 {version}：{path.relative_to(paths.root) if path.is_relative_to(paths.root) else path}"
    )
    click.echo("运行 handbook build 生成该版本的站点。")


@click.command("build")
@click.option("--release", "versions", multiple=True, metavar="VERSION", help="只构建指定版本（可重复）")
@click.option("--all", "build_all", is_flag=True, help="构建所有尚未构建的版本")
@click.pass_obj
def build_command(paths: Paths, versions: tuple[str, ...], build_all: bool) -> None:
    """构建版本化站点 site/<版本>/（已构建的版本不会重建），并更新 versions.json 与 latest。

    默认只构建最新版本；--all 构建所有缺失的版本。
    """
    try:
        releases = load_releases(paths.releases)
        if not releases:
            raise click.ClickException("尚无发布版本：请先运行 handbook release VERSION --effective 日期。")
        known = {r.version for r in releases}
        if unknown := [v for v in versions if v not in known]:
            raise click.ClickException(
                f"没有这些版本：{'、'.join(unknown)}（已有：{'、'.join(sorted(known))}）"
            )
        wanted = (
            list(versions)
            if versions
            else [r.version for r in releases]
            if build_all
            else [releases[-1].version]
        )
        target = SiteBuild(_mkdocs_config(paths), paths.site)
        plan = plan_builds(target, releases, wanted)
        forms = _standard_forms()
        if len(plan) > 1:
            with click.progressbar(
                plan, label="构建站点", item_show_func=lambda p: p[0].version if p else ""
            ) as bar:
                for release, previous in bar:
                    build_release(target, release, previous, forms)
        else:
            for release, previous in plan:
                click.echo(f"构建版本 {release.version} …")
                build_release(target, release, previous, forms)
        data = publish_versions(paths.site, releases)
    except HandbookError as exc:
        raise _fail(exc) from exc
    skipped = [v for v in wanted if v not in {r.version for r, _ in plan}]
    if skipped:
        click.echo(f"已存在，未重建：{'、'.join(skipped)}")
    click.echo(f"站点：{paths.site}（{len(data)} 个版本，最新 {data[0]['version'] if data else '—'}）")


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
    main.add_command(release_command)
    main.add_command(build_command)
