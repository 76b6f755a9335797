"""portal.config: the typed settings, read once by the factory (defaults, environment, overrides)."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from portal import config
from portal.config import DEFAULTS, FLASK_DEFAULTS, Settings, settings_of


def test_the_defaults_hold_flasks_keys_and_every_setting() -> None:
    assert set(DEFAULTS) == set(FLASK_DEFAULTS) | {name.upper() for name in Settings.__dataclass_fields__}
    assert DEFAULTS["REVISION_DUE_DAYS"] == 30 and DEFAULTS["HANDBOOK_ROOT"] is None


def test_every_setting_says_what_it_does() -> None:
    body = ast.parse(inspect.getsource(Settings)).body[0]
    assert isinstance(body, ast.ClassDef)
    documented: set[str] = set()
    for statement, following in zip(body.body, body.body[1:], strict=False):
        named = isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
        if named and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
            documented.add(statement.target.id)  # type: ignore[union-attr]
    assert documented == set(Settings.__dataclass_fields__)


def test_the_factory_builds_the_settings_once_environment_then_overrides(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://handbook.example.com")
    monkeypatch.setenv("TASK_MODULES", "one, two")
    monkeypatch.setenv("SIGN_REQUIRES_PASSWORD", "1")
    app = make_app(PORTAL_BASE_URL="https://override.example.com", PAGE_SIZE="20", ALLOW_SELF_APPROVAL=True)
    settings = settings_of(app)
    assert settings is app.extensions[config.SETTINGS_KEY]
    assert settings.smtp_host == "mail.example.com"  # environment over the default
    assert settings.portal_base_url == "https://override.example.com"  # overrides over the environment
    assert settings.page_size == 20 and settings.allow_self_approval is True
    assert settings.task_modules == ("one", "two") and settings.sign_requires_password is True
    assert settings.handbook_root == tmp_path and settings.revision_due_days == 30
    with pytest.raises(AttributeError):
        settings.page_size = 10  # type: ignore[misc]
    assert app.config["SECRET_KEY"] == "test-secret"  # Flask's own keys stay in app.config


def test_settings_from_a_mapping_convert_to_their_types(tmp_path: Path) -> None:
    settings = Settings.from_config({"HANDBOOK_ROOT": str(tmp_path), "SMTP_PORT": "2525", "TASK_CONSUMER": "0", "TASK_QUEUE_URL": None})
    assert settings.handbook_root == tmp_path and settings.smtp_port == 2525
    assert settings.task_consumer is False and settings.task_queue_url is None
