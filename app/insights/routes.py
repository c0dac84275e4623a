"""Dashboard views: every view reads the shared filters from the URL and passes them on in its links."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, abort, g, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ..access import Permission, filter_args, get_in_project, project_required
from ..actions.services import ActionFilters
from ..actions.services import listing as action_listing
from ..areas import maps as area_maps
from ..areas.services import area_tree
from ..coding import queries as coding_queries
from ..coding.queries import open_questions
from ..coding.services import codings_of
from ..extensions import db
from ..filters import SHARED_FILTERS, Filters
from ..guides.services import published_versions
from ..i18n import AGE_BAND_LABELS, QUALITY_LABELS, RESPONDENT_LABELS
from ..inputs import page_number
from ..models import Answer, Area, Code, Contribution, Project, Sentiment
from ..models.types import utcnow
from ..rounds.services import field_workers, round_names
from . import bp, charts, maps, pdf, queries
from .areas import summary as area_summary
from .display import Display

SORTS = {"name", "people", "inputs", "interviews", "share", "positive", "negative", "suggestion"}


SHARED = SHARED_FILTERS


def _filters() -> Filters:
    return Filters.from_args(filter_args(request.args))


def _shared(filters: Filters) -> dict[str, Any]:
    """The dashboards' filters as URL arguments (code, sentiment and the like belong to one view)."""
    return {k: v for k, v in filters.as_args().items() if k in SHARED}


def _page(template: str, project: Project, filters: Filters, **context: Any) -> str:
    """Render a dashboard with the filter bar, the view tabs and the display rules for this user."""
    versions = published_versions(project)
    see_people = Permission.see_people in g.permissions
    areas = area_tree(project)
    return render_template(
        template,
        project=project,
        filters=filters,
        shared=_shared(filters),
        display=_display(project),
        rounds=round_names(project),
        areas=areas,
        area_names={a.id: a.label for a in areas},
        questions=open_questions(project),
        versions=versions,
        # The team view is never per person: no interviewer filter there.
        interviewers=field_workers(project) if see_people and request.endpoint != "insights.team" else [],
        Figure=queries.Figure,
        **context,
    )


def _display(project: Project) -> Display:
    return Display(suppress=Permission.see_people not in g.permissions, threshold=project.small_numbers)


def _inputs_url(project: Project, filters: Filters, **extra: Any) -> str:
    """The input list behind a figure: the shared filters plus the figure's own (theme, area, period)."""
    shared = _shared(filters)
    own = {k: v for k, v in extra.items() if v is not None}
    if own.keys() & shared.keys():  # the figure narrows a shared filter (an area inside the area, a period)
        return url_for("insights.inputs", project_id=project.id, **{**shared, **own})
    base = g.get("inputs_base")
    if base is None:  # built once per request: a heat table links a thousand cells
        base = g.inputs_base = url_for("insights.inputs", project_id=project.id, **shared)
    return base + ("&" if "?" in base else "?") + urlencode(own) if own else base


def _theme_bars(themes: list[queries.ThemeRow], display: Display, link: Any = lambda t: None) -> list[dict[str, Any]]:
    """A bar per theme: people who raised it (hidden from viewers when few), linked to its texts where it may."""
    bars = []
    for t in themes:
        hidden = display.hidden(display.fig(t.people))
        bars.append(
            {
                "label": f"{t.key} {t.name}",
                "value": None if hidden else t.people,
                "text": display.num(display.fig(t.people)),
                "colour": t.colour,
                "href": None if hidden else link(t),
            }
        )
    return bars


@bp.route("/")
@project_required(Permission.read_all)
def overview(project: Project) -> Any:
    filters = _filters()
    level = "group" if request.args.get("level") == "group" else "code"
    sort = request.args.get("sort", "people")
    sort = sort if sort in SORTS else "people"
    descending = request.args.get("dir", "desc" if sort != "name" else "asc") == "desc"
    themes, totals = queries.overview(project, filters, level)
    display = _display(project)
    if sort == "name":
        themes.sort(key=lambda t: t.name.casefold(), reverse=descending)
    else:

        def value(t: queries.ThemeRow) -> float:
            figure = {
                "people": display.fig(t.people),
                "inputs": queries.Figure(t.inputs, t.people),
                "interviews": display.fig(t.interviews),
                "share": t.share,
                "positive": t.positive,
                "negative": t.negative,
                "suggestion": t.suggestion,
            }[sort]
            return display.sort_value(figure)

        themes.sort(key=lambda t: (-value(t) if descending else value(t), t.name.casefold()))
    link = (lambda t: _inputs_url(project, filters, code=t.id)) if level == "code" else (lambda t: None)
    chart = charts.bar_chart(
        "themes",
        _("People per theme"),
        _("Bars: how many people (interviews and contributions) raised each theme, in the order of the table."),
        _theme_bars(themes[:20], display, link),
    )
    return _page(
        "insights/overview.html",
        project,
        filters,
        themes=themes,
        totals=totals,
        level=level,
        sort=sort,
        descending=descending,
        all_interviews=queries.interview_count(project, filters),
        chart=chart,
        link=link,
    )


