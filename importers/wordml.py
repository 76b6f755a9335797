"""Small helpers for reading WordprocessingML with the standard library's ElementTree.

The .docx parts are parsed with :mod:`xml.etree.ElementTree` (typed, no
stubs needed); these helpers spell the ``w:`` namespace once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar
from xml.etree.ElementTree import Element

K = TypeVar("K")
V = TypeVar("V")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    """The Clark name of a ``w:`` element or attribute: ``w("p") -> "{…main}p"``."""
    return f"{{{W_NS}}}{tag}"


def attr(element: Element | None, name: str = "val") -> str | None:
    """The ``w:<name>`` attribute of ``element`` (``None`` when either is missing)."""
    if element is None:
        return None
    return element.get(w(name))


def int_attr(element: Element | None, name: str = "val") -> int | None:
    """An integer ``w:<name>`` attribute; ``None`` when missing or not a number."""
    value = attr(element, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def child_val(parent: Element | None, tag: str) -> str | None:
    """``w:val`` of the first ``w:<tag>`` child of ``parent``."""
    if parent is None:
        return None
    return attr(parent.find(w(tag)))


def child_int(parent: Element | None, tag: str) -> int | None:
    """Integer ``w:val`` of the first ``w:<tag>`` child of ``parent``."""
    if parent is None:
        return None
    return int_attr(parent.find(w(tag)))


def is_on(parent: Element | None, tag: str) -> bool:
    """A WordprocessingML on/off property: present and not ``false``/``0``/``off``."""
    if parent is None:
        return False
    element = parent.find(w(tag))
    if element is None:
        return False
    return attr(element) not in ("false", "0", "off")


class LazyMapping(Mapping[K, V]):
    """A read-only mapping that parses each element the first time it is asked for.

    A converted document carries dozens of styles and list definitions and
    uses a handful: parsing only those keeps reading a .docx cheap.
    """

    def __init__(self, elements: Mapping[K, Element], parse: Callable[[Element], V]) -> None:
        self._elements = dict(elements)
        self._parse = parse
        self._parsed: dict[K, V] = {}

    def __getitem__(self, key: K) -> V:
        if key not in self._parsed:
            self._parsed[key] = self._parse(self._elements[key])
        return self._parsed[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._elements)

    def __len__(self) -> int:
        return len(self._elements)

    def __contains__(self, key: object) -> bool:
        return key in self._elements
