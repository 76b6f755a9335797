"""What comes in from URLs, query strings and forms, made safe for the database.

NUL characters are dropped from every query and form value (:class:`CleanRequest`):
PostgreSQL cannot store them in text and no form has a use for them.  Integers
cannot reach the database out of range:

A row id is an ``INTEGER`` on PostgreSQL (at most 2**31 - 1) and SQLite refuses
Python ints beyond 64 bits, so ``/my/signatures/99999999999999999999`` used to
reach the engine and answer 500.  The ``int`` converter here matches only ids a
row can have (1 … 2**31 - 1): anything else, like a non-number, is no route at
all (404).  :func:`bounded_int` does the same for a number in a query string or a
form: out of range or not a number gives the default.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter, ValidationError

LARGEST_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:name>``: a positive id that fits an ``INTEGER`` column; others are 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """``<name>``: a path segment without NUL (no row has one in its name), else no route (404)."""

    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError()
        return value


class FilePathConverter(PathConverter):
    """``<path:name>``: as :class:`TextConverter`, slashes allowed."""

    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError()
        return value


class WithoutNul(ImmutableMultiDict[str, Any]):
    """Query and form values with every NUL character removed (file uploads are left as they are)."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None and not isinstance(mapping, MultiDict):
            mapping = [(key.replace("\x00", ""), value.replace("\x00", "") if isinstance(value, str) else value)
                       for key, value in (mapping.items() if isinstance(mapping, dict) else mapping)]
        super().__init__(mapping)


class CleanRequest(Request):
    parameter_storage_class = WithoutNul


def install_converters(app: Flask) -> None:
    """Before any route is added: ``int`` in every rule becomes :class:`RowIdConverter`; requests drop NULs."""
    app.url_map.converters["int"] = RowIdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.url_map.converters["path"] = FilePathConverter
    app.request_class = CleanRequest


def bounded_int(values: MultiDict[str, str], name: str, default: int, *, low: int = 1,
                high: int = LARGEST_ID) -> int:
    """``values[name]`` as an int in [low, high]; ``default`` when missing, not a number or out of range."""
    raw = values.get(name, "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
        return default
    number = int(raw)
    return number if low <= number <= high else default


class RowId:
    """A WTForms validator: the field holds an id a row can have (hidden fields that name a row)."""

    message = "表单已过期，请刷新页面后重试。"

    def __call__(self, form: Any, field: Any) -> None:
        from wtforms.validators import ValidationError

        raw = str(field.data or "").strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= LARGEST_ID):
            raise ValidationError(self.message)


def page_number(values: MultiDict[str, str]) -> int:
    """The ``page`` of a long list: 1 unless the query asks for a sensible page."""
    return bounded_int(values, "page", 1, high=1_000_000)
