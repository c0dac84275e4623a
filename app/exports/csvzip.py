"""The CSV export: a zip with one CSV file per sheet, for Dutch Excel and for scripts.

UTF-8 with a byte-order mark (so Excel reads the accents right) and, by default, semicolons with
decimal commas, as Dutch Excel expects; commas with decimal points as an option. Texts a spreadsheet
could run get the usual leading apostrophe (``spreadsheet.csv_text``).
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import IO, Any

from .. import spreadsheet
from .sheets import Sheet

PROGRESS_EVERY = 2000


class CsvZipWriter:
    def __init__(
        self,
        out: IO[bytes] | str,
        delimiter: str = ";",
        yes_no: tuple[str, str] = ("ja", "nee"),
        progress: Callable[[int], None] | None = None,
    ):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.delimiter = delimiter
        self.decimal = "," if delimiter == ";" else "."
        self.yes_no = yes_no
        self.progress = progress or (lambda n: None)
        self.rows: dict[str, int] = {}
        self.done = 0
        self.files = 0

    def value(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return spreadsheet.csv_text(value)
        if isinstance(value, bool):
            return self.yes_no[0] if value else self.yes_no[1]
        if isinstance(value, float):
            text = repr(round(value, 6))
            return text.replace(".", self.decimal) if self.decimal != "." else text
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def add_sheet(self, sheet: Sheet) -> None:
        self.files += 1
        name = f"{self.files:02d} {sheet.title}.csv"
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self.zip.open(info, "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text, delimiter=self.delimiter, lineterminator="\r\n")
            writer.writerow([spreadsheet.csv_text(c.label) for c in sheet.columns])
            value, count = self.value, 0
            for row in sheet.rows():
                writer.writerow([value(v) for v in row])
                count += 1
                if count % PROGRESS_EVERY == 0:
                    self.progress(self.done + count)
            text.flush()
            text.detach()
        self.done += count
        self.progress(self.done)
        self.rows[sheet.key] = count

    def add_about(self, title: str, lines: Sequence[str]) -> None:
        info = zipfile.ZipInfo(f"00 {title}.txt", date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    def close(self) -> None:
        self.zip.close()