@bp.route("/areas")
@project_required(Permission.read_all)
def areas(project: Project) -> Any:
    filters = _filters()
    table = queries.area_table(project, filters, request.args.get("level"))
    return _page("insights/areas.html", project, filters, table=table, inputs_url=lambda **kw: _inputs_url(project, filters, **kw))


MATRIX_FILTERS = {
    "area": "area",
    "round": "round",
    "respondent": "respondent",
    "age": "age",
    "answer": "answer",
}  # attribute → its URL filter


@bp.route("/matrix")
@project_required(Permission.read_all)
def matrix(project: Project) -> Any:
    """Themes × an attribute of the people heard (area, round, respondent type, age band, the answer to a
    closed question): counts with the share of the column or of the row, each cell leading to the
    statements behind it."""
    filters = _filters()
    by = request.args.get("by", "area")
    share = "row" if request.args.get("share") == "row" else "column"
    labels = RESPONDENT_LABELS if by == "respondent" else AGE_BAND_LABELS
    key = request.args.get("key", "")[:64]
    catalogue = queries.closed_catalogue(project)
    table = queries.attribute_table(project, filters, by, request.args.get("level"), labels, key, catalogue)
    argument = MATRIX_FILTERS[table.by]
    # The answer filter takes "key:option"; the other attributes their value as it is.
    value_of = (lambda value: f"{table.question.key}:{value}") if table.question else (lambda value: value)
    return _page(
        "insights/matrix.html",
        project,
        filters,
        table=table,
        share=share,
        level=request.args.get("level") if table.by == "area" else None,
        answer_questions=queries.option_questions(project, catalogue),
        cell_url=lambda theme_id, value: _inputs_url(project, filters, code=theme_id, **{argument: value_of(value)}),
    )


MAP_VIEWS = ("theme", "quality", "points")


@bp.route("/map")
@project_required(Permission.read_all)
def map_page(project: Project) -> Any:
    """Themes on the map: a theme's share per area, perceived quality per area, or where the people who
    raised a theme were (counted per cell); each beside a table with the same numbers."""
    filters = _filters()
    display = _display(project)
    show = request.args.get("show", "theme")
    show = show if show in MAP_VIEWS else "theme"
    # Per wijk unless asked otherwise (or the area filter is a wijk): the level plans are made for.
    level = request.args.get("level") or (None if filters.area_id else "wijk")
    code_id = request.args.get("code", type=int)
    context: dict[str, Any] = {"show": show}
    if show == "quality":
        context["found"] = maps.quality_map(project, filters, level, request.args.get("element", 0, type=int), display)
        context["legend"] = [(QUALITY_LABELS[lv], colour) for lv, colour in maps.QUALITY_COLOURS.items()]
    else:
        found = maps.theme_map(project, filters, level, code_id, display)
        context["found"] = found
        context["legend"] = [(f"{n * 20}–{(n + 1) * 20}\u00a0%", colour) for n, colour in enumerate(maps.SHARE_COLOURS)]
        if show == "points":
            theme_id = found.theme.id if found.theme else None
            context["points"] = maps.point_map(project, filters, theme_id, display, exact=Permission.see_people in g.permissions)
    context["no_data"], context["hidden_colour"] = maps.NO_DATA, maps.HIDDEN
    return _page("insights/map.html", project, filters, inputs_url=lambda **kw: _inputs_url(project, filters, **kw), **context)


