"""Benchmark: crafted XLSForm workbooks are refused in bounded time and memory.

Each case is read in a fresh Python process (so its peak RSS is its own): a good 17-question
form (the baseline: what an import costs), a 1.5 KB workbook whose survey sheet declares
A1:XFD1048576 with one far cell (it took a worker to ~7.6 GB before the bounds), a workbook of
400,000 rows without positions, and one whose part unpacks to 60 MB. Prints seconds and peak
RSS per case, and the ratio to the baseline.

    .venv/bin/python benchmarks/xlsform_bomb.py
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"
OPEN = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from app.guides import xlsform
data = open(sys.argv[2], "rb").read()
start = time.perf_counter()
try:
    xlsform.read(data)
    outcome = "imported"
except xlsform.XLSFormError as error:
    outcome = "refused: " + error.problems[0].message[:60]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "outcome": outcome}))
"""


def workbook(rows: list[list[object]], far: bool = False) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in rows:
        sheet.append(row)
    if far:
        sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(data: bytes, xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for part in source.infolist():
            if part.filename != SHEET:
                target.writestr(part.filename, source.read(part))
        target.writestr(SHEET, xml)
    return out.getvalue()


def main() -> None:
    good = [["type", "name", "label"]] + [["text", f"vraag_{n}", f"Vraag {n}?"] for n in range(17)]
    row = b'<row><c t="inlineStr"><is><t>text</t></is></c></row>'
    cases = {
        "good form (baseline)": workbook(good),
        "far cell, A1:XFD1048576": workbook([["type", "name", "label"], ["text", "a", "A"]], far=True),
        "400,000 rows": with_sheet(workbook([["type"]]), OPEN + row * 400_000 + b"</sheetData></worksheet>"),
        "60 MB unpacked": with_sheet(workbook([["type"]]), OPEN + row * 1_200_000 + b"</sheetData></worksheet>"),
    }
    baseline = None
    print(f"{'case':28} {'file':>9} {'seconds':>8} {'peak RSS':>9}  ratio (s, RSS)  outcome")
    for name, data in cases.items():
        path = Path("/tmp") / f"xlsform-bench-{abs(hash(name))}.xlsx"
        path.write_bytes(data)
        done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path)], capture_output=True, text=True, check=True)
        path.unlink()
        figures = json.loads(done.stdout)
        baseline = baseline or figures
        print(
            f"{name:28} {len(data) / 1024:7.1f}KB {figures['seconds']:8.3f} {figures['rss_mb']:7.1f}MB"
            f"  {figures['seconds'] / baseline['seconds']:5.1f}× {figures['rss_mb'] / baseline['rss_mb']:5.2f}×  {figures['outcome']}"
        )


if __name__ == "__main__":
    main()
