"""Interview guides as XLSForm workbooks (ODK, KoboToolbox): imported, and exported again.

Reads the ``survey`` and ``choices`` sheets (and ``settings`` for the title). A row that cannot
be imported is reported with its row number and nothing is imported; rows that carry no
answer (notes, device metadata) are skipped and listed so the coordinator knows.

``write`` makes a workbook ODK and KoboToolbox read (pyxform converts it), with two columns of
its own that other tools leave alone: ``buitenbinnen_type`` names a kind XLSForm has no type
for (yes/no, an area, perceived quality: a select_one there), ``buitenbinnen_config`` holds the
settings it cannot say (a scale's end labels, an element). Importing the file gives the same guide.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl import Workbook, load_workbook

from ..i18n import N_
from ..models import QuestionType
from ..questions import KINDS
from ..questions.quality import QUALITY_LEVELS
from .definition import LANGUAGES, QuestionDef, SectionDef, check

# XLSForm types that map onto one kind as they are (each kind names its own); select_one,
# select_multiple and range are read below.
SIMPLE_TYPES = {name: kind.type for kind in KINDS.values() for name in kind.xlsform_types}
SKIPPED_TYPES = {
    "note",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "calculate",
    "email",
    "start-geopoint",
}
EQUALS = re.compile(r"""^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*=\s*(['"])(.*)\2$""")
SELECTED = re.compile(r"""^selected\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}\s*,\s*(['"])(.*)\2\s*\)$""")
TRUE_VALUES = {"yes", "true", "1", "true()", "ja"}
MAX_BYTES = 5 * 1024 * 1024
# What is read of a workbook, whatever its sheets declare: a form longer or wider than this is no
# interview guide, and these bounds keep a small crafted file from costing gigabytes or minutes.
MAX_ROWS = 5000
MAX_COLUMNS = 200
MAX_CELLS = 50_000  # and as many shared strings
MAX_OTHER_PART_BYTES = 2 * 1024 * 1024  # styles, workbook, relations: read whole by openpyxl
MAX_PART_BYTES = 20 * 1024 * 1024  # one part of the workbook, unpacked
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 50  # listed; the rest is counted
MAX_PARAM_CHARS = 120  # of cell text repeated in a message
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)\Z")
# This app's own columns (see the module's text), and the kinds a select_one may stand for.
OWN_TYPE, OWN_CONFIG = "buitenbinnen_type", "buitenbinnen_config"
OWN_KINDS = {"yes_no": QuestionType.yes_no, "area": QuestionType.area, "quality": QuestionType.quality}


@dataclass
class RowProblem:
    sheet: str
    row: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Cell text repeated in a message is shortened: a page of problems stays a page.
        self.params = {
            k: v[:MAX_PARAM_CHARS] + "…" if isinstance(v, str) and len(v) > MAX_PARAM_CHARS else v for k, v in self.params.items()
        }


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


LANGUAGE_NAMES = {
    "english": "en", "engels": "en", "turkish": "tr", "turks": "tr", "türkçe": "tr", "arabic": "ar", "arabisch": "ar",
    "polish": "pl", "pools": "pl", "polski": "pl", "german": "de", "duits": "de", "deutsch": "de", "french": "fr", "frans": "fr",
    "spanish": "es", "spaans": "es", "portuguese": "pt", "ukrainian": "uk", "oekraïens": "uk", "russian": "ru", "russisch": "ru",
    "somali": "so", "somalisch": "so", "tigrinya": "ti", "tigrinya (ti)": "ti", "persian": "fa", "farsi": "fa", "chinese": "zh",
    "dutch": "nl", "nederlands": "nl",
}  # fmt: skip


def language_of(column: str, base: str) -> str | None:
    """The language code of a ``label::…`` or ``hint::…`` column: "label::English (en)", "label::en", "label::English"."""
    if not column.startswith(base + "::"):
        return None
    name = column[len(base) + 2 :].strip().lower()
    code = re.search(r"\(([a-z]{2,3})\)\s*$", name)
    found = code.group(1) if code else (name if name in LANGUAGES else LANGUAGE_NAMES.get(name))
    return found if found in LANGUAGES else None


def _translated(header: list[str], base: str, main: int | None) -> dict[str, int]:
    """The other-language columns of ``base`` (not the one read as the question itself), by language."""
    found: dict[str, int] = {}
    for index, column in enumerate(header):
        language = language_of(column, base)
        if index != main and language and language != "nl":
            found.setdefault(language, index)
    return found


def _rows(sheet: Any) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    # Bounded explicitly: the sheet's declared dimension may claim A1:XFD1048576.
    rows = list(sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True))
    if not rows:
        return [], []
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    return header, [(number, list(values)) for number, values in enumerate(rows[1:], start=2)]


