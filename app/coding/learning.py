"""Learned suggestions: codes proposed for a statement from what the project's coders did before.

One model per project, trained in the background on its own codings (nothing leaves the server):
every coded statement's text as TF-IDF of its words, word pairs and letter groups (so that a Dutch
compound like "lantaarnpaal" shares "lantaarn" with "lantaarns"), and a logistic regression per code
that at least ``MIN_EXAMPLES`` statements carry. A suggestion a person rejected is a counter-example
for that code on that statement, weighing ``REJECTED_WEIGHT``, and is never offered there again.

The model only proposes, with its confidence: nothing is coded until a person accepts. The trained
numbers are stored with the project as an .npz read without pickle (numbers, never code).
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import scipy.sparse as sp
import sqlalchemy as sa
from flask import current_app
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from .. import background
from ..database import committed_write, long_read
from ..extensions import db
from ..models import Answer, Code, Coding, Contribution, JobStatus, Project, SuggestionModel, SuggestionRejection
from ..models.types import utcnow
from ..text import normalise_text

log = logging.getLogger(__name__)

MIN_CODINGS = 20  # codings (and rejections) a project has before a first model is trained
RETRAIN_AFTER = 10  # codings or rejections added (or removed) since the last training that call for a new one
MIN_EXAMPLES = 3  # statements a code must carry to be learned
REJECTED_WEIGHT = 3.0  # a person's "no" counts for three statements that merely lack the code
SHOW_FROM = 0.4  # the least confidence a learned suggestion is shown with
TOP = 3  # learned suggestions shown at most per statement
C = 3.0  # the regression's inverse regularisation: short texts, many features, few examples per code
# C, the balanced class weights and SHOW_FROM were chosen on a split of benchmarks/labelled_statements.py
# other than the benchmark's (phrasings never coded before: precision and recall both near 0.4).
STALE_AFTER = timedelta(minutes=15)  # a training that said nothing for this long died with its worker
TIMEOUT = 600  # seconds a training may take on the worker
CHECK_EVERY = 30  # seconds between two looks (per process) at whether a project's model is due

# Words and word pairs, and letter groups of 3 to 5 within words; hashed, so nothing is kept of the
# texts themselves but numbers (the model holds no vocabulary a resident's words could be read from).
_WORDS = HashingVectorizer(analyzer="word", ngram_range=(1, 2), strip_accents="unicode", n_features=2**20, alternate_sign=False, norm=None)
_LETTERS = HashingVectorizer(
    analyzer="char_wb", ngram_range=(3, 5), strip_accents="unicode", n_features=2**20, alternate_sign=False, norm=None
)


@dataclass(frozen=True)
class Model:
    columns: np.ndarray  # the hashed features seen in at least two statements
    idf: np.ndarray  # their inverse document frequency
    code_ids: np.ndarray  # the codes learned, one row of ``coef`` each
    coef: np.ndarray
    intercept: np.ndarray

    def confidence(self, texts: list[str]) -> np.ndarray:
        """For each text, each learned code's probability (rows: texts, columns: ``code_ids``)."""
        features = weigh(select(counts(texts), self.columns), self.idf)
        return 1 / (1 + np.exp(-(features @ self.coef.T + self.intercept)))

    def dump(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(out, columns=self.columns, idf=self.idf, code_ids=self.code_ids, coef=self.coef, intercept=self.intercept)
        return out.getvalue()

    @classmethod
    def load(cls, data: bytes) -> Model:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            return cls(stored["columns"], stored["idf"], stored["code_ids"], stored["coef"], stored["intercept"])


def counts(texts: list[str]) -> sp.csr_matrix:
    return sp.hstack([_WORDS.transform(texts), _LETTERS.transform(texts)], format="csr")


def select(raw: sp.csr_matrix, columns: np.ndarray) -> sp.csr_matrix:
    """``raw[:, columns]`` for sorted, distinct ``columns``, found by bisection (scipy's column indexing
    of a matrix two million columns wide costs milliseconds per text)."""
    raw.sum_duplicates()
    at = np.minimum(np.searchsorted(columns, raw.indices), max(len(columns) - 1, 0))
    keep = columns[at] == raw.indices if len(columns) else np.zeros(len(raw.indices), dtype=bool)
    rows = np.repeat(np.arange(raw.shape[0]), np.diff(raw.indptr))[keep]
    return sp.csr_matrix((raw.data[keep], (rows, at[keep])), shape=(raw.shape[0], len(columns)))


def weigh(features: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF with a damped count (1 + log n), each text's vector of length one."""
    features = features.astype(np.float64)
    features.data = 1 + np.log(features.data)
    return normalize(features @ sp.diags(idf), copy=False)


def train(texts: list[str], labels: list[set[int]], rejected: list[set[int]]) -> Model | None:
    """Learn from statements ``texts`` carrying codes ``labels``, and the codes ``rejected`` for them.

    A statement with no code (only rejections) teaches only the codes it rejected. None when no code
    has ``MIN_EXAMPLES`` statements, or nothing to tell it from."""
    carried = Counter(code for codes in labels for code in codes)
    learned = sorted(code for code, n in carried.items() if n >= MIN_EXAMPLES)
    if not learned:
        return None
    raw = counts(texts)
    frequency = np.bincount(raw.indices, minlength=raw.shape[1])
    columns = np.flatnonzero(frequency >= 2)
    idf = np.log((1 + len(texts)) / (1 + frequency[columns])) + 1
    features = weigh(select(raw, columns), idf)
    coded = np.array([bool(codes) for codes in labels])
    code_ids, coefs, intercepts = [], [], []
    for code in learned:
        y = np.array([code in codes for codes in labels])
        said_no = np.array([code in codes for codes in rejected])
        weight = np.where(said_no & ~y, REJECTED_WEIGHT, np.where(coded, 1.0, 0.0))
        if y[weight > 0].all():
            continue  # every statement has it: nothing to tell it from
        regression = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=200)
        regression.fit(features, y, sample_weight=weight)
        code_ids.append(code)
        coefs.append(regression.coef_[0])
        intercepts.append(regression.intercept_[0])
    if not code_ids:
        return None
    return Model(
        columns.astype(np.int64),
        idf.astype(np.float32),
        np.array(code_ids, dtype=np.int64),
        np.array(coefs, dtype=np.float32),
        np.array(intercepts, dtype=np.float32),
    )


def examples(project_id: int) -> tuple[list[str], list[set[int]], list[set[int]]]:
    """The project's coded (or rejected) statements: their texts, codes and rejected codes.

    Only the project's own codings count (not a second coder's blind ones) and only active codes."""
    labels: dict[tuple[str, int], set[int]] = {}
    rejected: dict[tuple[str, int], set[int]] = {}
    active = sa.select(Code.id).where(Code.project_id == project_id, Code.archived.is_(False))
    for answer_id, contribution_id, code_id in db.session.execute(
        sa.select(Coding.answer_id, Coding.contribution_id, Coding.code_id).where(
            Coding.project_id == project_id, Coding.sample_id.is_(None), Coding.code_id.in_(active)
        )
    ):
        key = ("answer", answer_id) if answer_id is not None else ("contribution", contribution_id)
        labels.setdefault(key, set()).add(code_id)
    for answer_id, contribution_id, code_id in db.session.execute(
        sa.select(SuggestionRejection.answer_id, SuggestionRejection.contribution_id, SuggestionRejection.code_id).where(
            SuggestionRejection.project_id == project_id, SuggestionRejection.code_id.in_(active)
        )
    ):
        key = ("answer", answer_id) if answer_id is not None else ("contribution", contribution_id)
        rejected.setdefault(key, set()).add(code_id)
    keys = sorted(set(labels) | set(rejected))
    texts: dict[tuple[str, int], str] = {}
    for kind, model in (("answer", Answer), ("contribution", Contribution)):
        ids = [i for k, i in keys if k == kind]
        for chunk in range(0, len(ids), 500):
            for input_id, text in db.session.execute(sa.select(model.id, model.text).where(model.id.in_(ids[chunk : chunk + 500]))):
                texts[(kind, input_id)] = text if kind == "answer" else normalise_text(text)
    keys = [key for key in keys if key in texts]
    return [texts[k] for k in keys], [labels.get(k, set()) for k in keys], [rejected.get(k, set()) for k in keys]


# The models in use, by project: (trained at, model), read again when a newer one is stored.
_loaded: dict[int, tuple[datetime, Model]] = {}
_looked: dict[tuple[str, int], float] = {}  # when this process last looked whether a project's model is due


def model_of(project_id: int) -> Model | None:
    trained_at = db.session.scalar(sa.select(SuggestionModel.trained_at).where(SuggestionModel.project_id == project_id))
    if trained_at is None:
        return None
    cached = _loaded.get(project_id)
    if cached is not None and cached[0] == trained_at:
        return cached[1]
    data = db.session.scalar(sa.select(SuggestionModel.data).where(SuggestionModel.project_id == project_id))
    if data is None:
        return None
    model = Model.load(data)
    _loaded[project_id] = (trained_at, model)
    return model


def confidences(project_id: int, text: str) -> dict[int, float]:
    """How sure the project's model is of each code it learned, for ``text`` (none without a model)."""
    model = model_of(project_id)
    if model is None or not text.strip():
        return {}
    return dict(zip(model.code_ids.tolist(), model.confidence([text])[0].tolist(), strict=True))


def current(project: Project) -> SuggestionModel | None:
    """The project's model row as it stands (a training whose worker died shows as failed)."""
    return db.session.scalar(sa.select(SuggestionModel).where(SuggestionModel.project_id == project.id))


def busy(row: SuggestionModel) -> bool:
    return row.status in (JobStatus.queued, JobStatus.running) and row.updated_at > utcnow() - STALE_AFTER


def failed(row: SuggestionModel) -> bool:
    """The latest training failed, or stopped with its worker (a restart, a crash) and said nothing since."""
    return row.status == JobStatus.failed or (row.status in (JobStatus.queued, JobStatus.running) and not busy(row))


def taught(project_id: int) -> int:
    """What the model learns from, counted: the project's own codings and the rejected suggestions."""
    codings = sa.select(sa.func.count()).select_from(Coding).where(Coding.project_id == project_id, Coding.sample_id.is_(None))
    rejections = sa.select(sa.func.count()).select_from(SuggestionRejection).where(SuggestionRejection.project_id == project_id)
    return int(db.session.scalar(codings) or 0) + int(db.session.scalar(rejections) or 0)


def due(project: Project) -> int | None:
    """The count to train on when the project's model should be (re)trained now, else None."""
    return _due(current(project), taught(project.id))


def _due(row: SuggestionModel | None, count: int) -> int | None:
    if row is None:
        return count if count >= MIN_CODINGS else None
    if busy(row) or count < MIN_CODINGS or (abs(count - row.basis) < RETRAIN_AFTER and not failed(row)):
        return None
    return count


def train_when_due(project: Project, force: bool = False) -> bool:
    """Queue a training of the project's model when enough has changed (or ``force``: a coordinator
    asks), unless one is queued or running or training is switched off (``TRAIN_SUGGESTIONS``). A page
    that only reads may call it (the claim is written on a connection of its own); in a request that
    writes, the request's work is committed with the claim. True when one was queued."""
    if not current_app.config["TRAIN_SUGGESTIONS"]:
        return False  # switched off on this server (and in tests that share one connection)
    if not force:  # counting a big project's codings on every coding page would cost more than it tells
        now, looked = time.monotonic(), (str(db.engine.url), project.id)
        if now - _looked.get(looked, -CHECK_EVERY) < CHECK_EVERY:
            return False
        _looked[looked] = now
    row, count = current(project), taught(project.id)
    basis = count if force else _due(row, count)
    if basis is None or (force and row is not None and busy(row)):
        return False
    now = utcnow()
    with committed_write() as connection:
        if row is None:
            claimed = connection.execute(
                sa.insert(SuggestionModel).values(
                    project_id=project.id, status=JobStatus.queued, basis=basis, statements=0, codes=0, updated_at=now
                )
            ).rowcount
        else:
            not_busy = sa.or_(
                SuggestionModel.status.not_in([JobStatus.queued, JobStatus.running]), SuggestionModel.updated_at <= now - STALE_AFTER
            )
            claimed = connection.execute(
                sa.update(SuggestionModel)
                .where(SuggestionModel.project_id == project.id, not_busy)
                .values(status=JobStatus.queued, basis=basis, updated_at=now)
            ).rowcount
    if claimed != 1:
        return False
    key = str(project.id)
    background.submit("app.worker.run_training", key, run, TIMEOUT, job_id=f"training-{key}-{now.timestamp():.0f}")
    return True


def run(key: str) -> None:
    """Train a project's model (the background job). Reads in one snapshot that never holds the write
    lock, learns outside any transaction, and stores the result in a short write."""
    project_id = int(key)
    started = db.session.execute(
        sa.update(SuggestionModel)
        .where(SuggestionModel.project_id == project_id, SuggestionModel.status == JobStatus.queued)
        .values(status=JobStatus.running, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    if started != 1:
        return
    try:
        with long_read():
            texts, labels, rejected = examples(project_id)
        model = train(texts, labels, rejected)
        row = db.session.scalar(sa.select(SuggestionModel).where(SuggestionModel.project_id == project_id))
        if row is None:  # the project was removed meanwhile
            return
        row.status, row.updated_at, row.trained_at = JobStatus.done, utcnow(), utcnow()
        row.statements = sum(1 for codes in labels if codes)
        row.codes = 0 if model is None else len(model.code_ids)
        row.data = None if model is None else model.dump()
        db.session.commit()
    except Exception:  # the training must end, and say so
        db.session.rollback()
        log.exception("training the suggestions of project %s failed", project_id)
        db.session.execute(
            sa.update(SuggestionModel).where(SuggestionModel.project_id == project_id).values(status=JobStatus.failed, updated_at=utcnow())
        )
        db.session.commit()


def forget(project: Project) -> None:
    """Drop what the project's model learned (its input was erased): no suggestions are made from it,
    and the next coding page trains a new one from what is left. Joins the caller's transaction."""
    db.session.execute(
        sa.update(SuggestionModel)
        .where(SuggestionModel.project_id == project.id)
        .values(data=None, trained_at=None, statements=0, codes=0, basis=0, updated_at=utcnow())
    )
    _loaded.pop(project.id, None)


def train_now(project: Project) -> SuggestionModel:
    """Train the project's model in this process, now (the demo data, the benchmark); commits."""
    row = current(project) or SuggestionModel(project_id=project.id, statements=0, codes=0)
    row.status, row.basis, row.updated_at = JobStatus.queued, taught(project.id), utcnow()
    db.session.add(row)
    db.session.commit()
    run(str(project.id))
    db.session.refresh(row)
    return row


def wait(project_id: int, timeout: float = 120) -> None:
    """Wait for the project's in-process training (tests); hold no transaction while waiting."""
    background.wait(str(project_id), timeout)
