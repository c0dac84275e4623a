"""The rows of an export, sheet by sheet: what the workbook, the CSV files and the GeoJSON are made of.

Each sheet is a list of columns and a generator of rows of plain Python values (text, numbers,
local dates and times, booleans); the writers decide how a value becomes a cell. Rows are streamed
from the database in batches, so a sheet of a million rows never sits in memory. Texts residents
wrote are pseudonymised here unless the export includes personal data.

One module per group of sheets; ``base`` holds what they share and the seams that keep them fast.
"""

from __future__ import annotations

from .answers import answers_sheet, wide_sheet
from .area_outlines import area_features
from .base import BOOL, DATE, DATETIME, EUR, FLOAT, GENERAL, INT, PCT, TEXT, Chart, Column, Scope, Sheet, answer_reader, reference
from .coding import coding_sheet, field_themes_sheet, quotes_sheet, statement_themes_sheet
from .figures import areas_sheet, closed_sheet, groups_sheet, matrix_sheet, quality_sheet, themes_sheet
from .gps import gps_features
from .memos import memos_sheet
from .observations import PhotoFile, observations_sheet, photo_files
from .people import interviews_sheet
from .plan import actions_sheet, codebook_sheet, contacts_sheet, grounds_sheet, participation_sheet

__all__ = [
    "BOOL",
    "DATE",
    "DATETIME",
    "EUR",
    "FLOAT",
    "GENERAL",
    "INT",
    "PCT",
    "TEXT",
    "Chart",
    "Column",
    "PhotoFile",
    "Scope",
    "Sheet",
    "answer_reader",
    "area_features",
    "gps_features",
    "photo_files",
    "reference",
    "workbook_sheets",
]


def workbook_sheets(scope: Scope) -> list[Sheet]:
    """The data sheets in the workbook's order (contact details only when personal data is included)."""
    sheets = [
        interviews_sheet(scope),
        answers_sheet(scope),
        wide_sheet(scope),
        coding_sheet(scope),
        statement_themes_sheet(scope),
        field_themes_sheet(scope),
        observations_sheet(scope),
        areas_sheet(scope),
        matrix_sheet(scope),
        themes_sheet(scope),
        groups_sheet(scope),
        quality_sheet(scope),
        closed_sheet(scope),
        quotes_sheet(scope),
        actions_sheet(scope),
        grounds_sheet(scope),
        participation_sheet(scope),
        codebook_sheet(scope),
        memos_sheet(scope),
    ]
    if scope.personal:
        sheets.append(contacts_sheet(scope))
    return sheets
