"""Shared by every suite: a browser test fails on any console error, script error or English UI word."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import PROBLEMS


@pytest.fixture(autouse=True)
def pages_without_errors_or_english() -> Iterator[None]:
    """Collected by tests.browser.watch_page on every page a browser test loads; empty for other tests."""
    PROBLEMS.clear()
    yield
    problems, PROBLEMS[:] = list(PROBLEMS), []
    assert not problems, "\n".join(problems)
