"""The store: canonical facts, the uploads they came from, and commentary.

SQLite through SQLAlchemy Core by default; any SQLAlchemy URL through ``PCP_DATABASE_URL``.

* ``uploads``: one row per file published (name, SHA-256, size, who, when, rows, status,
  format, validation report); ``upload_files`` keeps the original bytes.
* ``facts``: one row per number (see `pcp_data.facts`), each tied to its upload.
* ``commentary``: the narrative for a KPQ and period, every version kept; a version marked
  ``internal`` is for the Commissioner's office and the Panel, never shown to the public.
* ``events``, ``actions``, ``rebases``: what analysts record beside the figures (an event
  against a measure or the whole force: "new recording standard"; a re-basing of a measure's
  SPC limits from a date, with its reason) and what the Commissioner's office records from a
  meeting (an action per question: owner, due date, status). Every change, removal included,
  is a new version with its author and time (``thing_id`` names the event, action or
  re-basing across its versions); readers see the newest version of each not removed.
* ``audit``: the audit log, append-only (the database itself refuses to update or delete a
  row): who did what and when, to which upload, plan or commentary, with the state before
  and after. Publish, withdraw, re-publish, commentary and plan changes each add a row in the
  transaction that makes the change.
* ``meta``: the store's *revisions*, for caches to key on: ``revision`` bumped by every change,
  and one per part of the store (``revision:<dataset>`` for each dataset's facts,
  ``revision:settings``, ``revision:plans``, ``revision:commentary``, ``revision:events``,
  ``revision:actions``, ``revision:rebases``), so that publishing
  recorded crime leaves cached workforce figures valid.
* ``coverage``: one row per dataset and area with current facts (name, kind, first and last
  period end, facts, sources), kept at publish and withdraw time, so listing areas and months
  never scans the facts.

Publishing an upload is one transaction: all its rows or none. The same bytes uploaded twice
are recognised by their hash and add nothing. Withdrawing an upload hides its facts, so the
figures are what they were before it. When two published uploads give the same fact (same
key, see `pcp_data.facts.KEY_COLUMNS`), the later upload's figure is current: a revision
replaces, a withdrawal restores.

Writes happen one at a time: a write transaction takes the store's write lock first (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: a transaction-level advisory lock) and waits for it up to
`lock_timeout` seconds (``$PCP_LOCK_TIMEOUT``, default 120: longer than a large publish), then
gives up with "another upload is being published". So two imports of the same file at once
give one upload and one "already uploaded". Every database error becomes a `StoreError` with
a message a user can act on (logged with its traceback); none reaches a user as a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pcp_data.config import database_url, store_folder
from pcp_data.errors import StoreError
from pcp_data.facts import FACT_COLUMNS, KEY_COLUMNS
from pcp_data.periods import edition_date

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.String(32), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("format", sa.String(64), nullable=False),
    sa.Column("report", sa.Text, nullable=False),
    sa.Column("withdrawn_by", sa.Text),
    sa.Column("withdrawn_at", sa.String(32)),
)

upload_files = sa.Table(
    "upload_files",
    metadata,
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

facts = sa.Table(
    "facts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
    *(
        sa.Column(c, sa.Float, nullable=c == "base")
        if c in ("value", "base")
        else sa.Column(c, sa.Text, nullable=False)
        for c in FACT_COLUMNS
    ),
    sa.Index("ix_facts_dataset_area", "dataset", "area_code"),
    sa.Index("ix_facts_upload", "upload_id"),
)

coverage = sa.Table(
    "coverage",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("area_code", sa.String(64), primary_key=True),
    sa.Column("area_name", sa.Text, nullable=False),
    sa.Column("area_kind", sa.String(16), nullable=False),
    sa.Column("first_end", sa.String(10), nullable=False),
    sa.Column("last_end", sa.String(10), nullable=False),
    sa.Column("facts", sa.Integer, nullable=False),
    sa.Column("sources", sa.Text, nullable=False),  # JSON list
)

commentary = sa.Table(
    "commentary",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Text, nullable=False),
    sa.Column("kpq_id", sa.Text, nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("written_at", sa.String(32), nullable=False),
    sa.Column("internal", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_commentary_kpq", "plan_id", "kpq_id", "period"),
)


def _versioned(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table of versions: each row one version of one thing (``thing_id``), with its author
    and time; a removal is a version with ``removed`` set."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("thing_id", sa.Integer, nullable=False),
        *columns,
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("written_at", sa.String(32), nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index(f"ix_{name}_thing", "thing_id"),
    )


events = _versioned(
    "events",
    sa.Column("plan_id", sa.Text),  # None with measure_id None: every plan
    sa.Column("measure_id", sa.Text),  # None: the whole force or area
    sa.Column("area_code", sa.Text),  # None: every area
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

actions = _versioned(
    "actions",
    sa.Column("plan_id", sa.Text, nullable=False),
    sa.Column("kpq_id", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("due", sa.String(10)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("meeting", sa.String(10)),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

rebases = _versioned(
    "rebases",
    sa.Column("plan_id", sa.Text, nullable=False),
    sa.Column("measure_id", sa.Text, nullable=False),
    sa.Column("area_code", sa.Text),  # None: every area
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("event_id", sa.Integer),  # the event given as the reason, if one was
)

VERSIONED: dict[str, sa.Table] = {"event": events, "action": actions, "rebase": rebases}
"""The kinds of thing kept in versions, by the word the audit log and messages use."""
ACTION_STATUSES: tuple[str, ...] = ("open", "done")

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target_kind", sa.String(16), nullable=False),  # upload, plan, commentary, ...
    sa.Column("target_id", sa.Text, nullable=False),
    sa.Column("before", sa.Text),  # JSON, None when the thing did not exist
    sa.Column("after", sa.Text),  # JSON, None when the thing no longer exists
    sa.Index("ix_audit_target", "target_kind", "target_id"),
)

AUDIT_ACTIONS: tuple[str, ...] = (
    "publish",
    "withdraw",
    "re-publish",
    "commentary",
    "load plan",
    "replace plan",
    "remove plan",
    "event",
    "remove event",
    "action",
    "remove action",
    "rebase",
    "remove rebase",
)

# The database refuses to change or delete a row of the audit log, whoever asks.
_APPEND_ONLY = "the audit log is append-only"
_AUDIT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "sqlite": tuple(
        f"CREATE TRIGGER IF NOT EXISTS audit_no_{when.lower()} BEFORE {when} ON audit "
        f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        for when in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION pcp_audit_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$",
        "CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION pcp_audit_append_only()",
        "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION pcp_audit_append_only()",
    ),
}


@sa.event.listens_for(metadata, "after_create")
def _upgrade(target: sa.MetaData, connection: sa.Connection, **kw: Any) -> None:
    """Bring a store made by an earlier version up to date (runs with every ``create_all``,
    after any missing table is made), and make the audit log append-only when it is made."""
    if audit in kw.get("tables", ()):
        for statement in _AUDIT_TRIGGERS.get(connection.dialect.name, ()):
            connection.exec_driver_sql(statement)
    columns = {c["name"] for c in sa.inspect(connection).get_columns("commentary")}
    if "internal" not in columns:
        connection.execute(
            sa.text("ALTER TABLE commentary ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE")
        )


@dataclass(frozen=True)
class PublishResult:
    """What publishing one file did: ``duplicate_of`` is set when nothing was added."""

    upload_id: int
    file_name: str
    rows: int
    duplicate_of: int | None = None
    reinstated: bool = False


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


logger = logging.getLogger(__name__)

LOCK_TIMEOUT_ENV = "PCP_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 120.0
BUSY_MESSAGE = (
    "Another upload is being published, so the store is busy: nothing was changed. "
    "Try again in a minute."
)
# PostgreSQL: the advisory lock every write transaction takes (any fixed 64-bit number).
_WRITE_LOCK_KEY = 7_050_112_100


def lock_timeout() -> float:
    """Seconds a write waits for another to finish: ``$PCP_LOCK_TIMEOUT`` or 120."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise StoreError(f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds above 0")
    return seconds


