"""Every action the code writes to the audit log has a Chinese label for the admin's view."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.audit.services import ACTION_LABELS

PORTAL = Path(__file__).resolve().parents[3] / "portal"


def _string_constants(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _string_constants(node.body) + _string_constants(node.orelse)
    return []


def recorded_actions() -> set[str]:
    actions: set[str] = set()
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"record", "audit"} and len(node.args) >= 3:  # imported as either name
                actions.update(_string_constants(node.args[2]))
    return actions


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions()
    assert "minutes_signed" in actions  # the scan really finds the calls
    # A signature's audit event is written in SQL by the signing statement (portal/acks/append.py).
    assert "'signed'" in (PORTAL / "acks" / "append.py").read_text(encoding="utf-8")
    actions.add("signed")
    assert sorted(actions - ACTION_LABELS.keys()) == []