def _cell(values: list[Any], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index]).strip()


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _inspect(data: bytes) -> None:
    """Refuse a workbook whose parts are too big, not well-formed XML, or carry a DTD (entities).

    Every XML part goes once through a parser that resolves no entities and fetches nothing.
    Worksheets and the shared strings are streamed, counting cells and strings, and a cell
    holding a value beyond the bounds ends the reading at once; the other parts are small.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise XLSFormError([RowProblem("", 0, N_("This is not an Excel workbook (.xlsx)."))]) from None
    too_big = XLSFormError([RowProblem("", 0, N_("The workbook is too large to be an interview guide."))])
    damaged = XLSFormError([RowProblem("", 0, N_("The workbook is damaged: its XML cannot be read."))])
    too_long = XLSFormError(
        [
            RowProblem(
                "",
                0,
                N_("A sheet holds more than %(rows)s rows or %(columns)s columns; an interview guide is smaller."),
                {"rows": MAX_ROWS, "columns": MAX_COLUMNS},
            )
        ]
    )

    def streamed(name: str) -> bool:
        return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"

    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES or any(
        part.file_size > (MAX_PART_BYTES if streamed(part.filename) else MAX_OTHER_PART_BYTES) for part in parts
    ):
        raise too_big
    items = 0  # cells and shared strings
    for part in parts:
        if not part.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(part) as stream:
                if not streamed(part.filename):
                    tree = etree.parse(stream, etree.XMLParser(**SAFE_XML))
                    if tree.docinfo.doctype:  # no part of a workbook has a DTD
                        raise damaged
                    continue
                tags = (f"{SHEET_NS}row", f"{SHEET_NS}c", f"{SHEET_NS}si")
                for number, (_event, element) in enumerate(etree.iterparse(stream, tag=tags, **SAFE_XML)):
                    if number == 0 and element.getroottree().docinfo.doctype:
                        raise damaged
                    if element.tag != tags[0]:
                        items += 1
                        if items > MAX_CELLS:
                            raise too_big
                        match = CELL_REF.match(element.get("r") or "")
                        beyond = match and (int(match.group(2)) > MAX_ROWS or _column_number(match.group(1)) > MAX_COLUMNS)
                        if beyond and len(element):  # a value, not only formatting
                            raise too_long
                        continue
                    element.clear(keep_tail=False)  # a row, read: its cells are counted
                    while element.getprevious() is not None:
                        del element.getparent()[0]
        except XLSFormError:
            raise
        except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, ValueError):
            raise damaged from None


def read(data: bytes, filename: str = "") -> XLSFormResult:
    """Parse a workbook; XLSFormError lists every row that cannot be imported."""
    if len(data) > MAX_BYTES:
        raise XLSFormError([RowProblem("", 0, N_("The workbook is larger than 5 MB."))])
    _inspect(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise XLSFormError([RowProblem("", 0, N_("This is not an Excel workbook (.xlsx)."))]) from None
    sheets = {name.lower(): workbook[name] for name in workbook.sheetnames}
    if "survey" not in sheets:
        raise XLSFormError([RowProblem("", 0, N_("The workbook has no sheet named survey."))])

    problems: list[RowProblem] = []
    skipped: list[RowProblem] = []
    choice_rows = _choices(sheets.get("choices"), problems)
    choices = {name: [{"value": o["value"], "label": o["label"]} for o in rows] for name, rows in choice_rows.items()}
    name = _title(sheets.get("settings")) or re.sub(r"\.xlsx$", "", filename, flags=re.I) or "XLSForm"

    header, rows = _rows(sheets["survey"])
    names = ("type", "name", "required", "relevant", "appearance", "parameters", "constraint", OWN_TYPE, OWN_CONFIG)
    column = {c: header.index(c) for c in names if c in header}
    if "type" not in column or "name" not in column:
        raise XLSFormError([RowProblem("survey", 1, N_("The survey sheet needs the columns type and name."))])
    label_at, hint_at = _pick(header, "label"), _pick(header, "hint")
    labels_in, hints_in = _translated(header, "label", label_at), _translated(header, "hint", hint_at)

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
            untitled = _cell(values, column.get(OWN_TYPE)) == "section"  # written by ``write`` for a section without a title
            sections.append(SectionDef("" if untitled else label or key))
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

        own = _cell(values, column.get(OWN_TYPE))
        if own in OWN_KINDS and kind == "select_one":
            question.type, question.options = OWN_KINDS[own], []
        config = _cell(values, column.get(OWN_CONFIG))
        if config:
            try:
                settings = json.loads(config)
            except ValueError:
                settings = None
            if not isinstance(settings, dict):
                problem(N_("The column %(column)s holds no settings this app wrote."), column=OWN_CONFIG)
                continue
            question.config = settings
        relevant = _cell(values, column.get("relevant"))
        if relevant:
            match = EQUALS.match(relevant) or SELECTED.match(relevant)
            if match is None:
                problem(N_("Only relevant conditions like ${q} = 'x' or selected(${q}, 'x') can be imported: %(rule)s"), rule=relevant)
                continue
            op = "equals" if match.re is EQUALS else "includes"
            question.show_if = {"question": match.group(1), "op": op, "value": match.group(3)}
        if _cell(values, column.get("constraint")) and not config:
            skipped.append(RowProblem("survey", number, N_("The constraint of %(key)s is not imported."), {"key": key}))
        for language, index in labels_in.items():
            text = _cell(values, index)
            if text:
                translated = {"label": text, "help": _cell(values, hints_in.get(language))}
                options = {
                    o["value"]: o["translations"][language] for o in choice_rows.get(list_name, []) if o["translations"].get(language)
                }
                question.translations[language] = {**translated, "options": options} if question.options else translated
        rows_of_key.setdefault(key, number)
        sections[-1].questions.append(question)

    sections = [s for s in sections if s.questions] or [SectionDef("")]
    for found in check(sections):
        problems.append(RowProblem("survey", rows_of_key.get(found.where, 0), found.message, found.params))
    if problems:
        raise XLSFormError(sorted(problems, key=lambda p: (p.sheet != "survey", p.row)))
    return XLSFormResult(name[:200], sections, skipped)


def _choices(sheet: Any, problems: list[RowProblem]) -> dict[str, list[dict[str, Any]]]:
    if sheet is None:
        return {}
    header, rows = _rows(sheet)
    if "list_name" not in header or "name" not in header:
        problems.append(RowProblem("choices", 1, N_("The choices sheet needs the columns list_name and name.")))
        return {}
    list_at, name_at, label_at = header.index("list_name"), header.index("name"), _pick(header, "label")
    labels_in = _translated(header, "label", label_at)
    lists: dict[str, list[dict[str, Any]]] = {}
    for number, values in rows:
        list_name, value = _cell(values, list_at), _cell(values, name_at)
        if not list_name and not value:
            continue
        if not list_name or not value:
            problems.append(RowProblem("choices", number, N_("A choice needs both list_name and name.")))
            continue
        translations = {language: _cell(values, index) for language, index in labels_in.items() if _cell(values, index)}
        lists.setdefault(list_name, []).append({"value": value, "label": _cell(values, label_at) or value, "translations": translations})
    return lists


def _title(sheet: Any) -> str:
    if sheet is None:
        return ""
    header, rows = _rows(sheet)
    if "form_title" in header and rows:
        return _cell(rows[0][1], header.index("form_title"))
    return ""


# -- export ----------------------------------------------------------------------------------------

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "appearance", "parameters", "constraint", OWN_TYPE, OWN_CONFIG)


def write(name: str, version_number: int, sections: list[SectionDef], areas: list[tuple[str, str]], yes_no: tuple[str, str]) -> bytes:
    """An XLSForm workbook of a guide. ``areas``: (value, label) of the project's areas, the list an
    area question offers; ``yes_no``: the labels of yes and no in the guide's language. Translations
    go in ``label::<Language> (<code>)`` and ``hint::…`` columns, as ODK and KoboToolbox read them."""
    languages = sorted({language for s in sections for q in s.questions for language in q.translations})
    columns = [*SURVEY_COLUMNS]
    for language in languages:
        columns += [f"label::{LANGUAGES[language]} ({language})", f"hint::{LANGUAGES[language]} ({language})"]
    survey: list[dict[str, Any]] = []
    choices: list[dict[str, str]] = []
    lists: set[str] = set()

    def choice_list(list_name: str, options: list[tuple[str, str]], question: QuestionDef | None = None) -> str:
        if list_name not in lists:
            lists.add(list_name)
            for value, label in options:
                row = {"list_name": list_name, "name": value, "label": label}
                for language in languages:
                    translated = ((question.translations.get(language) or {}).get("options") or {}) if question else {}
                    row[f"label::{LANGUAGES[language]} ({language})"] = translated.get(value, "")
                choices.append(row)
        return list_name

    for number, section in enumerate(sections, start=1):
        group = len(sections) > 1 or bool(section.title)
        if group:
            survey.append(
                {"type": "begin_group", "name": f"section_{number}", "label": section.title, OWN_TYPE: "" if section.title else "section"}
            )
        for question in section.questions:
            row = _row(question, choice_list, areas, yes_no)
            for language, text in question.translations.items():
                row[f"label::{LANGUAGES[language]} ({language})"] = text.get("label", "")
                row[f"hint::{LANGUAGES[language]} ({language})"] = text.get("help", "")
            survey.append(row)
        if group:
            survey.append({"type": "end_group", "name": f"section_{number}"})

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("survey")
    sheet.append(columns)
    for row in survey:
        sheet.append([row.get(column, "") for column in columns])
    sheet = workbook.create_sheet("choices")
    choice_columns = ["list_name", "name", "label", *(f"label::{LANGUAGES[language]} ({language})" for language in languages)]
    sheet.append(choice_columns)
    for row in choices:
        sheet.append([row.get(column, "") for column in choice_columns])
    sheet = workbook.create_sheet("settings")
    sheet.append(["form_title", "form_id", "version"])
    sheet.append([name, "leidraad_" + re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower(), str(version_number)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _row(question: QuestionDef, choice_list: Any, areas: list[tuple[str, str]], yes_no: tuple[str, str]) -> dict[str, Any]:
    kind = question.type
    row: dict[str, Any] = {
        "name": question.key,
        "label": question.label,
        "hint": question.help,
        "required": "yes" if question.required else "",
    }
    if kind in (QuestionType.single_choice, QuestionType.multi_choice):
        options = [(o["value"], o["label"]) for o in question.options]
        select = "select_one" if kind == QuestionType.single_choice else "select_multiple"
        row["type"] = f"{select} {choice_list(question.key, options, question)}"
    elif kind == QuestionType.yes_no:
        row["type"] = f"select_one {choice_list('buitenbinnen_yes_no', [('yes', yes_no[0]), ('no', yes_no[1])])}"
    elif kind == QuestionType.area:
        row["type"] = f"select_one {choice_list('buitenbinnen_areas', areas or [('-', '-')])}"
    elif kind == QuestionType.quality:
        levels = [(level, level) for level in QUALITY_LEVELS]
        row["type"] = f"select_one {choice_list('buitenbinnen_levels', levels)}"
    elif kind == QuestionType.scale:
        row["type"] = "range"
        row["parameters"] = f"start={question.config.get('min', 1)} end={question.config.get('max', 5)} step=1"
    elif kind == QuestionType.long_text:
        row["type"], row["appearance"] = "text", "multiline"
    elif kind == QuestionType.number:
        row["type"] = "integer" if question.config.get("integer") else "decimal"
        bounds = [f". >= {question.config['min']}"] if question.config.get("min") is not None else []
        bounds += [f". <= {question.config['max']}"] if question.config.get("max") is not None else []
        row["constraint"] = " and ".join(bounds)
    else:
        row["type"] = next((name for name, simple in SIMPLE_TYPES.items() if simple == kind), "text")
    if kind in OWN_KINDS.values():
        row[OWN_TYPE] = kind.value
    if question.config:
        row[OWN_CONFIG] = json.dumps(question.config, ensure_ascii=False, sort_keys=True)
    rule = question.show_if
    if rule:
        value = str(rule.get("value", "")).replace("'", "")
        key = rule.get("question", "")
        row["relevant"] = f"selected(${{{key}}}, '{value}')" if rule.get("op") == "includes" else f"${{{key}}} = '{value}'"
    return row
