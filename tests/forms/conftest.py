"""Shared fixtures of the forms tests: the realistic example values of every form."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "forms" / "examples"


def load_example(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def example() -> Any:
    """A fresh, modifiable copy of a form's example values: ``example("sales-contract")``."""

    def make(slug: str) -> dict[str, Any]:
        return copy.deepcopy(load_example(slug))

    return make
