"""Import an interview guide from an XLSForm workbook (ODK, KoboToolbox).

Reads the ``survey`` and ``choices`` sheets (and ``settings`` for the title). A row that cannot
be imported is reported with its row number and nothing is imported; rows that carry no
answer (notes, device metadata) are skipped and listed so the coordinator knows.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from ..i18n import N_
from ..models import QuestionType
from .definition import QuestionDef, SectionDef, check

SIMPLE_TYPES = {
    "text": QuestionType.short_text,
    "integer": QuestionType.number,
    "decimal": QuestionType.number,
    "date": QuestionType.date,
    "geopoint": QuestionType.gps,
}
SKIPPED_TYPES = {
    "note", "start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid",
    "audit", "calculate", "email", "start-geopoint",
}
EQUALS = re.compile(r"""^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*=\s*(['"])(.*)\2$""")
SELECTED = re.compile(r"""^selected\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*,\s*(['"])(.*)\2\s*\)$""")
TRUE_VALUES = {"yes", "true", "1", "true()", "ja"}
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowProblem:
    sheet: str
    row: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class XLSFormResult:
    name: str
    sections: list[SectionDef]
    skipped: list[RowProblem]


class XLSFormError(ValueError):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} row(s) cannot be imported")
        self.problems = problems


def _pick(columns: list[str], base: str) -> int | None:
    """The column for ``label``/``hint``: Dutch when there is one, else the plain one, else any."""
    localised = [i for i, c in enumerate(columns) if c.startswith(base + "::")]
    for i in localised:
        if any(word in columns[i] for word in ("nl", "dutch", "nederlands")):
            return i
    if base in columns:
        return columns.index(base)
    return localised[0] if localised else None


def _rows(sheet: Any) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return [], []
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    return header, [(number, list(values)) for number, values in enumerate(rows[1:], start=2)]


def _cell(values: list[Any], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index]).strip()


