"""How a stored answer reads on screen."""

from __future__ import annotations

from typing import Any

from ..access import Permission, can
from ..models import Project, Question
from ..privacy import coarse, pseudonymise, street_only
from ..questions import kind_of


def answer_text(question: Question, value: Any) -> str:
    return kind_of(question).text(question, value)


def _masked_for(project: Project) -> bool:
    """Policy makers (viewers) read everyone's input pseudonymised; those who may see people
    (coordinators), and interviewers reading what they recorded themselves, read it as it is."""
    return can(Permission.read_all, project) and not can(Permission.see_people, project)


def reader_text(text: str, project: Project) -> str:
    return pseudonymise(text) if text and _masked_for(project) else text


def reader_street(street: str, project: Project) -> str:
    return street_only(street) if street and _masked_for(project) else street


def reader_answer(question: Question, value: Any, project: Project) -> str:
    masked = kind_of(question).masked_text(question, value, coarse) if _masked_for(project) else None
    return masked if masked is not None else reader_text(answer_text(question, value), project)


def reader_point(degrees: float | None, project: Project) -> float | None:
    return coarse(degrees) if _masked_for(project) else degrees
