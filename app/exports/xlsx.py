"""The workbook: openpyxl in write-only mode, each data sheet an Excel table.

Rows go to disk as they come (write-only mode keeps nothing but the current row), so memory stays
flat at any size. Every text passes ``spreadsheet``: a text a spreadsheet could run is written as a
string cell, never a formula.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell import cell as openpyxl_cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .. import spreadsheet
from .sheets import DATE, DATETIME, EUR, FLOAT, GENERAL, INT, PCT, TEXT, Sheet

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")  # dark blue with white text: 8.6:1
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# Every number has a format (the file holds the format code; Excel shows separators in the reader's
# locale). A styled cell costs openpyxl more than a plain one, so a long sheet's raw numbers (an
# answer, a column per question) keep General by their column's own choice.
NUMBERS = {INT: "#,##0", FLOAT: "0.0", PCT: "0.0%", EUR: '"€" #,##0'}
FORMATS = {
    "nl": {DATETIME: "dd-mm-yyyy hh:mm", DATE: "dd-mm-yyyy", **NUMBERS},
    "en": {DATETIME: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd", **NUMBERS},
}
WIDE = 110  # characters of column width beyond which a sheet prints in landscape


def _time_types() -> dict[tuple[str, str], type]:
    """Date and time types that carry their number format: openpyxl looks a time value's format up
    by its type (and keeps subclasses in that table itself), so a row can hold plain values
    instead of a styled cell per date, which openpyxl handles several times slower."""
    found: dict[tuple[str, str], type] = {}
    for language, formats in FORMATS.items():
        for kind, base in ((DATETIME, datetime), (DATE, date)):
            kind_type = type(f"{language.title()}{base.__name__.title()}", (base,), {"__slots__": ()})
            openpyxl_cell.TIME_FORMATS[kind_type] = formats[kind]
            found[(language, kind)] = kind_type
    return found


TIME_TYPES = _time_types()
PROGRESS_EVERY = 2000  # rows between progress reports


class Report:
    """What the writer did, for the explanation sheet: rows per sheet and texts it had to cut."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.cut = 0
        self.cleaned = 0


def header_names(sheet: Sheet) -> list[str]:
    """Column headers an Excel table accepts: one line, not empty, unique, at most 255 characters."""
    names: list[str] = []
    for n, column in enumerate(sheet.columns, 1):
        name = " ".join(spreadsheet.clean(column.label).split())[:200] or f"Column {n}"
        base, k = name, 2
        while name.casefold() in (x.casefold() for x in names):
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


