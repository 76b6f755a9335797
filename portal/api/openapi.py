"""The OpenAPI 3.1 document of /api/v1, generated from the endpoint declarations (portal/api/guard.py)."""

from __future__ import annotations

from typing import Any

from portal.access import ROLE_LABELS
from portal.api.guard import Endpoint, Parameter
from portal.api.tokens import SCOPE_LABELS

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
}


def _parameter(p: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": p.kind}
    if p.minimum is not None:
        schema["minimum"] = p.minimum
    if p.maximum is not None:
        schema["maximum"] = p.maximum
    return {"name": p.name, "in": "query", "required": False, "description": p.description, "schema": schema}


def _operation(e: Endpoint) -> dict[str, Any]:
    who = "、".join(ROLE_LABELS[r] for r in sorted(e.roles)) if e.roles else "任何账号"
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "summary": e.summary,
        "description": f"权限：{e.scope}（{SCOPE_LABELS[e.scope]}）；令牌所属账号：{who}。",
        "operationId": e.path.strip("/").replace("/", "_") or "root",
        "security": [{"bearer": [e.scope.value]}],
        "parameters": [_parameter(p) for p in e.parameters],
        "responses": {
            "200": {"description": "成功", "content": {"application/json": {"schema": {
                "type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": e.item}, "next_after_id": {"type": ["integer", "null"]}},
            }}}},
            "400": {"description": "参数错误", **error},
            "401": {"description": "缺少有效令牌", **error},
            "403": {"description": "权限不足", **error},
        },
    }


def document(endpoints: list[Endpoint], prefix: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "管理制度手册接口", "version": "1"},
        "servers": [{"url": prefix}],
        "paths": {e.path: {"get": _operation(e)} for e in endpoints},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "接口令牌（hbk_ 开头）"}},
            "schemas": {"Error": ERROR},
        },
    }
