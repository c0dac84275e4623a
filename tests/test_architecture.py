"""The import graph runs one way: kernel → set-up → capture → sync → coding → insights → exports → the app.

Each package or top-level module of ``app`` lives on one floor. A module may import from its own floor and
the floors below; an import upwards is allowed only when it is listed in ``UPWARD`` and its line says why
(a comment with "upward"). No module imports another inside a function to dodge a cycle; the one exception is
the Flask app factory, which imports the blueprints when it builds the app (the packages import ``app.*``,
which runs ``app/__init__.py`` first).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

FLOORS: list[tuple[str, set[str]]] = [
    (
        "kernel",
        {
            "models", "extensions", "config", "database", "i18n", "inputs", "text", "widgets", "privacy", "facts", "mail",
            "access", "spreadsheet", "converters", "redirects", "qr", "questions", "audit", "filters", "paging",
            "statements", "storage", "background",
        },
    ),
    ("set-up", {"auth", "security", "errors", "admin", "projects", "areas", "elements", "codebook", "guides", "rounds"}),
    ("capture", {"capture", "photos"}),
    ("sync", {"sync", "offline"}),
    ("coding", {"coding", "actions"}),
    ("insights", {"insights"}),
    ("exports", {"exports"}),
    # The doors: the factory, commands, the worker, the demo, and what spans every feature (the JSON API,
    # a resident's input across rounds, coding and exports).
    ("app", {"__init__", "cli", "worker", "demo", "demo_coding", "demo_fieldwork", "demo_outlines", "api", "main", "residents"}),
]  # fmt: skip

# (importing module, imported module) pairs allowed to go upwards; each line must carry an "upward" comment.
UPWARD: set[tuple[str, str]] = set()
MAX_UPWARD = 3


@dataclass(frozen=True)
class Import:
    module: str  # app.capture.routes
    target: str  # app.rounds.services
    line: int
    in_function: str | None  # the function's name when the import is inside one
    text: str


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if package else parts), package


def imports() -> list[Import]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        module, package = _module_name(path)
        here = module.split(".") if package else module.split(".")[:-1]
        owner: dict[int, str] = {}
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    owner.setdefault(id(node), function.name)
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
                # "from app.x import y" imports the module app.x.y when there is one, else a name of app.x
                targets = [f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target == "app" or target.startswith("app."):
                    text = " ".join(lines[node.lineno - 1 : node.end_lineno])
                    found.append(Import(module, target, node.lineno, owner.get(id(node)), text))
    return found


def _is_module(name: str) -> bool:
    path = APP.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def floor_of(module: str) -> int:
    """The floor of ``app.x.y``: that of ``x`` (a package or a top-level module); ``app`` itself is the factory."""
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 and _is_module(".".join(parts[:2])) else "__init__"
    for number, (_, names) in enumerate(FLOORS):
        if name in names:
            return number
    raise AssertionError(f"{module} is on no floor: add {name!r} to FLOORS in {__file__}")


def test_every_module_has_a_floor_and_floors_do_not_overlap():
    names = [name for _, floor in FLOORS for name in floor]
    assert len(names) == len(set(names))
    for item in imports():
        floor_of(item.module)
        floor_of(item.target)


def test_imports_run_one_way():
    upward = [item for item in imports() if floor_of(item.target) > floor_of(item.module)]
    unexplained = [
        f"{item.module}:{item.line} imports {item.target} ({FLOORS[floor_of(item.module)][0]} → {FLOORS[floor_of(item.target)][0]})"
        for item in upward
        if (item.module, item.target) not in UPWARD
    ]
    assert not unexplained, "imports from a lower floor to a higher one:\n" + "\n".join(unexplained)
    assert len(UPWARD) <= MAX_UPWARD
    for item in upward:
        assert "upward" in item.text.lower() or "upward" in _line_before(item), f"{item.module}:{item.line} needs a comment saying why"


def _line_before(item: Import) -> str:
    path = APP.parent.joinpath(*item.module.split(".")).with_suffix(".py")
    if not path.exists():
        path = APP.parent.joinpath(*item.module.split("."), "__init__.py")
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[item.line - 2].lower() if item.line > 1 else ""


def test_no_import_inside_a_function_except_the_app_factory():
    inside = [
        f"{item.module}:{item.line} imports {item.target} inside {item.in_function}()"
        for item in imports()
        if item.in_function and (item.module, item.in_function) != ("app", "create_app")
    ]
    assert not inside, "imports inside functions:\n" + "\n".join(inside)


def test_the_checker_reads_relative_and_absolute_imports():
    """The graph is read from relative and absolute imports alike (a checker that saw nothing would pass)."""
    found = imports()
    assert any(item.module == "app.capture.routes" and item.target == "app.rounds.services" for item in found)
    assert any(item.module == "app" and item.in_function == "create_app" for item in found)
    assert floor_of("app.exports.sheets") > floor_of("app.capture.routes") > floor_of("app.models")
