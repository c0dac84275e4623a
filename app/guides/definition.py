"""What a guide is made of, independent of the database, and the rules a guide must follow.

The editor, the JSON and XLSForm imports and publishing all check guides with ``check``, so a
guide that imports is a guide that can be published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any

from ..i18n import N_
from ..models import QuestionType
from ..questions import kind_of

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}\Z")
MAX_LABEL = 2000


@dataclass
class QuestionDef:
    key: str
    type: QuestionType
    label: str
    help: str = ""
    required: bool = False
    options: list[dict[str, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    show_if: dict[str, str] | None = None
    # Other languages: {"en": {"label": ..., "help": ..., "options": {value: label}}} (see LANGUAGES).
    translations: dict[str, Any] = field(default_factory=dict)

    @property
    def option_values(self) -> list[str]:
        return [o["value"] for o in self.options]

    @classmethod
    def of(cls, question: Any) -> QuestionDef:
        """The definition of a stored question (or anything with the same fields), copied."""
        values = {name: getattr(question, name) for name in QUESTION_FIELDS}
        return cls(
            **{
                **values,
                "options": list(values["options"] or []),
                "config": dict(values["config"] or {}),
                "translations": dict(values["translations"] or {}),
            }
        )

    def columns(self) -> dict[str, Any]:
        """The question's fields, as a stored question's columns are named."""
        return {name: getattr(self, name) for name in QUESTION_FIELDS}

    def as_json(self) -> dict[str, Any]:
        """The question as the exchange file and the offline bundle write it."""
        return {**self.columns(), "type": kind_of(self).name}


# What a question is made of: the editor, the imports, storing, copying and the JSON all go by this.
QUESTION_FIELDS = tuple(f.name for f in fields(QuestionDef))


@dataclass
class SectionDef:
    title: str
    questions: list[QuestionDef] = field(default_factory=list)


@dataclass
class Problem:
    """A problem with a guide: where (a question key or a section), what (a message id), details."""

    where: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


def check_question(question: QuestionDef, earlier: dict[str, QuestionDef]) -> list[Problem]:
    """Problems with one question, given the questions that come before it."""
    where = question.key or "?"
    problems: list[Problem] = []

    def add(message: str, **params: Any) -> None:
        problems.append(Problem(where, message, params))

    if not KEY_PATTERN.match(question.key or ""):
        add(N_("The key must start with a letter and hold only letters, digits, _ . or - (at most 64)."))
    if question.key in earlier:
        add(N_("The key %(key)s is used twice."), key=question.key)
    if not question.label.strip():
        add(N_("The question has no text."))
    elif len(question.label) > MAX_LABEL:
        add(N_("The question text is longer than %(max)s characters."), max=MAX_LABEL)

    for message, params in kind_of(question).problems(question):  # its options and settings
        add(message, **params)

    if question.show_if:
        problems.extend(_check_show_if(question, earlier))
    problems.extend(_check_translations(question))
    return problems


# Languages a guide may be translated into, with their own names (what a resident recognises), and
# those written right to left.
LANGUAGES = {
    "nl": "Nederlands",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "pl": "Polski",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "uk": "Українська",
    "ru": "Русский",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fa": "فارسی",
    "zh": "中文",
}
RIGHT_TO_LEFT = frozenset({"ar", "fa"})


def _check_translations(question: QuestionDef) -> list[Problem]:
    where = question.key or "?"
    translations = question.translations or {}
    if not isinstance(translations, dict):
        return [Problem(where, N_("The translations of a question must be given per language."))]
    problems = []
    values = set(question.option_values)
    for language, text in translations.items():
        if language not in LANGUAGES or language == "nl":
            problems.append(
                Problem(where, N_("%(language)s is not a language a guide can be translated into."), {"language": str(language)[:20]})
            )
            continue
        if not isinstance(text, dict) or not isinstance(text.get("label", ""), str) or not isinstance(text.get("help", ""), str):
            problems.append(Problem(where, N_("The %(language)s translation needs a question text."), {"language": language}))
            continue
        if not text.get("label", "").strip() or len(text["label"]) > MAX_LABEL or len(text.get("help", "")) > MAX_LABEL:
            problems.append(Problem(where, N_("The %(language)s translation needs a question text."), {"language": language}))
        options = text.get("options") or {}
        if (
            not isinstance(options, dict)
            or not set(options) <= values
            or not all(isinstance(v, str) and v.strip() for v in options.values())
        ):
            problems.append(
                Problem(where, N_("The %(language)s translation names options the question does not have."), {"language": language})
            )
    return problems


def _check_show_if(question: QuestionDef, earlier: dict[str, QuestionDef]) -> list[Problem]:
    rule = question.show_if or {}
    where = question.key or "?"
    target = earlier.get(rule.get("question", ""))
    op, value = rule.get("op"), str(rule.get("value", ""))
    if target is None:
        return [Problem(where, N_("Show-if refers to %(key)s, which is not an earlier question."), {"key": rule.get("question", "")})]
    if op is None or kind_of(target).show_if_op != op:
        return [Problem(where, N_('Show-if cannot use "%(op)s" on question %(key)s.'), {"op": op, "key": target.key})]
    if not value:
        return [Problem(where, N_("Show-if needs a value to compare with."))]
    allowed = kind_of(target).show_if_values(target)
    if allowed is not None and value not in allowed:
        return [
            Problem(
                where,
                N_("Show-if compares with %(value)s, which question %(key)s does not offer."),
                {"value": value, "key": target.key},
            )
        ]
    return []


def check(sections: list[SectionDef]) -> list[Problem]:
    """Every problem in a whole guide."""
    problems: list[Problem] = []
    earlier: dict[str, QuestionDef] = {}
    if not any(s.questions for s in sections):
        problems.append(Problem("", N_("The guide has no questions.")))
    for index, section in enumerate(sections, start=1):
        if len(section.title) > 200:
            problems.append(Problem(f"section {index}", N_("A section title is at most 200 characters.")))
        for question in section.questions:
            problems.extend(check_question(question, earlier))
            earlier.setdefault(question.key, question)
    return problems


def option_list(text: str) -> list[dict[str, str]]:
    """Options from an editor text box: one per line, "value = label" or just a label."""
    options = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        value, sep, label = line.partition("=")
        if sep:
            options.append({"value": value.strip(), "label": label.strip()})
        else:
            options.append({"value": _slug(line), "label": line})
    return options


# Words a question's key leaves out: "Hoe tevreden bent u over het groen?" gives "tevreden_groen".
_FILLER = frozenset(
    [
        "aan",
        "als",
        "bent",
        "bij",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doet",
        "doen",
        "een",
        "en",
        "er",
        "heeft",
        "hebt",
        "het",
        "hoe",
        "hoeveel",
        "in",
        "is",
        "je",
        "jij",
        "jouw",
        "kunt",
        "met",
        "mist",
        "na",
        "naar",
        "niet",
        "nog",
        "of",
        "om",
        "ook",
        "op",
        "over",
        "te",
        "tegen",
        "u",
        "uw",
        "van",
        "vaak",
        "vindt",
        "voelt",
        "voor",
        "waar",
        "waarom",
        "wat",
        "welk",
        "welke",
        "wie",
        "wilt",
        "word",
        "wordt",
        "zich",
        "zijn",
        "zou",
        "a",
        "an",
        "and",
        "are",
        "did",
        "do",
        "does",
        "how",
        "in",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "you",
        "your",
    ]
)


def make_key(label: str, taken: Collection[str] = ()) -> str:
    """A key made from a question's text: its first three telling words, unique among ``taken``."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    telling = [w for w in words if w not in _FILLER] or words
    base = "_".join(telling[:3])[:40].strip("_") or "vraag"
    if not base[0].isalpha():
        base = f"v_{base}"
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}_{number}"
    return key


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return slug[:100] or label[:100]