@bp.route("/trend")
@project_required(Permission.read_all)
def trend(project: Project) -> Any:
    filters = _filters()
    found = queries.trend(project, filters, request.args.get("period", "month"))
    display = _display(project)

    def label(day: Any) -> str:
        return format_date(day, "MMM yyyy") if found.period == "month" else _("week of %(day)s", day=format_date(day, "d MMM yyyy"))

    def url(code_id: int, start: Any) -> str:
        """The period's texts, within the filtered period (a month can reach past it)."""
        first = max(start, filters.date_from) if filters.date_from else start
        last = queries.bucket_end(start, found.period)
        last = min(last, filters.date_to) if filters.date_to else last
        return _inputs_url(project, filters, code=code_id, **{"from": first.isoformat(), "to": last.isoformat()})

    series = []
    for theme in found.themes:
        figures = [found.cells.get((theme.id, b), queries.Figure(0, 0)) for b in found.buckets]
        series.append(
            {
                "label": f"{theme.key} {theme.name}",
                "values": [None if display.hidden(fig) else fig.value for fig in figures],
                "texts": [f"{label(b)}: {display.num(fig)}" for b, fig in zip(found.buckets, figures)],
                "hrefs": [url(theme.id, b) for b in found.buckets],
            }
        )
    chart = charts.line_chart(
        "trend",
        _("People per theme over time"),
        _("Lines: per period, how many people raised each of the themes in the table below."),
        [label(b) for b in found.buckets],
        series,
    )
    return _page("insights/trend.html", project, filters, found=found, chart=chart, label=label, url=url, codes=found.themes)


@bp.route("/together")
@project_required(Permission.read_all)
def together(project: Project) -> Any:
    filters = _filters()
    return _page(
        "insights/together.html",
        project,
        filters,
        pairs=queries.cooccurrence(project, filters),
        inputs_url=lambda **kw: _inputs_url(project, filters, **kw),
    )


@bp.route("/quality")
@project_required(Permission.read_all)
def quality(project: Project) -> Any:
    filters = _filters()
    elements, columns = queries.quality(project, filters, request.args.get("level"))
    display = _display(project)

    def ratings_url(element: queries.QualityElement, row: queries.QualityRow, level: str) -> str | None:
        if len(element.keys) != 1:
            return None
        area = row.column_id if row.column_id and row.column_id > 0 else filters.area_id
        return url_for(
            "insights.ratings", project_id=project.id, **{**_shared(filters), "area": area, "key": element.keys[0], "level": level}
        )

    drawn = []
    for n, element in enumerate(elements):
        rows = []
        for row in element.rows:
            rows.append(
                {
                    "label": row.area.name if row.area else (_("All areas") if row.column_id is None else _("Other or unknown area")),
                    "values": {lv: None if display.hidden(fig) else fig.value for lv, fig in row.counts.items()},
                    "texts": {lv: display.num(fig) for lv, fig in row.counts.items()},
                    "hrefs": {lv: None if display.hidden(fig) else ratings_url(element, row, lv) for lv, fig in row.counts.items()},
                }
            )
        drawn.append(
            charts.stacked_chart(
                f"quality-{n}",
                _("Perceived quality: %(element)s", element=element.element),
                _("Bars: per area, the share of each rating from A+ (very high) to D (very low) and don't know."),
                rows,
                queries.QUALITY_LEVELS,
                QUALITY_LABELS,
            )
        )
    return _page(
        "insights/quality.html",
        project,
        filters,
        elements=list(zip(elements, drawn)),
        columns=columns,
        levels=queries.QUALITY_LEVELS,
        ratings_url=ratings_url,
        may_manage=Permission.manage in g.permissions,
    )


@bp.route("/closed")
@project_required(Permission.read_all)
def closed(project: Project) -> Any:
    """The closed questions counted: options chosen, or a number's median and spread, per area."""
    filters = _filters()
    found, columns = queries.closed_questions(project, filters, request.args.get("level"))
    display = _display(project)
    drawn = []
    for n, question in enumerate(found):
        together = question.rows[0]
        drawn.append(
            charts.bar_chart(
                f"closed-{n}",
                question.label,
                _("Bars: how many people chose each option (all areas), in the order of the table."),
                [
                    {
                        "label": label,
                        "value": None if display.hidden(together.counts[key]) else together.counts[key].value,
                        "text": f"{display.num(together.counts[key])} ({display.pct(together.shares[key])})",
                        "colour": "#1565c0",
                        "href": None,
                    }
                    for key, label in question.options
                ],
            )
            if question.kind == "options"
            else None
        )
    return _page("insights/closed.html", project, filters, questions_found=list(zip(found, drawn)), columns=columns)


