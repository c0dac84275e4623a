"""Who may see and do what: the one place where access is decided.

Every view declares a rule with one of the decorators below. ``enforce`` runs before every
request and refuses an endpoint that declares nothing, so a forgotten rule fails closed.
"""

from .policy import (
    Permission,
    admin_required,
    can,
    can_create_projects,
    filter_args,
    get_in_project,
    get_input,
    get_owned,
    init_app,
    input_filter,
    login_required,
    may_capture_in,
    permissions_in,
    project_creator_required,
    project_required,
    project_with,
    projects_for,
    public,
    two_factor_required,
)

__all__ = [
    "Permission",
    "admin_required",
    "can",
    "can_create_projects",
    "filter_args",
    "get_in_project",
    "get_input",
    "get_owned",
    "init_app",
    "input_filter",
    "login_required",
    "may_capture_in",
    "permissions_in",
    "project_creator_required",
    "project_required",
    "project_with",
    "projects_for",
    "public",
    "two_factor_required",
]
