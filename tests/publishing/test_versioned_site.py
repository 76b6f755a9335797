"""Two releases built by ``handbook build``: versions, latest, outdated banner, 本版变更."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from domain.model import Handbook
from domain.serialize import dumps, handbook_to_dict
from publishing.releases import create_release, load_releases
from publishing.site import SiteBuild, build_site, plan_builds, redirect_html
from tests.publishing.factories import small_handbook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def root(two_release_project: Path) -> Path:
    return two_release_project


def read(root: Path, rel: str) -> str:
    return (root / "site" / rel).read_text(encoding="utf-8")


def article(root: Path, rel: str) -> str:
    text = read(root, rel)
    return text[text.index("<article") : text.index("</article>")]


# -------------------------------------------------------------- versions


def test_versions_json_is_mikes_format_newest_first_with_latest(root: Path) -> None:
    data = json.loads(read(root, "versions.json"))
    assert [v["version"] for v in data] == ["2026.2", "2026.1"]
    assert [v["aliases"] for v in data] == [["latest"], []]
    assert data[0]["title"] == "2026.2 2026 年第二版"
    assert data[1]["properties"]["effective"] == "2026-01-01"
    assert set(data[0]) == {"version", "title", "aliases", "properties"}


def test_latest_is_a_copy_of_the_newest_release(root: Path) -> None:
    rel = "regulations/meeting-rules/index.html"
    assert (root / "site/latest" / rel).read_bytes() == (root / "site/2026.2" / rel).read_bytes()
    assert "第十一条" in read(root, "latest/" + rel)


def test_site_root_redirects_to_latest_keeping_the_fragment(root: Path) -> None:
    assert read(root, "index.html") == redirect_html("latest/")
    assert "location.hash" in read(root, "index.html")


def test_every_page_carries_the_version_selector_and_outdated_banner(root: Path) -> None:
    for version in ("2026.1", "2026.2"):
        text = read(root, f"{version}/regulations/meeting-rules/index.html")
        assert '"version": {"default": "latest", "provider": "mike"}' in text
        banner = re.search(r'data-md-component="outdated" hidden>(.*?)</aside>', text, re.S)
        assert banner is not None and "您正在查看的不是现行版本" in banner.group(1)


def test_old_release_keeps_its_own_text(root: Path) -> None:
    old = article(root, "2026.1/regulations/meeting-rules/index.html")
    assert 'id="第二条"' in old and 'id="第十一条"' not in old
    assert "版本 2026.1" in read(root, "2026.1/regulations/meeting-rules/index.html")


def test_built_release_is_never_rebuilt(root: Path) -> None:
    page = root / "site/2026.1/index.html"
    before = page.stat()
    releases = load_releases(root / "handbook/releases")
    built = build_site(SiteBuild(ROOT / "mkdocs.yml", root / "site"), releases, ["2026.1", "2026.2"])
    assert built == []
    after = page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_release_whose_directory_is_missing_is_planned_again(root: Path, tmp_path: Path) -> None:
    releases = load_releases(root / "handbook/releases")
    target = SiteBuild(ROOT / "mkdocs.yml", tmp_path)
    (tmp_path / "2026.2").mkdir()
    plan = plan_builds(target, releases, ["2026.1", "2026.2"])
    assert [(r.version, p.version if p else None) for r, p in plan] == [("2026.1", None)]


def test_search_index_keeps_company_terms_whole(root: Path) -> None:
    index = json.loads(read(root, "2026.2/search/search_index.json"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "窜货" in text  # jieba alone splits it 窜/货; our dictionary keeps it whole
    assert "窜\u200b货" not in text


# --------------------------------------------------------------- changes


def change_items(root: Path, version: str) -> list[str]:
    body = article(root, f"{version}/changes/index.html")
    return [
        html.unescape(re.sub(r"<(?!/?(?:ins|del)\b)[^>]+>", "", li))
        for li in re.findall(r"<li>(.*?)</li>", body, re.S)
    ]


def test_changes_page_lists_exactly_the_changed_clauses(root: Path) -> None:
    items = change_items(root, "2026.2")
    cited = sorted(re.match(r"(新增|删除|修改) (\S+?)：", i).group(2) for i in items)  # type: ignore[union-attr]
    assert cited == sorted(["第十条", "第十一条", "第二条"])


def test_changed_clause_text_is_marked_inline(root: Path) -> None:
    [tenth] = [i for i in change_items(root, "2026.2") if i.startswith("修改 第十条")]
    assert '<ins class="diff">记录人整理，</ins>' in tenth
    assert '<del class="diff">二</del><ins class="diff">三</ins>' in tenth


def test_formatting_only_edit_is_counted_not_listed(root: Path) -> None:
    body = article(root, "2026.2/changes/index.html")
    assert "另有 1 处仅涉及格式" in body
    assert "第一条" not in body


def test_changed_clause_links_to_its_permalink_in_the_new_release(root: Path) -> None:
    body = article(root, "2026.2/changes/index.html")
    assert '<a href="../regulations/meeting-rules/#第十条">' in body


def test_first_release_has_no_previous_to_compare(root: Path) -> None:
    assert "第一个发布版本" in article(root, "2026.1/changes/index.html")


def test_forms_page_lists_the_standard_forms(root: Path) -> None:
    from forms.declarations import ALL_FORMS

    body = article(root, "2026.2/forms/index.html")
    assert all(html.escape(form.title, quote=False) in body for form in ALL_FORMS)


# -------------------------------------------------------------- releases


def model_root(tmp_path: Path, handbook: Handbook) -> Path:
    (tmp_path / "handbook").mkdir()
    (tmp_path / "handbook/model.json").write_text(dumps(handbook_to_dict(handbook)), encoding="utf-8")
    return tmp_path


def test_release_command_snapshots_the_model_and_never_overwrites(tmp_path: Path) -> None:
    root = model_root(tmp_path, small_handbook())
    args = ["--root", str(root), "release", "2026.1", "--effective", "2026-01-01", "--title", "2026 年第一版"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    stored = (root / "handbook/releases/2026.1.json").read_bytes()
    [release] = load_releases(root / "handbook/releases")
    assert (release.title, release.effective) == ("2026 年第一版", dt.date(2026, 1, 1))
    assert [d.slug for d in release.documents] == [d.slug for d in small_handbook().documents]
    again = CliRunner().invoke(main, [*args[:-2], "--title", "覆盖"])
    assert again.exit_code != 0 and "不能覆盖" in again.output
    assert (root / "handbook/releases/2026.1.json").read_bytes() == stored


@pytest.mark.parametrize("version", ["latest", "../x", "", "2026 1"])
def test_unsafe_version_names_are_refused(tmp_path: Path, version: str) -> None:
    from domain.errors import ValidationFailed

    root = model_root(tmp_path, small_handbook())
    with pytest.raises(ValidationFailed):
        create_release(
            root / "handbook/model.json", root / "handbook/releases", version, dt.date(2026, 1, 1), ""
        )
    assert not (root / "handbook/releases").exists() or not any((root / "handbook/releases").iterdir())


def test_multi_release_build_shows_progress_and_a_summary(root: Path) -> None:
    output = (root / "build-output.txt").read_text(encoding="utf-8")
    assert "构建站点" in output
    assert "2 个版本，最新 2026.2" in output


def test_build_without_releases_explains_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "build"])
    assert result.exit_code != 0
    assert "handbook release" in result.output
    assert not (tmp_path / "site").exists()
