"""Trainee progress in a real database: every practice attempt, kept across visits.

SQLite file by default (``MARROWDX_DB`` unset: ``~/.local/share/marrowdx/progress.sqlite``,
or ``MARROWDX_HOME``); the same code runs on PostgreSQL when ``MARROWDX_DB`` holds a
``postgresql://`` URL, as a teaching programme with several app processes needs. The
schema is created and upgraded by Alembic (``engine/migrations``). Every write is one
transaction, so a crash or a concurrent writer never loses a committed attempt.
No passwords and no patient data: a trainee is a self-chosen handle.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")
HANDLE_RULE = "1-40 letters, digits, spaces, dots, hyphens or underscores, starting with a letter or digit"


class Base(DeclarativeBase):
    pass


class Trainee(Base):
    __tablename__ = "trainees"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[list[Attempt]] = relationship(back_populates="trainee")


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(120), index=True)
    origin: Mapped[str] = mapped_column(String(20))  # library, upload, assignment or drill
    expected: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    answer: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    points: Mapped[int] = mapped_column(Integer)
    max_points: Mapped[int] = mapped_column(Integer)
    missed_must_not_miss: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    trainee: Mapped[Trainee] = relationship(back_populates="attempts")


class Assignment(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    cases: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class AttemptRecord:
    """One stored attempt, as plain data for views and export."""

    handle: str
    case_id: str
    origin: str
    expected: str
    category: str
    answer: tuple[str, ...]
    position: int | None
    points: int
    max_points: int
    missed_must_not_miss: tuple[str, ...]
    created_at: dt.datetime

    @property
    def correct(self) -> bool:
        return self.position == 1


class HandleError(ValueError):
    """A handle that is empty or has characters we do not store."""


def check_handle(handle: str) -> str:
    cleaned = handle.strip()
    if not HANDLE.match(cleaned):
        raise HandleError(f"handle: {handle!r} is not allowed; use {HANDLE_RULE}")
    return cleaned


def default_url() -> str:
    """MARROWDX_DB, else a SQLite file under MARROWDX_HOME or ~/.local/share/marrowdx."""
    url = os.environ.get("MARROWDX_DB")
    if url:
        return url
    home = Path(os.environ.get("MARROWDX_HOME") or Path.home() / ".local" / "share" / "marrowdx")
    return f"sqlite:///{home / 'progress.sqlite'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers wait."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One process at a time upgrades the schema (several app processes may start together)."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        with open(f"{engine.url.database}.migrate.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        return
    yield


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("engine").joinpath("migrations")))
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7231)")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class ProgressStore:
    """Attempts, trainees and assignments in one database."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = _engine(self.url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def _trainee(self, session: Session, handle: str) -> Trainee:
        found = session.scalar(select(Trainee).where(Trainee.handle == handle))
        if found is None:
            found = Trainee(handle=handle, created_at=_now())
            session.add(found)
            session.flush()
        return found

    def record(self, handle: str, *, case_id: str, origin: str, expected: str, category: str,
               answer: list[str], position: int | None, points: int, max_points: int,
               missed_must_not_miss: list[str]) -> int:
        """Store one attempt in its own transaction; return its id."""
        handle = check_handle(handle)
        for attempt in range(3):
            try:
                with Session(self.engine) as session, session.begin():
                    row = Attempt(
                        trainee=self._trainee(session, handle), case_id=case_id, origin=origin,
                        expected=expected, category=category, answer=list(answer),
                        position=position, points=points, max_points=max_points,
                        missed_must_not_miss=list(missed_must_not_miss), created_at=_now())
                    session.add(row)
                    session.flush()
                    return row.id
            except Exception as error:  # a first attempt by a handle raced another process
                if attempt == 2 or "unique" not in str(error).lower():
                    raise
        raise AssertionError("unreachable")

    def attempts(self, handle: str | None = None) -> list[AttemptRecord]:
        query = select(Attempt, Trainee.handle).join(Trainee).order_by(Attempt.created_at, Attempt.id)
        if handle is not None:
            query = query.where(Trainee.handle == check_handle(handle))
        with Session(self.engine) as session:
            return [
                AttemptRecord(name, a.case_id, a.origin, a.expected, a.category, tuple(a.answer),
                              a.position, a.points, a.max_points, tuple(a.missed_must_not_miss),
                              _aware(a.created_at))
                for a, name in session.execute(query)
            ]

    def trainees(self) -> list[str]:
        with Session(self.engine) as session:
            return list(session.scalars(select(Trainee.handle).order_by(Trainee.handle)))

    def add_assignment(self, name: str, cases: list[dict[str, Any]]) -> int:
        with Session(self.engine) as session, session.begin():
            existing = session.scalar(select(Assignment).where(Assignment.name == name))
            if existing is not None:
                existing.cases = cases
                return existing.id
            row = Assignment(name=name, cases=cases, created_at=_now())
            session.add(row)
            session.flush()
            return row.id

    def assignments(self) -> dict[str, list[dict[str, Any]]]:
        with Session(self.engine) as session:
            return {a.name: a.cases for a in session.scalars(select(Assignment).order_by(Assignment.name))}

    def export_csv(self, out: IO[str], handle: str | None = None) -> int:
        """Write every attempt as CSV (one row each); return the number of rows."""
        rows = self.attempts(handle)
        writer = csv.writer(out)
        writer.writerow(["trainee", "time_utc", "case_id", "origin", "expected", "category",
                         "answer", "position", "points", "max_points", "missed_must_not_miss"])
        for r in rows:
            writer.writerow([r.handle, r.created_at.isoformat(timespec="seconds"), r.case_id,
                             r.origin, r.expected, r.category, " > ".join(r.answer),
                             r.position or "", r.points, r.max_points,
                             " ".join(r.missed_must_not_miss)])
        return len(rows)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
