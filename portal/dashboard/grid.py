"""The dashboard's department × regulation table, laid out once in Python for the template.

At 20 departments × 30 regulations the page has 600 cells; building each cell's drill-down link and
names inside the template (a ``url_for``, a query string and two title look-ups per cell) cost more
than reading the counters.  Here every row, column and total is computed in one pass over the cells,
and the links share one encoded prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote_plus

from portal.reading.titles import TitleMarks
from portal.signing_status.queries import Cell, DashboardFilter, Matrix, Totals


class GridCell(NamedTuple):
    """One cell, its strings ready: the template only places them (a tuple: 600 of them per page)."""

    signed: int
    assigned: int
    percent: str  # "67"
    shade: int  # 0–4: quarter of completion, for the colour
    overdue: int
    href: str
    aria: str


@dataclass(frozen=True)
class GridColumn:
    department: str
    shown: str  # the department as displayed ("（未分配部门）" for none)
    totals: Totals
    href: str


@dataclass(frozen=True)
class GridRow:
    regulation_id: int
    title: str
    name: str  # the title with its 之二 mark, as plain text (tooltips)
    label: str
    cells: tuple[GridCell | None, ...]
    totals: Totals
    href: str


@dataclass(frozen=True)
class Grid:
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]


def _tail(criteria: DashboardFilter) -> str:
    """The filter's parameters after department and regulation, encoded once (``_query_string``'s order)."""
    values = (("release", criteria.release),
              ("hired_from", criteria.hired_from.isoformat() if criteria.hired_from else ""),
              ("hired_to", criteria.hired_to.isoformat() if criteria.hired_to else ""))
    return "".join(f"{key}={quote_plus(value)}&" for key, value in values if value)


def _link(people_url: str, department: str, regulation_id: int | None, tail: str) -> str:
    head = f"department={quote_plus(department)}&" if department else ""
    if regulation_id:
        head += f"regulation_id={regulation_id}&"
    return f"{people_url}?{head}{tail}only=unsigned"


def _totals(cells: list[Cell]) -> Totals:
    return Totals(sum(c.assigned for c in cells), sum(c.signed for c in cells), sum(c.overdue for c in cells))


def build_grid(matrix: Matrix, criteria: DashboardFilter, marks: TitleMarks, people_url: str) -> Grid:
    """Rows (regulations) × columns (departments), each link to the unsigned people of its cell, row or column."""
    by_department: dict[str, list[Cell]] = {d: [] for d in matrix.departments}
    by_regulation: dict[int, list[Cell]] = {r: [] for r, _t, _l in matrix.regulations}
    for (department, regulation_id), cell in matrix.cells.items():
        by_department.setdefault(department, []).append(cell)
        by_regulation.setdefault(regulation_id, []).append(cell)
    tail = _tail(criteria)
    columns = tuple(
        GridColumn(d, d or "（未分配部门）", _totals(by_department[d]), _link(people_url, d, criteria.regulation_id, tail))
        for d in matrix.departments
    )
    heads = {d: _link(people_url, d, None, "")[: -len("only=unsigned")] for d in matrix.departments}
    rows = []
    for regulation_id, title, label in matrix.regulations:
        name = marks.name(title, regulation_id)
        cells: list[GridCell | None] = []
        for d in matrix.departments:
            found = matrix.cells.get((d, regulation_id))
            cells.append(None if found is None else GridCell(
                found.signed, found.assigned, f"{found.percent:.0f}", int(found.percent // 25), found.overdue,
                f"{heads[d]}regulation_id={regulation_id}&{tail}only=unsigned",
                f"{d} · {name}：已签 {found.signed} / 应签 {found.assigned}",
            ))
        rows.append(GridRow(regulation_id, title, name, label, tuple(cells),
                            _totals(by_regulation[regulation_id]),
                            _link(people_url, criteria.department, regulation_id, tail)))
    return Grid(columns, tuple(rows))
