"""CSV and XLSX exports, shared by the dashboard and the audit log.  Cells that a spreadsheet would run as a formula are neutralised.

Any text starting with ``=``, ``+``, ``-``, ``@`` (or a tab/CR that Excel
strips first) gets a leading apostrophe, so an employee named ``=HYPERLINK(…)``
stays text in HR's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from portal.localtime import to_local

Cell = str | int | float | dt.date | dt.datetime | None
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _local(value: Cell, zone: dt.tzinfo) -> Cell:
    """A stored (UTC) time as the wall-clock time of ``zone``; other cells as they are."""
    return to_local(value, zone) if isinstance(value, dt.datetime) else value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]], zone: dt.tzinfo = dt.UTC) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), streamed in chunks; times in ``zone``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_text(neutralise(_local(v, zone))) for v in row])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]], zone: dt.tzinfo = dt.UTC) -> bytes:
    """A workbook with one sheet per (title, header, rows), times in ``zone``; write-only, so memory stays flat."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="2F5D8A")
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=neutralise(name))
            cell.font, cell.fill = bold, fill
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([neutralise(_local(v, zone)) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
