"""jieba's dictionaries for search: ours always, the site's company dictionary when the project has one."""

from __future__ import annotations

from pathlib import Path

from search.dictionaries import PACKAGE_DICTIONARY, SITE_DICTIONARY, dictionaries


def test_our_dictionary_ships_with_the_package() -> None:
    assert PACKAGE_DICTIONARY.is_file()


def test_a_project_without_a_company_dictionary_uses_ours_alone(tmp_path: Path) -> None:
    assert dictionaries(tmp_path) == (PACKAGE_DICTIONARY,)


def test_the_company_dictionary_of_the_site_comes_after_ours(tmp_path: Path) -> None:
    site = tmp_path / SITE_DICTIONARY
    site.parent.mkdir(parents=True)
    site.write_text("案场经理 10 n\n", encoding="utf-8")
    assert dictionaries(tmp_path) == (PACKAGE_DICTIONARY, site)
