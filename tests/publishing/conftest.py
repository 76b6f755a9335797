"""Shared, expensive fixtures of the publishing tests: the two-release site is built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from domain.model import Release
from domain.serialize import dumps, release_to_dict
from tests.publishing.factories import first_release, second_release


def store_releases(root: Path, *releases: Release) -> None:
    folder = root / "handbook" / "releases"
    folder.mkdir(parents=True, exist_ok=True)
    for release in releases:
        (folder / f"{release.version}.json").write_text(dumps(release_to_dict(release)), encoding="utf-8")


@pytest.fixture(scope="session")
def two_release_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root with releases 2026.1 and 2026.2 (an edited copy), built by ``handbook build --all``."""
    root = tmp_path_factory.mktemp("project")
    store_releases(root, first_release(), second_release())
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--all"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (root / "build-output.txt").write_text(result.output, encoding="utf-8")  # for the CLI tests
    return root
