"""The audit log viewer, for the administrator (everything) and a project's coordinators (their
project): filters, pages of 100, and a CSV of what the filters select."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from ..inputs import query_id
from . import queries, services
from .forms import AuditFilterForm


def show(template: str, project_id: int | None = None, **context: Any) -> Any:
    form = AuditFilterForm(request.args).prepare(queries.object_types(project_id))
    if request.args and not form.validate():
        return render_template(template, form=form, events=[], older=None, **context), 422
    filters = form.filters()
    if request.args.get("format") == "csv":
        # Logged before it is read: the read-only transaction of ``to_csv`` commits the row first.
        services.record(
            "audit.export",
            None,
            project_id=project_id,
            object_type="AuditLog",
            details={k: str(v) for k, v in filters.__dict__.items() if v},
        )
        body = queries.to_csv(filters, project_id)
        name = f"audit-{'project-' + str(project_id) if project_id else 'all'}.csv"
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
    events, older = queries.page(filters, project_id, request.args.get("before", type=query_id))
    return render_template(template, form=form, events=events, older=older, **context)