def _milliseconds() -> str:
    return f"{max(1, round(lock_timeout() * 1000))}ms"


def recorded_name(by: str | None) -> str:
    """The name recorded with a change (spaces tidied); refused when empty.

    Raises
    ------
    StoreError
        When the name is missing or blank.
    """
    cleaned = " ".join((by or "").split())
    if not cleaned:
        raise StoreError("say who you are: the name recorded with this change is empty")
    return cleaned


def shown_url(url: str) -> str:
    """The store's URL with any password hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an unreadable URL)"


def _store_error(exc: sa.exc.SQLAlchemyError, url: str) -> StoreError:
    """A database error in words: what happened to which store, and what to do."""
    where = shown_url(url)
    orig = getattr(exc, "orig", None)
    detail = str(orig if orig is not None else exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    text = first.lower()
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code == "55P03" or "database is locked" in text or "lock timeout" in text:
        return StoreError(BUSY_MESSAGE)
    if isinstance(exc, sa.exc.NoSuchModuleError):
        return StoreError(f"the store's URL {where} names a database driver not installed")
    if isinstance(exc, sa.exc.ArgumentError):
        return StoreError(f"the store's URL {url!r} is not a database URL: {first}")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the store at {where} is read-only: nothing was changed")
    if "disk is full" in text or "disk i/o" in text or "no space" in text:
        return StoreError(f"the store at {where} could not write ({first}): nothing was changed")
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return StoreError(f"the store at {where} cannot be used: {first}")
    return StoreError(
        f"the store at {where} refused the operation ({first}); nothing was changed. "
        "The details are in the product's log."
    )


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Database errors raised inside become `StoreError` (logged with their traceback)."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        logger.warning("the store at %s failed", shown_url(url), exc_info=True)
        raise _store_error(exc, url) from exc
    except pd.errors.DatabaseError as exc:  # pandas' read_sql wraps the driver's error
        logger.warning("the store at %s failed", shown_url(url), exc_info=True)
        cause = exc.__cause__
        if isinstance(cause, sa.exc.SQLAlchemyError):
            raise _store_error(cause, url) from exc
        raise StoreError(f"the store at {shown_url(url)} failed: {exc}") from exc


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: `pcp_data.config.database_url`), with a database that
    cannot be reached or made reported as a `StoreError`, not a traceback."""
    target = url or database_url()
    try:
        with _database_errors(target):
            return Store(target)
    except OSError as exc:
        raise StoreError(f"cannot open the store at {shown_url(target)}: {exc}") from exc