def _area_summary(project: Project, filters: Filters) -> tuple[Any, Any]:
    """The area the filters name (none: the whole project), its summary and its chart of top themes."""
    area = get_in_project(Area, project, filters.area_id) if filters.area_id else None
    display = _display(project)
    found = area_summary(project, filters, area, display.hidden)
    chart = charts.bar_chart(
        "area-themes",
        _("People per theme"),
        _("Bars: how many people raised each of the area's most raised themes, in the order of the table."),
        _theme_bars(found.themes, display),
    )
    return found, chart


@bp.route("/area")
@project_required(Permission.read_all)
def area_page(project: Project) -> Any:
    """What one stadsdeel, wijk or buurt said (the area filter chooses it; none: the whole project)."""
    filters = _filters()
    found, chart = _area_summary(project, filters)
    return _page("insights/area.html", project, filters, found=found, chart=chart)


def _report_context(project: Project) -> dict[str, Any]:
    filters = _filters()
    found, chart = _area_summary(project, filters)
    records, _columns = queries.participation(project, replace(filters, area_id=found.area.id if found.area else None), None)
    shown = {k: v for k, v in _shared(filters).items() if k != "area"}
    return {
        **_report_map(project, found.area),
        "found": found,
        "chart": chart,
        "records": records,
        "made_at": utcnow(),
        "filters_text": "; ".join(_describe(project, filters)) if shown else "",
    }


def _report_map(project: Project, area: Area | None) -> dict[str, Any]:
    """The report's map: the area with its neighbours (the areas beside it under the same parent) and
    its own parts, the area lightly filled and its parts named; the whole project: its stadsdelen and wijken."""
    areas = area_tree(project)
    if area is None:
        shown = [a for a in areas if a.depth <= 1]
        named = {a.id for a in shown if a.depth == 0}
    else:
        shown = [a for a in areas if a.parent_id == area.parent_id or a.parent_id == area.id]
        named = {a.id for a in shown if a.parent_id == area.id} or {a.id for a in shown}
    drawn = area_maps.svg_map(shown)
    fills = {
        a.id: "#fff3e0"
        if area is not None and a.id == area.id
        else ("#e8eef5" if a.parent_id == (area.id if area else None) else "#f5f5f5")
        for a in shown
    }
    return {"report_map": drawn, "report_fills": fills, "report_names": named}


def _describe(project: Project, filters: Filters) -> list[str]:
    """The filters besides the area, as a reader of a printed report should see them."""
    found = []
    if filters.round_id:
        found.append(_("Round: %(name)s", name=dict(round_names(project)).get(filters.round_id, "–")))
    if filters.date_from or filters.date_to:
        start = format_date(filters.date_from, "d MMMM y") if filters.date_from else "…"
        end = format_date(filters.date_to, "d MMMM y") if filters.date_to else "…"
        found.append(_("Period: %(start)s to %(end)s", start=start, end=end))
    if filters.respondent_type:
        found.append(_("Respondent: %(value)s", value=RESPONDENT_LABELS[filters.respondent_type]))
    if filters.age_band:
        found.append(_("Age: %(value)s", value=AGE_BAND_LABELS[filters.age_band]))
    if filters.question:
        found.append(_("Question: %(key)s", key=filters.question))
    return found


@bp.route("/report")
@project_required(Permission.read_all)
def report(project: Project) -> Any:
    """The printable report of an area (or the project): "What we heard in …"."""
    return _page("insights/report.html", project, _filters(), **_report_context(project))


