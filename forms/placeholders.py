"""Do a template's placeholders match its form's declaration?

The template is read the way docxtpl reads it (runs merged, ``{%tr %}``
tags turned into row loops) and parsed by Jinja, so a syntax error shows
up here.  Every ``{{ name }}`` must be a declared field, every
``{{ row.column }}`` inside ``{%tr for row in table %}`` a declared column
of that table, and every declared field must be printed somewhere (a table
printed only through a computed field, such as the attendee names, counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, nodes

from domain.model import FormTemplate

ALLOWED_GLOBALS = frozenset({"loop"})
PRINTING_FUNCTIONS = frozenset({"join", "join_reasons"})  # computed fields that print a whole table


@dataclass(frozen=True)
class Placeholders:
    """What a template prints: top-level names, and per loop table the columns it reads."""

    names: frozenset[str]
    columns: dict[str, frozenset[str]]


def read_placeholders(path: Path) -> Placeholders:
    """Parse the template; raises ``jinja2.TemplateSyntaxError`` on a broken tag."""
    document = DocxTemplate(str(path))
    document.init_docx()
    xml = document.patch_xml(document.get_xml())
    for part in document.get_headers_footers(document.HEADER_URI):
        xml += document.patch_xml(document.get_part_xml(part[1]))
    for part in document.get_headers_footers(document.FOOTER_URI):
        xml += document.patch_xml(document.get_part_xml(part[1]))
    tree = Environment().parse(xml)
    names: set[str] = set()
    columns: dict[str, set[str]] = {}
    _collect(tree, {}, names, columns)
    return Placeholders(frozenset(names), {k: frozenset(v) for k, v in columns.items()})


def _collect(node: nodes.Node, loops: dict[str, str], names: set[str], columns: dict[str, set[str]]) -> None:
    if isinstance(node, nodes.For) and isinstance(node.iter, nodes.Name) and isinstance(node.target, nodes.Name):
        names.add(node.iter.name)
        columns.setdefault(node.iter.name, set())
        inner = {**loops, node.target.name: node.iter.name}
        for child in [*node.body, *node.else_]:
            _collect(child, inner, names, columns)
        return
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name in loops:
        columns[loops[node.node.name]].add(node.attr)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name in loops:
            names.add(f"{node.name} (loop variable used whole)")
        else:
            names.add(node.name)
        return
    for child in node.iter_child_nodes():
        _collect(child, loops, names, columns)


def mismatches(form: FormTemplate, path: Path) -> list[str]:
    """Every way ``path`` disagrees with ``form``, in English for the build log; empty when they match."""
    try:
        found = read_placeholders(path)
    except TemplateSyntaxError as exc:
        return [f"{path.name}: Jinja syntax error line {exc.lineno}: {exc.message}"]
    problems = []
    declared = {spec.name: spec for spec in form.fields}
    printed = set(found.names) - ALLOWED_GLOBALS
    for name in sorted(printed - declared.keys()):
        problems.append(f"{path.name}: unknown placeholder {{{{ {name} }}}}")
    for table, used in sorted(found.columns.items()):
        spec = declared.get(table)
        if spec is None or spec.type != "table":
            problems.append(f"{path.name}: loop over {table!r}, which is not a table field")
            continue
        known = {column.name for column in spec.columns}
        problems.extend(f"{path.name}: unknown column {table}.{c}" for c in sorted(used - known))
        problems.extend(f"{path.name}: column {table}.{c} is never printed" for c in sorted(known - used))
    referenced = set(_referenced_by_computed(form))
    for name in sorted(declared.keys() - printed - referenced):
        problems.append(f"{path.name}: field {name!r} is never printed")
    return problems


def _referenced_by_computed(form: FormTemplate) -> Iterator[str]:
    """Tables whose content reaches the page only through a computed field (``join:attendees.name``)."""
    for spec in form.fields:
        function, _, argument = (spec.computed or "").partition(":")
        if function in PRINTING_FUNCTIONS:
            yield argument.split(".")[0]