class Store:
    """A connection to the store. Creates its tables (and SQLite folder) on first use.

    >>> store = Store("sqlite://")  # in memory
    >>> store.revision()
    0
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        store_folder(self.url)
        kwargs: dict[str, Any] = {}
        if self.url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = sa.pool.StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        self.engine = sa.create_engine(self.url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._backfill_coverage()

    def _backfill_coverage(self) -> None:
        """A store made before ``coverage`` existed gets it once, from its facts."""
        with self.engine.begin() as conn:
            if conn.execute(sa.select(coverage.c.dataset).limit(1)).first() is not None:
                return
            datasets = {row[0] for row in conn.execute(sa.select(facts.c.dataset).distinct())}
            if datasets:
                _refresh_coverage(conn, datasets)

    # -- connections ----------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with _database_errors(self.url), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction holding the store's write lock (one writer at a time; see the
        module docstring): committed when the block ends, rolled back on any error."""
        with _database_errors(self.url), self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to the busy timeout
            elif conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.set_config("lock_timeout", _milliseconds(), True)))
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_WRITE_LOCK_KEY)))
            yield conn

    # -- revision -------------------------------------------------------------------------
    def revision(self) -> int:
        """A number that changes whenever the store's content changes."""
        return self.revisions().get("revision", 0)

    def revisions(self) -> dict[str, int]:
        """Every revision counter in one query: ``revision`` (any change) and one per part
        (``revision:recorded_crime``, ``revision:settings``, ...); a part never changed is
        absent (read it as 0)."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(meta_table.c.key, meta_table.c.value).where(
                    meta_table.c.key.like("revision%")
                )
            ).all()
        return {key: int(value) for key, value in rows}

    def _bump(self, conn: sa.Connection, *parts: str) -> None:
        """Bump ``revision`` and ``revision:<part>`` for each part changed."""
        for key in ("revision", *(f"revision:{p}" for p in sorted(set(parts)))):
            current = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == key)
            ).scalar()
            if current is None:
                conn.execute(meta_table.insert().values(key=key, value="1"))
            else:
                conn.execute(
                    meta_table.update()
                    .where(meta_table.c.key == key)
                    .values(value=str(int(current) + 1))
                )

    # -- settings -------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        """A stored setting (e.g. ``home_area``, ``peer_areas``), or None."""
        with self._read() as conn:
            return conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == f"setting:{key}")
            ).scalar()

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting, replacing any earlier value (plans: `save_plan`)."""
        if key.startswith("plan:"):
            raise StoreError("plans are stored with save_plan, which records who and when")
        with self._write() as conn:
            _put_meta(conn, f"setting:{key}", value)
            self._bump(conn, "settings")

    def settings(self) -> dict[str, str]:
        """Every stored setting except loaded plans, in one query."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(meta_table.c.key, meta_table.c.value).where(
                    meta_table.c.key.like("setting:%"),
                    sa.not_(meta_table.c.key.like("setting:plan:%")),
                )
            ).all()
        return {k.removeprefix("setting:"): v for k, v in rows}

    def custom_plans(self) -> dict[str, str]:
        """Plans users loaded into the app: {plan id: YAML text}."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(meta_table.c.key, meta_table.c.value).where(
                    meta_table.c.key.like("setting:plan:%")
                )
            ).all()
        return {k.removeprefix("setting:plan:"): v for k, v in rows}

    def save_plan(self, plan_id: str, text: str, *, by: str) -> None:
        """Keep a plan loaded by a user (its YAML text), replacing one with the same id; the
        audit log records who, when, and the text before and after.

        Raises
        ------
        StoreError
            When ``plan_id`` is a shipped plan's (a loaded plan never replaces a shipped one
            for everybody) or no name is given.
        """
        from pcp_data.plan import shipped_plans

        who = recorded_name(by)
        if plan_id in shipped_plans():
            raise StoreError(
                f"{plan_id!r} is the id of a plan shipped with the product: give your plan "
                "another id (the 'id:' line of the YAML)"
            )
        key = f"setting:plan:{plan_id}"
        with self._write() as conn:
            before = _get_meta(conn, key)
            if before == text:
                return
            _put_meta(conn, key, text)
            action = "load plan" if before is None else "replace plan"
            _audit(conn, who, action, "plan", plan_id, before, text)
            self._bump(conn, "plans", "audit")

    def remove_plan(self, plan_id: str, *, by: str) -> None:
        """Remove a plan users loaded (audited, with its text). Shipped plans stay.

        Raises
        ------
        StoreError
            When no loaded plan has that id.
        """
        who = recorded_name(by)
        key = f"setting:plan:{plan_id}"
        with self._write() as conn:
            before = _get_meta(conn, key)
            if before is None:
                loaded = sorted(
                    k.removeprefix("setting:plan:")
                    for (k,) in conn.execute(
                        sa.select(meta_table.c.key).where(meta_table.c.key.like("setting:plan:%"))
                    )
                )
                raise StoreError(
                    f"no loaded plan is called {plan_id!r}; loaded plans: "
                    + (", ".join(loaded) or "none")
                )
            conn.execute(meta_table.delete().where(meta_table.c.key == key))
            _audit(conn, who, "remove plan", "plan", plan_id, before, None)
            self._bump(conn, "plans", "audit")

    # -- uploads --------------------------------------------------------------------------
    def find_upload(self, digest: str) -> dict[str, Any] | None:
        """The upload whose bytes have SHA-256 ``digest``, or None."""
        with self._read() as conn:
            row = conn.execute(sa.select(uploads).where(uploads.c.sha256 == digest)).mappings()
            found = row.first()
        return dict(found) if found else None

    def publish(
        self,
        file_name: str,
        content: bytes,
        frame: pd.DataFrame,
        *,
        uploaded_by: str,
        file_format: str,
        report: dict[str, Any] | None = None,
    ) -> PublishResult:
        """Store one file's facts in one transaction: all rows or none."""
        return self.publish_many(
            [(file_name, content, frame, file_format, report or {})], uploaded_by=uploaded_by
        )[0]

    def publish_many(
        self,
        items: Sequence[tuple[str, bytes, pd.DataFrame, str, dict[str, Any]]],
        *,
        uploaded_by: str,
    ) -> list[PublishResult]:
        """Publish several files in one transaction (a batch is all or nothing).

        Each item is (file name, bytes, facts frame, format id, validation report). A file
        whose bytes are already published adds nothing (``duplicate_of``); one withdrawn
        before is published again (``reinstated``), its withdrawal kept in the audit log.
        """
        who = recorded_name(uploaded_by)
        for file_name, _content, frame, _format, _report in items:
            missing = [c for c in FACT_COLUMNS if c not in frame.columns]
            if missing:
                raise StoreError(f"{file_name}: facts lack columns {missing}")
        try:
            return self._publish_many(items, who)
        except StoreError as exc:
            if not isinstance(exc.__cause__, sa.exc.IntegrityError):
                raise
            # the same bytes published by another writer that did not take the write lock
            # (an older version of the product): publishing again finds them
            return self._publish_many(items, who)

    def _publish_many(
        self, items: Sequence[tuple[str, bytes, pd.DataFrame, str, dict[str, Any]]], who: str
    ) -> list[PublishResult]:
        results: list[PublishResult] = []
        with self._write() as conn:
            changed: set[str] = set()
            for file_name, content, frame, file_format, report in items:
                digest = sha256(content)
                existing = conn.execute(
                    sa.select(
                        uploads.c.id,
                        uploads.c.status,
                        uploads.c.rows,
                        uploads.c.withdrawn_by,
                        uploads.c.withdrawn_at,
                    ).where(uploads.c.sha256 == digest)
                ).first()
                if existing is not None:
                    if existing.status == "withdrawn":
                        # who withdrew it and when stay on the row; the audit log keeps
                        # every withdrawal and re-publication
                        conn.execute(
                            uploads.update()
                            .where(uploads.c.id == existing.id)
                            .values(status="published")
                        )
                        datasets = _datasets_of(conn, existing.id)
                        changed |= datasets
                        _audit(
                            conn,
                            who,
                            "re-publish",
                            "upload",
                            existing.id,
                            {
                                "status": "withdrawn",
                                "withdrawn_by": existing.withdrawn_by,
                                "withdrawn_at": existing.withdrawn_at,
                            },
                            {"status": "published", "file_name": file_name},
                        )
                        results.append(
                            PublishResult(existing.id, file_name, existing.rows, None, True)
                        )
                    else:
                        results.append(PublishResult(existing.id, file_name, 0, existing.id))
                    continue
                inserted = conn.execute(
                    uploads.insert().values(
                        file_name=file_name,
                        sha256=digest,
                        size=len(content),
                        uploaded_by=who,
                        uploaded_at=_now(),
                        rows=len(frame),
                        status="published",
                        format=file_format,
                        report=json.dumps(report, default=str),
                    )
                ).inserted_primary_key
                assert inserted is not None  # a one-row insert always has its key
                upload_id = inserted[0]
                conn.execute(upload_files.insert().values(upload_id=upload_id, content=content))
                _insert_facts(conn, upload_id, frame)
                datasets = set(frame["dataset"].astype(str).unique())
                changed |= datasets
                _audit(
                    conn,
                    who,
                    "publish",
                    "upload",
                    upload_id,
                    None,
                    {
                        "status": "published",
                        "file_name": file_name,
                        "sha256": digest,
                        "size": len(content),
                        "rows": len(frame),
                        "format": file_format,
                        "datasets": sorted(datasets),
                    },
                )
                results.append(PublishResult(upload_id, file_name, len(frame)))
            if changed:
                _refresh_coverage(conn, changed)
                self._bump(conn, *changed, "audit")
        return results

    def withdraw(self, upload_id: int, *, by: str) -> None:
        """Hide an upload's facts; the figures become what they were before it."""
        who = recorded_name(by)
        with self._write() as conn:
            row = conn.execute(
                sa.select(uploads.c.status, uploads.c.file_name).where(uploads.c.id == upload_id)
            ).first()
            if row is None:
                raise StoreError(f"there is no upload {upload_id}")
            if row.status == "withdrawn":
                raise StoreError(f"upload {upload_id} is already withdrawn")
            when = _now()
            conn.execute(
                uploads.update()
                .where(uploads.c.id == upload_id)
                .values(status="withdrawn", withdrawn_by=who, withdrawn_at=when)
            )
            _audit(
                conn,
                who,
                "withdraw",
                "upload",
                upload_id,
                {"status": "published", "file_name": row.file_name},
                {"status": "withdrawn", "withdrawn_at": when},
            )
            datasets = _datasets_of(conn, upload_id)
            _refresh_coverage(conn, datasets)
            self._bump(conn, *datasets, "audit")

    def uploads(self) -> pd.DataFrame:
        """Every upload, newest first (without the bytes)."""
        cols = [c for c in uploads.c if c.name != "report"]
        with self._read() as conn:
            return pd.read_sql(sa.select(*cols).order_by(uploads.c.id.desc()), conn)

    def upload_report(self, upload_id: int) -> dict[str, Any]:
        with self._read() as conn:
            text = conn.execute(
                sa.select(uploads.c.report).where(uploads.c.id == upload_id)
            ).scalar()
        if text is None:
            raise StoreError(f"there is no upload {upload_id}")
        report: dict[str, Any] = json.loads(text)
        return report

    def upload_content(self, upload_id: int) -> bytes:
        """The original bytes of an upload."""
        with self._read() as conn:
            content = conn.execute(
                sa.select(upload_files.c.content).where(upload_files.c.upload_id == upload_id)
            ).scalar()
        if content is None:
            raise StoreError(f"there is no upload {upload_id}")
        return bytes(content)

    def is_empty(self) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(uploads)).scalar() == 0

    # -- facts ----------------------------------------------------------------------------
    def facts(
        self,
        *,
        dataset: str | None = None,
        datasets: Iterable[str] | None = None,
        area_codes: Iterable[str] | None = None,
        category: str | None = None,
        subcategory: str | None = None,
        measure: str | None = None,
        source: str | None = None,
        area_kind: str | None = None,
    ) -> pd.DataFrame:
        """Current facts: published uploads, one figure per key.

        Where several editions of one publication give the same key (ONS tables revise the
        year before in each edition), the newest edition's figure is current, whatever order
        the files were uploaded in; within one edition (or with no edition) the latest
        upload's. Adds ``upload_id`` and ``format`` (the reader that read the upload) so every
        figure can be traced to its file and its publication.
        """
        conds = [uploads.c.status == "published"]
        filters = {
            "dataset": dataset,
            "category": category,
            "subcategory": subcategory,
            "measure": measure,
            "source": source,
            "area_kind": area_kind,
        }
        for col, value in filters.items():
            if value is not None:
                conds.append(facts.c[col] == value)
        if datasets is not None:
            conds.append(facts.c.dataset.in_(list(datasets)))
        if area_codes is not None:
            conds.append(facts.c.area_code.in_(list(area_codes)))
        # the latest upload per key and edition in SQL; the newest edition per key below
        rank = (
            sa.func.row_number()
            .over(
                partition_by=[*(facts.c[k] for k in KEY_COLUMNS), facts.c.edition],
                order_by=facts.c.upload_id.desc(),
            )
            .label("rank")
        )
        inner = (
            sa.select(
                facts.c.upload_id,
                uploads.c.format.label("format"),
                *(facts.c[c] for c in FACT_COLUMNS),
                rank,
            )
            .join(uploads, uploads.c.id == facts.c.upload_id)
            .where(*conds)
            .subquery()
        )
        query = (
            sa.select(*(inner.c[c] for c in (*FACT_COLUMNS, "upload_id", "format")))
            .where(inner.c.rank == 1)
            .order_by(inner.c.area_code, inner.c.period_end, inner.c.category)
        )
        with self._read() as conn:
            frame = pd.read_sql(query, conn)
        return newest_edition(frame)

    def areas(self, dataset: str | None = None) -> pd.DataFrame:
        """Areas with current facts: code, name, kind, and how many facts each has (from the
        coverage table: no scan of the facts)."""
        query = (
            sa.select(
                coverage.c.area_code,
                sa.func.max(coverage.c.area_name).label("area_name"),
                sa.func.max(coverage.c.area_kind).label("area_kind"),
                sa.func.sum(coverage.c.facts).label("facts"),
            )
            .group_by(coverage.c.area_code)
            .order_by(sa.func.sum(coverage.c.facts).desc(), coverage.c.area_code)
        )
        if dataset is not None:
            query = query.where(coverage.c.dataset == dataset)
        with self._read() as conn:
            frame = pd.read_sql(query, conn)
        return frame.astype({"facts": int})

    def coverage(self, area_code: str | None = None) -> pd.DataFrame:
        """One row per dataset and area: ``dataset, area_code, area_name, area_kind,
        first_end, last_end, facts, sources`` (a list of source names)."""
        query = sa.select(coverage).order_by(coverage.c.dataset, coverage.c.area_code)
        if area_code is not None:
            query = query.where(coverage.c.area_code == area_code)
        with self._read() as conn:
            frame = pd.read_sql(query, conn)
        frame["sources"] = frame["sources"].map(json.loads)
        return frame

    def diff(self, frame: pd.DataFrame) -> pd.DataFrame:
        """What publishing ``frame`` would change: one row per new or revised fact.

        Columns: the key, ``change`` ("new" or "revised"), ``old_value``, ``new_value``.
        Unchanged figures are left out.
        """
        if frame.empty:
            return pd.DataFrame(columns=[*KEY_COLUMNS, "change", "old_value", "new_value"])
        current = self.facts(dataset=None, area_codes=sorted(set(frame["area_code"].unique())))
        key = list(KEY_COLUMNS)
        merged = frame[[*key, "value"]].merge(
            current[[*key, "value"]], on=key, how="left", suffixes=("_new", "_old")
        )
        merged = merged.rename(columns={"value_new": "new_value", "value_old": "old_value"})
        merged["change"] = "revised"
        merged.loc[merged["old_value"].isna(), "change"] = "new"
        keep = merged["old_value"].isna() | (merged["old_value"] != merged["new_value"])
        return merged.loc[keep, [*key, "change", "old_value", "new_value"]].reset_index(drop=True)

    # -- commentary -----------------------------------------------------------------------
    def save_commentary(
        self,
        plan_id: str,
        kpq_id: str,
        period: str,
        text: str,
        *,
        author: str,
        internal: bool = False,
    ) -> None:
        """Add a version of the commentary for a KPQ and period (``YYYY-MM``); ``internal``
        keeps it from the public. The audit log records the version before and this one."""
        if not text.strip():
            raise StoreError("the commentary is empty")
        who = recorded_name(author)
        with self._write() as conn:
            previous = (
                conn.execute(
                    sa.select(
                        commentary.c.id,
                        commentary.c.text,
                        commentary.c.author,
                        commentary.c.internal,
                        commentary.c.written_at,
                    )
                    .where(
                        commentary.c.plan_id == plan_id,
                        commentary.c.kpq_id == kpq_id,
                        commentary.c.period == period,
                    )
                    .order_by(commentary.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            inserted = conn.execute(
                commentary.insert().values(
                    plan_id=plan_id,
                    kpq_id=kpq_id,
                    period=period,
                    text=text,
                    author=who,
                    written_at=_now(),
                    internal=bool(internal),
                )
            ).inserted_primary_key
            assert inserted is not None
            _audit(
                conn,
                who,
                "commentary",
                "commentary",
                f"{plan_id}/{kpq_id}/{period}",
                None if previous is None else {**previous, "internal": bool(previous["internal"])},
                {"id": inserted[0], "text": text, "internal": bool(internal)},
            )
            self._bump(conn, "commentary", "audit")

    def commentary(
        self,
        plan_id: str,
        kpq_id: str,
        period: str | None = None,
        *,
        include_internal: bool = True,
    ) -> pd.DataFrame:
        """Versions of the commentary for a KPQ (for one period, or all), newest first;
        without the versions marked internal unless ``include_internal``."""
        query = sa.select(commentary).where(
            commentary.c.plan_id == plan_id, commentary.c.kpq_id == kpq_id
        )
        if period is not None:
            query = query.where(commentary.c.period == period)
        if not include_internal:
            query = query.where(commentary.c.internal == sa.false())
        query = query.order_by(commentary.c.id.desc())
        with self._read() as conn:
            frame = pd.read_sql(query, conn)
        return frame.astype({"internal": bool})

    # -- events, actions and re-basings (versioned) -----------------------------------------
    def save_event(
        self,
        *,
        date: object,
        title: str,
        note: str = "",
        plan_id: str | None = None,
        measure_id: str | None = None,
        area_code: str | None = None,
        by: str,
        event_id: int | None = None,
    ) -> int:
        """Record an event (a new one, or a new version of ``event_id``) and return its id.

        Against a measure (``plan_id`` and ``measure_id``) or, with no measure, the whole
        force (``area_code``) or every area (None). Audited with the version before.

        Raises
        ------
        StoreError
            For an empty title or name, a date that is not a date, a measure without its plan,
            or an ``event_id`` that does not exist or was removed.
        """
        if measure_id and not plan_id:
            raise StoreError("an event against a measure needs the plan the measure belongs to")
        values = {
            "plan_id": plan_id or None,
            "measure_id": measure_id or None,
            "area_code": area_code or None,
            "date": _iso_date(date, "the event's date"),
            "title": _required(title, "the event's title"),
            "note": (note or "").strip(),
        }
        return self._save_version("event", values, by=by, thing_id=event_id)

    def save_action(
        self,
        *,
        plan_id: str,
        kpq_id: str,
        title: str,
        owner: str,
        due: object = None,
        status: str = "open",
        meeting: object = None,
        note: str = "",
        by: str,
        action_id: int | None = None,
    ) -> int:
        """Record an action from a meeting for a question (a new one, or a new version of
        ``action_id``: a change of status is a version) and return its id. Audited.

        Raises
        ------
        StoreError
            For an empty title, owner or name, a status other than open or done, a due or
            meeting date that is not a date, or an ``action_id`` that does not exist.
        """
        if status not in ACTION_STATUSES:
            raise StoreError(
                f"an action's status is {' or '.join(ACTION_STATUSES)} (overdue is worked out "
                f"from the due date), not {status!r}"
            )
        values = {
            "plan_id": _required(plan_id, "the plan"),
            "kpq_id": _required(kpq_id, "the question"),
            "title": _required(title, "the action's title"),
            "owner": _required(owner, "the action's owner"),
            "due": None if due in (None, "") else _iso_date(due, "the due date"),
            "status": status,
            "meeting": None if meeting in (None, "") else _iso_date(meeting, "the meeting date"),
            "note": (note or "").strip(),
        }
        return self._save_version("action", values, by=by, thing_id=action_id)

    def save_rebase(
        self,
        *,
        plan_id: str,
        measure_id: str,
        date: object,
        reason: str,
        area_code: str | None = None,
        event_id: int | None = None,
        by: str,
        rebase_id: int | None = None,
    ) -> int:
        """Re-base a measure's SPC limits from ``date`` with a reason (the limits start afresh
        at the first period ending on or after it); ``event_id`` names the recorded event
        given as the reason. Returns the re-basing's id. Audited.

        Raises
        ------
        StoreError
            For an empty reason or name, a date that is not a date, an event that does not
            exist, or a ``rebase_id`` that does not exist or was removed.
        """
        if event_id is not None:
            found = self.events(include_removed=True)
            if int(event_id) not in set(found["thing_id"].astype(int)):
                raise StoreError(f"there is no event {event_id} to give as the reason")
        values = {
            "plan_id": _required(plan_id, "the plan"),
            "measure_id": _required(measure_id, "the measure"),
            "area_code": area_code or None,
            "date": _iso_date(date, "the re-basing date"),
            "reason": _required(reason, "the reason for re-basing"),
            "event_id": None if event_id is None else int(event_id),
        }
        return self._save_version("rebase", values, by=by, thing_id=rebase_id)

    def remove(self, kind: str, thing_id: int, *, by: str) -> None:
        """Remove an event, action or re-basing (``kind``): a new version marked removed, so
        the history and the audit log keep what it was.

        Raises
        ------
        StoreError
            When there is no such thing, or it was removed already.
        """
        self._save_version(kind, None, by=by, thing_id=thing_id)

    def _save_version(
        self, kind: str, values: dict[str, Any] | None, *, by: str, thing_id: int | None
    ) -> int:
        """Add a version of an event, action or re-basing in one transaction with its audit
        row; ``values`` None removes it."""
        table = VERSIONED[kind]
        who = recorded_name(by)
        fields = [c.name for c in table.c if c.name not in _VERSION_COLUMNS]
        with self._write() as conn:
            previous: dict[str, Any] | None = None
            if thing_id is None:
                if values is None:
                    raise StoreError(f"say which {kind} to remove")
                top = conn.execute(sa.select(sa.func.max(table.c.thing_id))).scalar()
                thing_id = int(top or 0) + 1
            else:
                row = (
                    conn.execute(
                        sa.select(table)
                        .where(table.c.thing_id == int(thing_id))
                        .order_by(table.c.id.desc())
                        .limit(1)
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    raise StoreError(f"there is no {kind} {thing_id}")
                if row["removed"]:
                    raise StoreError(f"{kind} {thing_id} was removed: record a new one instead")
                previous = {k: row[k] for k in (*fields, "author", "written_at")}
                thing_id = int(thing_id)
            if values is not None:
                version = dict(values)
            else:
                assert previous is not None  # a removal names an existing thing
                version = {f: previous[f] for f in fields}
            conn.execute(
                table.insert().values(
                    thing_id=thing_id,
                    author=who,
                    written_at=_now(),
                    removed=values is None,
                    **version,
                )
            )
            action = kind if values is not None else f"remove {kind}"
            _audit(conn, who, action, kind, thing_id, previous, version if values else None)
            self._bump(conn, f"{kind}s", "audit")
        return thing_id

    def _versions(
        self, kind: str, *, include_removed: bool = False, history: bool = False
    ) -> pd.DataFrame:
        """The newest version of each thing of a kind (not removed, unless asked), or every
        version with ``history``; oldest thing first, newest version first within it."""
        table = VERSIONED[kind]
        with self._read() as conn:
            frame = pd.read_sql(sa.select(table).order_by(table.c.id.desc()), conn)
        frame = frame.astype({"removed": bool, "thing_id": int, "id": int})
        if not history:
            frame = frame.drop_duplicates("thing_id")
            if not include_removed:
                frame = frame[~frame["removed"]]
        for column in frame.columns:
            if frame[column].dtype == object:
                values = frame[column]
                frame[column] = values.where(values.notna(), None)
        return frame.sort_values(["thing_id", "id"], ascending=[True, False]).reset_index(drop=True)

    def events(
        self,
        plan_id: str | None = None,
        area_code: str | None = None,
        *,
        include_removed: bool = False,
        history: bool = False,
    ) -> pd.DataFrame:
        """Events, newest version of each (``thing_id, plan_id, measure_id, area_code, date,
        title, note, author, written_at, removed``), oldest date first: with ``plan_id`` those
        for every plan or that plan; with ``area_code`` those for every area or that area.
        With ``history``, every version, each event's together and newest first."""
        frame = self._versions("event", include_removed=include_removed, history=history)
        if plan_id is not None:
            frame = frame[frame["plan_id"].isna() | (frame["plan_id"] == plan_id)]
        return _by_date(_for_area(frame, area_code), history=history)

    def actions(
        self,
        plan_id: str | None = None,
        kpq_id: str | None = None,
        *,
        include_removed: bool = False,
        history: bool = False,
    ) -> pd.DataFrame:
        """Actions, newest version of each (``thing_id, plan_id, kpq_id, title, owner, due,
        status, meeting, note, author, written_at, removed``), for a plan or one question."""
        frame = self._versions("action", include_removed=include_removed, history=history)
        if plan_id is not None:
            frame = frame[frame["plan_id"] == plan_id]
        if kpq_id is not None:
            frame = frame[frame["kpq_id"] == kpq_id]
        return frame.reset_index(drop=True)

    def rebases(
        self,
        plan_id: str | None = None,
        area_code: str | None = None,
        *,
        include_removed: bool = False,
        history: bool = False,
    ) -> pd.DataFrame:
        """Re-basings of measures' SPC limits, newest version of each (``thing_id, plan_id,
        measure_id, area_code, date, reason, event_id, author, written_at, removed``), for a
        plan and those for every area or ``area_code``."""
        frame = self._versions("rebase", include_removed=include_removed, history=history)
        if plan_id is not None:
            frame = frame[frame["plan_id"] == plan_id]
        return _by_date(_for_area(frame, area_code), history=history)

    # -- audit ------------------------------------------------------------------------------
    def audit(
        self,
        *,
        target_kind: str | None = None,
        target_id: object | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The audit log, newest first: ``id, at, who, action, target_kind, target_id,
        before, after`` (``before``/``after`` as JSON text, None where nothing was)."""
        query = sa.select(audit).order_by(audit.c.id.desc())
        if target_kind is not None:
            query = query.where(audit.c.target_kind == target_kind)
        if target_id is not None:
            query = query.where(audit.c.target_id == str(target_id))
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("before", "after"):
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
        return frame


_VERSION_COLUMNS = frozenset({"id", "thing_id", "author", "written_at", "removed"})


def _required(text: str | None, what: str) -> str:
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        raise StoreError(f"{what} is empty")
    return cleaned


def _iso_date(value: object, what: str) -> str:
    """A date as ``YYYY-MM-DD``, from a date or text; refused with ``what`` named."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise StoreError(f"{what} {text!r} is not a date written YYYY-MM-DD") from None


def _for_area(frame: pd.DataFrame, area_code: str | None) -> pd.DataFrame:
    """Rows for every area (no area code) and those for ``area_code``; all without one."""
    if area_code is None:
        return frame
    return frame[frame["area_code"].isna() | (frame["area_code"] == area_code)]


def _by_date(frame: pd.DataFrame, *, history: bool) -> pd.DataFrame:
    """Dated things oldest first; with ``history``, as `Store._versions` gives them (each
    thing's versions together, newest first)."""
    if history:
        return frame.reset_index(drop=True)
    return frame.sort_values(["date", "thing_id"], kind="stable").reset_index(drop=True)


def _get_meta(conn: sa.Connection, key: str) -> str | None:
    value: str | None = conn.execute(
        sa.select(meta_table.c.value).where(meta_table.c.key == key)
    ).scalar()
    return value


def _put_meta(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(meta_table.delete().where(meta_table.c.key == key))
    conn.execute(meta_table.insert().values(key=key, value=value))


def _audit(
    conn: sa.Connection,
    who: str,
    action: str,
    target_kind: str,
    target_id: object,
    before: Any,
    after: Any,
) -> None:
    """Add a row to the audit log, in the transaction making the change it records."""
    assert action in AUDIT_ACTIONS, action
    conn.execute(
        audit.insert().values(
            at=_now(),
            who=who,
            action=action,
            target_kind=target_kind,
            target_id=str(target_id),
            before=None if before is None else json.dumps(before, default=str),
            after=None if after is None else json.dumps(after, default=str),
        )
    )


def newest_edition(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per fact key: the newest edition's, then the latest upload's (see `Store.facts`)."""
    key = list(KEY_COLUMNS)
    if frame.empty or not frame.duplicated(key).any():
        return frame
    dates = {e: edition_date(e) for e in frame["edition"].unique()}
    order = frame["edition"].map(lambda e: dates[e] or dt.date.min)
    ranked = frame.assign(_edition=order).sort_values(
        ["_edition", "upload_id"], ascending=False, kind="stable"
    )
    kept = ranked.drop_duplicates(key).drop(columns="_edition")
    return kept.sort_values(["area_code", "period_end", "category"], kind="stable").reset_index(
        drop=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # a writer waits this long for another to finish (see `Store._write`)
    cursor.execute(f"PRAGMA busy_timeout={_milliseconds().removesuffix('ms')}")
    cursor.close()


def _insert_facts(conn: sa.Connection, upload_id: int, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = list(FACT_COLUMNS)
    if conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark":
        # The DB-API cursor's executemany with tuples, in the same transaction: SQLAlchemy
        # Core's executemany builds and processes a dict per row (several times slower).
        columns = [_cells(frame[c]) for c in cols]
        rows = list(zip([upload_id] * len(frame), *columns, strict=True))
        names = ", ".join(["upload_id", *cols])
        marks = ", ".join("?" * (len(cols) + 1))
        driver = conn.connection.driver_connection
        assert driver is not None  # None only once returned to the pool or invalidated
        cursor = driver.cursor()
        try:
            cursor.executemany(f"INSERT INTO facts ({names}) VALUES ({marks})", rows)
        finally:
            cursor.close()
        return
    data = frame[cols].astype(object).where(frame[cols].notna(), None)
    records = [
        dict(zip(cols, r, strict=True), upload_id=upload_id)
        for r in data.itertuples(index=False, name=None)
    ]
    for start in range(0, len(records), 20000):
        conn.execute(facts.insert(), records[start : start + 20000])


def _cells(column: pd.Series) -> list[Any]:
    """A column's values as Python objects for the driver, None where missing."""
    values: list[Any] = column.astype(object).tolist()
    missing = column.isna().to_numpy()
    if missing.all():
        return [None] * len(values)
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing, strict=True)]
    return values


def _datasets_of(conn: sa.Connection, upload_id: int) -> set[str]:
    rows = conn.execute(
        sa.select(facts.c.dataset).where(facts.c.upload_id == upload_id).distinct()
    ).all()
    return {str(r[0]) for r in rows}


def _refresh_coverage(conn: sa.Connection, datasets: set[str]) -> None:
    """Recompute the coverage rows of ``datasets`` from their published facts (inside the
    transaction that changed them, so the two never disagree)."""
    if not datasets:
        return
    wanted = sorted(datasets)
    published = [uploads.c.status == "published", facts.c.dataset.in_(wanted)]
    summary = conn.execute(
        sa.select(
            facts.c.dataset,
            facts.c.area_code,
            sa.func.max(facts.c.area_name),
            sa.func.max(facts.c.area_kind),
            sa.func.min(facts.c.period_end),
            sa.func.max(facts.c.period_end),
            sa.func.count(),
        )
        .join(uploads, uploads.c.id == facts.c.upload_id)
        .where(*published)
        .group_by(facts.c.dataset, facts.c.area_code)
    ).all()
    sources: dict[tuple[str, str], list[str]] = {}
    for dataset, area, source in conn.execute(
        sa.select(facts.c.dataset, facts.c.area_code, facts.c.source)
        .join(uploads, uploads.c.id == facts.c.upload_id)
        .where(*published)
        .distinct()
    ).all():
        sources.setdefault((dataset, area), []).append(str(source))
    conn.execute(coverage.delete().where(coverage.c.dataset.in_(wanted)))
    if summary:
        conn.execute(
            coverage.insert(),
            [
                {
                    "dataset": d,
                    "area_code": a,
                    "area_name": n,
                    "area_kind": k,
                    "first_end": str(first),
                    "last_end": str(last),
                    "facts": int(c),
                    "sources": json.dumps(sorted(sources.get((d, a), []))),
                }
                for d, a, n, k, first, last, c in summary
            ],
        )