@bp.route("/report.pdf")
@project_required(Permission.read_all)
def report_pdf(project: Project) -> Any:
    """The same report as a PDF, made on the server."""
    context = _report_context(project)
    html = _page("insights/report_pdf.html", project, _filters(), stylesheet=pdf.stylesheet(), **context)
    found = context["found"]
    name = re.sub(r"[^A-Za-z0-9]+", "-", found.area.name if found.area else project.name).strip("-").lower()[:60] or "rapport"
    return Response(
        pdf.pdf_of(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="wat-we-hoorden-{name}.pdf"'},
    )


@bp.route("/participation")
@project_required(Permission.read_all)
def participation(project: Project) -> Any:
    """The participation record for the plan: every round, who was heard where, and the feedback loop."""
    filters = _filters()
    records, columns = queries.participation(project, filters, request.args.get("level"))
    return _page("insights/participation.html", project, filters, records=records, columns=columns)


@bp.route("/ratings")
@project_required(Permission.read_all)
def ratings(project: Project) -> Any:
    filters = _filters()
    key, level = request.args.get("key", "")[:64], request.args.get("level", "")
    if level not in queries.QUALITY_LEVELS or not key:  # e.g. a link cut short: say where to start instead
        return _page("insights/ratings.html", project, filters, page=None, key=key, level=None, hidden=False)
    page = queries.rated_interviews(project, filters, key, level, request.args.get("page", 1, type=page_number))
    display = _display(project)
    hidden = display.hidden(display.fig(page.total))
    return _page("insights/ratings.html", project, filters, page=page, key=key, level=level, hidden=hidden)


@bp.route("/quotes")
@project_required(Permission.read_all)
def quotes(project: Project) -> Any:
    filters = _filters()
    themes, _totals = queries.overview(project, filters)
    themes.sort(key=lambda t: (-t.people, t.key))
    code_id = request.args.get("code", type=int) or (themes[0].id if themes else None)
    theme = next((t for t in themes if t.id == code_id), None)  # None: not this project's, or nothing coded
    display = _display(project)
    hidden = theme is not None and display.hidden(display.fig(theme.people))
    page = queries.quotes(project, filters, code_id, request.args.get("page", 1, type=page_number)) if theme and not hidden else None
    return _page(
        "insights/quotes.html", project, filters, themes=themes, theme=theme, page=page, hidden=hidden, counted=queries.QUOTES_COUNTED
    )


@bp.route("/actions")
@project_required(Permission.read_all)
def actions(project: Project) -> Any:
    filters = _filters()
    summary = queries.action_summary(project, filters)
    codes = {c.id: c for c in db.session.scalars(sa.select(Code).where(Code.project_id == project.id))}
    page = action_listing(project, ActionFilters(area_id=filters.area_id))
    return _page("insights/actions.html", project, filters, summary=summary, codes=codes, page=page)


@bp.route("/team")
@project_required(Permission.capture)
def team(project: Project) -> Any:
    """For the team (coordinators and interviewers): reflections aggregated, never per person."""
    filters = _filters()
    filters.interviewer_id = None  # never per person
    return _page("insights/team.html", project, filters, team_rounds=queries.team(project, filters), minimum=queries.TEAM_MINIMUM)


@bp.route("/answers/<int:answer_id>", defaults={"contribution_id": None}, endpoint="answer")
@bp.route("/contributions/<int:contribution_id>", defaults={"answer_id": None}, endpoint="contribution")
@project_required(Permission.read_all)
def one_input(project: Project, answer_id: int | None, contribution_id: int | None) -> Any:
    """One input behind a quote or figure, read-only: pseudonymised for viewers, with its themes."""
    if answer_id is not None:
        target: Any = db.session.get(Answer, answer_id)
        if target is None or target.interview.project_id != project.id or not target.text:
            abort(404)
        area, at = target.interview.area, target.interview.started_at
    else:
        target = get_in_project(Contribution, project, contribution_id)
        area, at = target.area, target.recorded_at
    return _page(
        "insights/input.html",
        project,
        _filters(),
        target=target,
        kind="answer" if answer_id else "contribution",
        area=area,
        at=at,
        codings=codings_of(target),
        may_code=Permission.code in g.permissions,
    )


@bp.route("/inputs")
@project_required(Permission.read_all)
def inputs(project: Project) -> Any:
    """The inputs behind a figure: the coding queue's list, read-only, pseudonymised for viewers."""
    filters = _filters()
    display = _display(project)
    people = queries.people_behind(project, filters) if display.suppress else None
    hidden = people is not None and display.hidden(display.fig(people))
    page = None if hidden else coding_queries.queue(project, filters, request.args.get("page", 1, type=page_number))
    codes = {c.id: c for c in db.session.scalars(sa.select(Code).where(Code.project_id == project.id))}
    return _page(
        "insights/inputs.html",
        project,
        filters,
        page=page,
        hidden=hidden,
        codes=codes,
        answer=queries.answer_label(project, filters.answer),
        args=filters.as_args(),
        may_code=Permission.code in g.permissions,
        sentiment=Sentiment,
    )