class XlsxWriter:
    def __init__(
        self,
        language: str,
        cut_note: str,
        progress: Callable[[int], None] | None = None,
        page_header: tuple[str, str] = ("", ""),
        page_footer: str = "&P / &N",
    ):
        self.wb = Workbook(write_only=True)
        self.page_header, self.page_footer = page_header, page_footer
        self.language = language if language in FORMATS else "nl"
        self.formats = FORMATS[self.language]
        self.cut_note = cut_note
        self.progress = progress or (lambda n: None)
        self.report = Report()
        self.done = 0

    def text_cell(self, ws: Any, text: str) -> Any:
        """A text for a cell: the text itself, or a string cell when openpyxl would take it for
        a formula or an error value; cleaned and cut when it has to be."""
        if spreadsheet.ILLEGAL.search(text):
            text = spreadsheet.clean(text)
            self.report.cleaned += 1
        if len(text) > spreadsheet.MAX_CELL:
            text = spreadsheet.cut(text, self.cut_note)
            self.report.cut += 1
        if text[:1] == "=" or text in spreadsheet.ERROR_CODES:
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"
            return cell
        return text

    def page_setup(self, ws: Any, width: float) -> None:
        """Printable as it is: A4, landscape when wide, fitted to the page width (as many pages long as
        it takes), the header row on every page, the project and date above, page numbers below."""
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if width > WIDE else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        ws.page_margins.left = ws.page_margins.right = 0.5
        left, right = (text.replace("&", "&&") for text in self.page_header)  # "&" starts a code in a header
        ws.oddHeader.left.text, ws.oddHeader.left.size = left, 9
        ws.oddHeader.right.text, ws.oddHeader.right.size = right, 9
        ws.oddFooter.center.text, ws.oddFooter.center.size = self.page_footer, 9

    def add_sheet(self, sheet: Sheet) -> None:
        ws = self.wb.create_sheet(sheet.title[:31])
        self.page_setup(ws, sum(c.width for c in sheet.columns))
        names = header_names(sheet)
        for n, column in enumerate(sheet.columns, 1):
            ws.column_dimensions[get_column_letter(n)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for name in names:
            cell = WriteOnlyCell(ws, name)
            cell.data_type = "s"
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            header.append(cell)
        ws.append(header)

        texts = [n for n, c in enumerate(sheet.columns) if c.kind == TEXT]
        times = [
            (n, TIME_TYPES[(self.language, c.kind)], c.kind == DATETIME) for n, c in enumerate(sheet.columns) if c.kind in (DATETIME, DATE)
        ]
        styled: list[tuple[int, Any]] = []
        for n, column in enumerate(sheet.columns):
            number_format = (column.format or self.formats.get(column.kind)) if column.kind in NUMBERS else None
            if number_format and number_format != GENERAL:
                cell = WriteOnlyCell(ws)
                cell.number_format = number_format
                styled.append((n, cell))
        text_cell, illegal, errors, max_cell = self.text_cell, spreadsheet.ILLEGAL.search, spreadsheet.ERROR_CODES, spreadsheet.MAX_CELL
        count = 0
        for values in sheet.rows():
            row = list(values)
            for n in texts:
                value = row[n]
                if value and (value[0] == "=" or value in errors or len(value) > max_cell or illegal(value)):
                    row[n] = text_cell(ws, value)
            for n, kind_type, with_time in times:
                value = row[n]
                if value is not None:
                    row[n] = (
                        kind_type(value.year, value.month, value.day, value.hour, value.minute)
                        if with_time
                        else kind_type(value.year, value.month, value.day)
                    )
            for n, cell in styled:
                value = row[n]
                if value is not None:
                    cell.value = value  # written at once by append: one cell per column serves every row
                    row[n] = cell
            ws.append(row)
            count += 1
            if count % PROGRESS_EVERY == 0:
                self.progress(self.done + count)
        self.done += count
        self.progress(self.done)
        self.report.rows[sheet.key] = count
        last = get_column_letter(len(names))
        if count == 0:
            ws.append([None] * len(names))  # a table needs a data row; an empty one it may have
        ref = f"A1:{last}{count + 1 if count else 2}"
        table = Table(displayName=sheet.table, ref=ref, autoFilter=AutoFilter(ref=ref))
        table.tableColumns = [TableColumn(id=n, name=name) for n, name in enumerate(names, 1)]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # "add table columns manually": done above
            warnings.simplefilter("ignore", UserWarning)
            ws.add_table(table)
        if sheet.chart and sheet.chart.rows:
            self.add_chart(ws, sheet, names)

    def add_chart(self, ws: Any, sheet: Sheet, names: list[str]) -> None:
        spec = sheet.chart
        assert spec is not None
        chart = BarChart()
        chart.type = "bar"  # horizontal bars: long theme names stay readable
        chart.style = 10
        chart.title = spec.title
        chart.y_axis.title = names[spec.value]
        chart.x_axis.scaling.orientation = "maxMin"  # the biggest theme on top, as in the table
        chart.legend = None
        chart.height, chart.width = 2 + spec.rows * 0.7, 18
        data = Reference(ws, min_col=spec.value + 1, min_row=1, max_row=spec.rows + 1)
        categories = Reference(ws, min_col=spec.category + 1, min_row=2, max_row=spec.rows + 1)
        chart.add_data(data, titles_from_data=True)
        # Theme names are text: a string reference (openpyxl's default is a numeric one).
        chart.series[0].cat = AxDataSource(strRef=StrRef(f=str(categories)))
        ws.add_chart(chart, f"{get_column_letter(len(names) + 2)}2")

    def add_about(
        self, title: str, heading: str, facts: Sequence[tuple[str, Any]], sections: Sequence[tuple[str, Sequence[Sequence[Any]]]]
    ) -> None:
        """The explanation sheet, first in the workbook: what was exported, and what each sheet and column holds."""
        ws = self.wb.create_sheet(title[:31], 0)
        self.page_setup(ws, 28 + 34 + 90)
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 34
        ws.column_dimensions["C"].width = 90
        cell = WriteOnlyCell(ws, heading)
        cell.font = TITLE_FONT
        ws.append([cell])
        ws.append([])
        for label, value in facts:
            name = WriteOnlyCell(ws, label)
            name.font = BOLD
            shown = self.text_cell(ws, value) if isinstance(value, str) else value
            if isinstance(shown, str):
                shown = WriteOnlyCell(ws, shown)
                shown.alignment = WRAP
            ws.append([name, shown])
        for section, rows in sections:
            ws.append([])
            cell = WriteOnlyCell(ws, section)
            cell.font = TITLE_FONT
            ws.append([cell])
            for row in rows:
                cells = []
                for n, value in enumerate(row):
                    cell = WriteOnlyCell(ws, value)
                    if isinstance(value, str):
                        cell.data_type = "s"
                    cell.alignment = WRAP
                    if n == 0:
                        cell.font = BOLD
                    cells.append(cell)
                ws.append(cells)

    def save(self, out: IO[bytes] | str) -> None:
        self.wb.save(out)