def read(data: bytes, filename: str = "") -> XLSFormResult:
    """Parse a workbook; XLSFormError lists every row that cannot be imported."""
    if len(data) > MAX_BYTES:
        raise XLSFormError([RowProblem("", 0, N_("The workbook is larger than 5 MB."))])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise XLSFormError([RowProblem("", 0, N_("This is not an Excel workbook (.xlsx)."))]) from None
    sheets = {name.lower(): workbook[name] for name in workbook.sheetnames}
    if "survey" not in sheets:
        raise XLSFormError([RowProblem("", 0, N_("The workbook has no sheet named survey."))])

    problems: list[RowProblem] = []
    skipped: list[RowProblem] = []
    choices = _choices(sheets.get("choices"), problems)
    name = _title(sheets.get("settings")) or re.sub(r"\.xlsx$", "", filename, flags=re.I) or "XLSForm"

    header, rows = _rows(sheets["survey"])
    column = {c: header.index(c) for c in ("type", "name", "required", "relevant", "appearance", "parameters", "constraint") if c in header}
    if "type" not in column or "name" not in column:
        raise XLSFormError([RowProblem("survey", 1, N_("The survey sheet needs the columns type and name."))])
    label_at, hint_at = _pick(header, "label"), _pick(header, "hint")

    sections = [SectionDef("")]
    rows_of_key: dict[str, int] = {}
    for number, values in rows:
        raw_type = _cell(values, column["type"])
        key = _cell(values, column["name"])
        if not raw_type and not key:
            continue
        parts = raw_type.split()
        kind = "_".join(parts).lower() if parts[:1] in (["begin"], ["end"]) else (parts[0].lower() if parts else "")
        list_name = parts[1] if len(parts) > 1 and kind in ("select_one", "select_multiple") else ""
        label = _cell(values, label_at)

        def problem(message: str, number: int = number, **params: Any) -> None:
            problems.append(RowProblem("survey", number, message, params))

        if kind == "begin_group":
            sections.append(SectionDef(label or key))
            continue
        if kind == "end_group":
            if sections[-1].questions or sections[-1].title:
                sections.append(SectionDef(""))
            continue
        if kind in SKIPPED_TYPES:
            skipped.append(RowProblem("survey", number, N_("%(type)s rows hold no answer and are skipped."), {"type": kind}))
            continue

        question = QuestionDef(key=key, type=QuestionType.short_text, label=label or key, help=_cell(values, hint_at))
        question.required = _cell(values, column.get("required")).lower() in TRUE_VALUES
        appearance = _cell(values, column.get("appearance")).lower()
        if kind in ("select_one", "select_multiple"):
            if list_name not in choices:
                problem(N_("The choice list %(list)s is not on the choices sheet."), list=list_name)
                continue
            question.type = QuestionType.single_choice if kind == "select_one" else QuestionType.multi_choice
            question.options = choices[list_name]
        elif kind in SIMPLE_TYPES:
            question.type = SIMPLE_TYPES[kind]
            if kind == "text" and "multiline" in appearance:
                question.type = QuestionType.long_text
            if kind == "integer":
                question.config = {"integer": True}
        elif kind == "range":
            params = dict(re.findall(r"(\w+)\s*=\s*([-\d.]+)", _cell(values, column.get("parameters"))))
            try:
                low, high, step = int(params.get("start", 1)), int(params.get("end", 10)), int(params.get("step", 1))  # ODK defaults
            except ValueError:
                low, high, step = 0, 0, 0
            if step != 1 or not 0 <= low < high <= 10:
                problem(N_("Only ranges of whole steps between 0 and 10 can be imported, as a scale."))
                continue
            question.type = QuestionType.scale
            question.config = {"min": low, "max": high, "min_label": "", "max_label": ""}
        else:
            problem(N_("Question type %(type)s cannot be imported."), type=raw_type)
            continue

        relevant = _cell(values, column.get("relevant"))
        if relevant:
            match = EQUALS.match(relevant) or SELECTED.match(relevant)
            if match is None:
                problem(N_("Only relevant conditions like ${q} = 'x' or selected(${q}, 'x') can be imported: %(rule)s"), rule=relevant)
                continue
            op = "equals" if match.re is EQUALS else "includes"
            question.show_if = {"question": match.group(1), "op": op, "value": match.group(3)}
        if _cell(values, column.get("constraint")):
            skipped.append(RowProblem("survey", number, N_("The constraint of %(key)s is not imported."), {"key": key}))
        rows_of_key.setdefault(key, number)
        sections[-1].questions.append(question)

    sections = [s for s in sections if s.questions] or [SectionDef("")]
    for found in check(sections):
        problems.append(RowProblem("survey", rows_of_key.get(found.where, 0), found.message, found.params))
    if problems:
        raise XLSFormError(sorted(problems, key=lambda p: (p.sheet != "survey", p.row)))
    return XLSFormResult(name[:200], sections, skipped)


def _choices(sheet: Any, problems: list[RowProblem]) -> dict[str, list[dict[str, str]]]:
    if sheet is None:
        return {}
    header, rows = _rows(sheet)
    if "list_name" not in header or "name" not in header:
        problems.append(RowProblem("choices", 1, N_("The choices sheet needs the columns list_name and name.")))
        return {}
    list_at, name_at, label_at = header.index("list_name"), header.index("name"), _pick(header, "label")
    lists: dict[str, list[dict[str, str]]] = {}
    for number, values in rows:
        list_name, value = _cell(values, list_at), _cell(values, name_at)
        if not list_name and not value:
            continue
        if not list_name or not value:
            problems.append(RowProblem("choices", number, N_("A choice needs both list_name and name.")))
            continue
        lists.setdefault(list_name, []).append({"value": value, "label": _cell(values, label_at) or value})
    return lists


def _title(sheet: Any) -> str:
    if sheet is None:
        return ""
    header, rows = _rows(sheet)
    if "form_title" in header and rows:
        return _cell(rows[0][1], header.index("form_title"))
    return ""
