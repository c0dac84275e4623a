"""The figures of the dashboards: themes per area (*Themes*) and perceived quality (*Perceived quality*)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from flask_babel import format_percent, pgettext
from flask_babel import gettext as _

from ...areas.services import area_tree
from ...filters import area_ids
from ...i18n import (
    AGE_BAND_LABELS,
    LEVEL_LABELS,
    QUALITY_LABELS,
    RESPONDENT_LABELS,
)
from ...insights import queries
from ...insights.areas import summary as area_summary
from ...models import ActionStatus
from .base import (
    FLOAT,
    INT,
    PCT,
    TEXT,
    Chart,
    Column,
    Scope,
    Sheet,
)


def _theme_columns(areas: list[Any], with_group: bool) -> list[Column]:
    return [
        Column(_("Key"), TEXT, 10),
        Column(_("Theme") if with_group else _("Code group"), TEXT, 30),
        *([Column(_("Group"), TEXT, 24)] if with_group else []),
        Column(
            _("People"), INT, 10, _("Interviews and contributions that raised the theme (in a group: any of its codes, each person once).")
        ),
        Column(_("Interviews"), INT, 11),
        Column(_("Share of interviews"), PCT, 12, _("Of the coded interviews under the filters.")),
        Column(_("Contributions"), INT, 12),
        Column(_("Statements"), INT, 11, _("Answers and contributions coded with the theme.")),
        Column(_("Positive"), INT, 10, _("Statements coded with this sentiment.")),
        Column(_("Negative"), INT, 10),
        Column(_("Suggestion"), INT, 11),
        *(Column(a.name, INT, 12, _("People in %(area)s who raised the theme.", area=a.label)) for a in areas),
        Column(_("Other or unknown area"), INT, 14),
    ]


def _theme_rows(table: queries.AreaTable, with_group: bool) -> Iterator[Sequence[Any]]:
    areas = table.columns.columns
    for t in sorted(table.themes, key=lambda t: (-t.people, t.key)):
        yield (
            t.key,
            t.name,
            *([t.group] if with_group else []),
            t.people,
            t.interviews,
            t.share.value,
            t.contributions,
            t.inputs,
            t.positive.value,
            t.negative.value,
            t.suggestion.value,
            *(table.cells.get((t.id, a.id), queries.Figure(0, 0)).value for a in areas),
            table.cells.get((t.id, None), queries.Figure(0, 0)).value,
        )


def themes_sheet(scope: Scope) -> Sheet:
    table = queries.area_table(scope.project, scope.filters, scope.level)
    chart = Chart(_("People per theme (top 15)"), category=1, value=3, rows=min(15, len(table.themes))) if table.themes else None
    return Sheet(
        "themes",
        pgettext("sheet", "Themes"),
        "Themes",
        _("Per code: people, interviews, share, sentiment, and people per area, with a chart of the top themes."),
        _theme_columns(table.columns.columns, True),
        lambda: _theme_rows(table, True),
        chart,
    )


def groups_sheet(scope: Scope) -> Sheet:
    """The same figures per code group: a table of its own, so that a pivot never adds groups to codes."""
    codes = queries.area_table(scope.project, scope.filters, scope.level)
    table = queries.area_table(scope.project, scope.filters, codes.columns.level.value, "group")
    return Sheet(
        "groups",
        pgettext("sheet", "Code groups"),
        "CodeGroups",
        _("Per code group: people who raised any of its codes (each person once), interviews, share, sentiment and people per area."),
        _theme_columns(table.columns.columns, False),
        lambda: _theme_rows(table, False),
    )


def quality_sheet(scope: Scope) -> Sheet:
    elements, _columns = queries.quality(scope.project, scope.filters, scope.level)
    columns = [
        Column(_("Element"), TEXT, 24, _("The public-space element rated on the CROW image-quality scale.")),
        Column(_("Area"), TEXT, 24),
        Column(_("Ratings"), INT, 9, _("Ratings with a level (not “don't know”).")),
        *(Column(str(QUALITY_LABELS[level]), INT, 11) for level in queries.QUALITY_LEVELS),
        Column(
            _("Median level"),
            TEXT,
            12,
            _("The level of the middle rating (with an even number, the lower of the two middle ones); “don't know” left out."),
        ),
        Column(_("Target level"), TEXT, 10, _("The target level (ambitieniveau) that holds in the area; two when its parts differ.")),
        Column(_("Below target"), PCT, 11, _("Share of the ratings below the target level of their own area.")),
    ]
    everywhere, elsewhere = _("All areas"), _("Other or unknown area")

    def rows() -> Iterator[Sequence[Any]]:
        for element in elements:
            for row in element.rows:
                name = row.area.name if row.area else (everywhere if row.column_id is None else elsewhere)
                yield (
                    element.element,
                    name,
                    row.rated.value,
                    *(row.counts[lv].value for lv in queries.QUALITY_LEVELS),
                    row.median.value or "",
                    row.target,
                    row.below.value,
                )

    return Sheet(
        "quality",
        pgettext("sheet", "Perceived quality"),
        "PerceivedQuality",
        _("Per element and area: the number of ratings, their distribution A+ … D, the median level and the share below the target level."),
        columns,
        rows,
    )


def closed_sheet(scope: Scope) -> Sheet:
    """One row per closed question, area and option (a number: one row per area with its spread), for pivots."""
    found, _columns = queries.closed_questions(scope.project, scope.filters, scope.level)
    columns = [
        Column(_("Question key"), TEXT, 16),
        Column(_("Question"), TEXT, 40),
        Column(_("Area"), TEXT, 30),
        Column(_("Option"), TEXT, 24, _("Empty for a number question: its row gives the median and spread.")),
        Column(_("Answered"), INT, 10, _("People (interviews) who answered the question in the area.")),
        Column(_("Chose it"), INT, 10, _("People who chose the option.")),
        Column(_("Share"), PCT, 9, _("Of those who answered; with several choices per answer the shares add up to more than 100 %.")),
        Column(_("Median"), FLOAT, 9),
        Column(_("Lower quartile"), FLOAT, 10, _("A quarter of the answers is lower (interpolated, as Excel's QUARTILE.INC).")),
        Column(_("Upper quartile"), FLOAT, 10, _("A quarter of the answers is higher.")),
        Column(_("Lowest"), FLOAT, 9),
        Column(_("Highest"), FLOAT, 9),
    ]
    everywhere, elsewhere = _("All areas"), _("Other or unknown area")

    def rows() -> Iterator[Sequence[Any]]:
        for question in found:
            for row in question.rows:
                area = row.area.label if row.area else (everywhere if row.column_id is None else elsewhere)
                if question.kind == "number":
                    yield (
                        question.key,
                        question.label,
                        area,
                        "",
                        row.answered.value,
                        None,
                        None,
                        row.median.value,
                        row.low_quartile.value,
                        row.high_quartile.value,
                        row.lowest.value,
                        row.highest.value,
                    )
                    continue
                for key, label in question.options:
                    yield (question.key, question.label, area, label, row.answered.value, row.counts[key].value, row.shares[key].value,
                           None, None, None, None, None)  # fmt: skip

    return Sheet(
        "closed",
        pgettext("sheet", "Closed questions"),
        "ClosedQuestions",
        _(
            "The questions with fixed answers counted: per question, area and option how many people chose it; for numbers the median and spread."
        ),
        columns,
        rows,
    )


def areas_sheet(scope: Scope) -> Sheet:
    """Per area (the whole project first, then every stadsdeel, wijk and buurt in tree order): what was
    heard there, as the plan's area paragraphs need it. Only the area filter's area and those in it."""
    columns = [
        Column(_("Area"), TEXT, 34),
        Column(_("Level"), TEXT, 10),
        Column(_("Interviews"), INT, 11),
        Column(_("Contributions"), INT, 12),
        Column(_("Coded"), INT, 9, _("People (interviews and contributions) with coded statements.")),
        Column(_("Most raised themes"), TEXT, 40, _("The themes most people raised, with their share of the coded interviews.")),
        Column(_("Perceived quality"), TEXT, 44, _("Per element: the median level, the target level and the share of ratings below it.")),
        Column(
            _("Residents put first"), TEXT, 40, _("Per choice question: the options most chosen, with their share of those who answered.")
        ),
        Column(_("Quotes"), TEXT, 60, _("Up to three quotes marked for reports (pseudonymised unless personal data is included).")),
        Column(_("Action items"), INT, 11),
        Column(_("In the plan"), INT, 10),
        Column(_("Carried out"), INT, 11),
    ]
    project = _("The whole project")

    def pct(figure: queries.Figure) -> str:
        return format_percent(figure.value, "#,##0 %") if figure.value is not None else "–"

    def rows() -> Iterator[Sequence[Any]]:
        within = set(area_ids(scope.project, scope.filters.area_id)) if scope.filters.area_id else None
        places: list[Any] = ([None] if within is None else []) + [a for a in area_tree(scope.project) if within is None or a.id in within]
        for area in places:
            found = area_summary(scope.project, scope.filters, area)
            actions = queries.action_summary(scope.project, replace(scope.filters, area_id=area.id if area else None)).by_status
            yield (
                area.label if area else project,
                str(LEVEL_LABELS[area.level]) if area else "",
                found.interviews,
                found.contributions,
                found.coded.people,
                "; ".join(f"{t.name} {pct(t.share)}" for t in found.themes[:3]),
                "; ".join(
                    _(
                        "%(element)s: median %(median)s, target %(target)s, %(below)s below",
                        element=e.element,
                        median=row.median.value or "–",
                        target=row.target or "–",
                        below=pct(row.below),
                    )
                    for e, row in found.quality
                ),
                "; ".join(
                    f"{p.question}: " + ", ".join(f"{label} {pct(share)}" for label, _people, share in p.options) for p in found.priorities
                ),
                " | ".join(scope.text(q.text) for _theme, q in found.quotes),
                sum(actions.values()),
                actions[ActionStatus.planned],
                actions[ActionStatus.done],
            )

    return Sheet(
        "areas",
        pgettext("sheet", "Per area"),
        "PerArea",
        _(
            "Per area, the whole project first: people heard, the most raised themes, perceived quality against the target level, what residents put first, quotes and the action items."
        ),
        columns,
        rows,
    )


def matrix_sheet(scope: Scope) -> Sheet:
    """Themes × who was heard: per round, respondent type, age band, area (at the export's area level)
    and the answer to each closed question, the people per theme with the share of the column and of
    the row, as the dashboard shows."""
    columns = [
        Column(_("By"), TEXT, 30),
        Column(_("Value"), TEXT, 30),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 30),
        Column(_("People"), INT, 9, _("People (interviews and contributions) who raised the theme.")),
        Column(_("Share of the column"), PCT, 12, _("Of the people heard (coded) with this value, the share who raised the theme.")),
        Column(_("Share of the row"), PCT, 12, _("Of everyone who raised the theme, the share with this value.")),
    ]
    names = {"round": _("Round"), "respondent": _("Respondent"), "age": _("Age band"), "area": _("Area")}

    def rows() -> Iterator[Sequence[Any]]:
        tables = [
            queries.attribute_table(
                scope.project, scope.filters, by, scope.level, RESPONDENT_LABELS if by == "respondent" else AGE_BAND_LABELS
            )
            for by in ("round", "respondent", "age", "area")
        ]
        catalogue = queries.closed_catalogue(scope.project)
        tables += [
            queries.attribute_table(scope.project, scope.filters, "answer", key=q.key, catalogue=catalogue)
            for q in queries.option_questions(scope.project, catalogue)
        ]
        for table in tables:
            for theme in table.themes:
                for column in table.columns:
                    n = table.cells.get((theme.id, column.value), 0)
                    if n:
                        yield (
                            table.question.label if table.question else names[table.by],
                            column.label or _("unknown"),
                            theme.key,
                            theme.name,
                            n,
                            table.column_share(theme.id, column.value).value,
                            table.row_share(theme.id, column.value).value,
                        )

    return Sheet(
        "matrix",
        pgettext("sheet", "Themes × who"),
        "ThemesByWho",
        _(
            "People per theme by round, respondent type, age band, area and the answer to each closed question, with the share of the column and of the row."
        ),
        columns,
        rows,
    )
