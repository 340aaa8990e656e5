"""The store: canonical facts, the uploads they came from, and commentary.

SQLite through SQLAlchemy Core by default; any SQLAlchemy URL through ``PCP_DATABASE_URL``.

* ``uploads``: one row per file published (name, SHA-256, size, who, when, rows, status,
  format, validation report); ``upload_files`` keeps the original bytes.
* ``facts``: one row per number (see `pcp_data.facts`), each tied to its upload.
* ``commentary``: the narrative for a KPQ and period, every version kept.
* ``meta``: the store's *revisions*, for caches to key on: ``revision`` bumped by every change,
  and one per part of the store (``revision:<dataset>`` for each dataset's facts,
  ``revision:settings``, ``revision:plans``, ``revision:commentary``), so that publishing
  recorded crime leaves cached workforce figures valid.
* ``coverage``: one row per dataset and area with current facts (name, kind, first and last
  period end, facts, sources), kept at publish and withdraw time, so listing areas and months
  never scans the facts.

Publishing an upload is one transaction: all its rows or none. The same bytes uploaded twice
are recognised by their hash and add nothing. Withdrawing an upload hides its facts, so the
figures are what they were before it. When two published uploads give the same fact (same
key, see `pcp_data.facts.KEY_COLUMNS`), the later upload's figure is current: a revision
replaces, a withdrawal restores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pcp_data.config import database_url
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
    sa.Index("ix_commentary_kpq", "plan_id", "kpq_id", "period"),
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


class Store:
    """A connection to the store. Creates its tables (and SQLite folder) on first use.

    >>> store = Store("sqlite://")  # in memory
    >>> store.revision()
    0
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:////:memory"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
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

    # -- revision -------------------------------------------------------------------------
    def revision(self) -> int:
        """A number that changes whenever the store's content changes."""
        return self.revisions().get("revision", 0)

    def revisions(self) -> dict[str, int]:
        """Every revision counter in one query: ``revision`` (any change) and one per part
        (``revision:recorded_crime``, ``revision:settings``, ...); a part never changed is
        absent (read it as 0)."""
        with self.engine.connect() as conn:
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
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == f"setting:{key}")
            ).scalar()

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting, replacing any earlier value."""
        with self.engine.begin() as conn:
            conn.execute(meta_table.delete().where(meta_table.c.key == f"setting:{key}"))
            conn.execute(meta_table.insert().values(key=f"setting:{key}", value=value))
            self._bump(conn, "plans" if key.startswith("plan:") else "settings")

    def settings(self) -> dict[str, str]:
        """Every stored setting except loaded plans, in one query."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(meta_table.c.key, meta_table.c.value).where(
                    meta_table.c.key.like("setting:%"),
                    sa.not_(meta_table.c.key.like("setting:plan:%")),
                )
            ).all()
        return {k.removeprefix("setting:"): v for k, v in rows}

    def custom_plans(self) -> dict[str, str]:
        """Plans users loaded into the app: {plan id: YAML text}."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(meta_table.c.key, meta_table.c.value).where(
                    meta_table.c.key.like("setting:plan:%")
                )
            ).all()
        return {k.removeprefix("setting:plan:"): v for k, v in rows}

    # -- uploads --------------------------------------------------------------------------
    def find_upload(self, digest: str) -> dict[str, Any] | None:
        """The upload whose bytes have SHA-256 ``digest``, or None."""
        with self.engine.connect() as conn:
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

        Each item is (file name, bytes, facts frame, format id, validation report).
        """
        results: list[PublishResult] = []
        with self.engine.begin() as conn:
            changed: set[str] = set()
            for file_name, content, frame, file_format, report in items:
                digest = sha256(content)
                existing = conn.execute(
                    sa.select(uploads.c.id, uploads.c.status, uploads.c.rows).where(
                        uploads.c.sha256 == digest
                    )
                ).first()
                if existing is not None:
                    if existing.status == "withdrawn":
                        conn.execute(
                            uploads.update()
                            .where(uploads.c.id == existing.id)
                            .values(status="published", withdrawn_by=None, withdrawn_at=None)
                        )
                        changed |= _datasets_of(conn, existing.id)
                        results.append(
                            PublishResult(existing.id, file_name, existing.rows, None, True)
                        )
                    else:
                        results.append(PublishResult(existing.id, file_name, 0, existing.id))
                    continue
                missing = [c for c in FACT_COLUMNS if c not in frame.columns]
                if missing:
                    raise StoreError(f"{file_name}: facts lack columns {missing}")
                inserted = conn.execute(
                    uploads.insert().values(
                        file_name=file_name,
                        sha256=digest,
                        size=len(content),
                        uploaded_by=uploaded_by,
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
                changed |= set(frame["dataset"].astype(str).unique())
                results.append(PublishResult(upload_id, file_name, len(frame)))
            if changed:
                _refresh_coverage(conn, changed)
                self._bump(conn, *changed)
        return results

    def withdraw(self, upload_id: int, *, by: str) -> None:
        """Hide an upload's facts; the figures become what they were before it."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(uploads.c.status).where(uploads.c.id == upload_id)).first()
            if row is None:
                raise StoreError(f"there is no upload {upload_id}")
            if row.status == "withdrawn":
                raise StoreError(f"upload {upload_id} is already withdrawn")
            conn.execute(
                uploads.update()
                .where(uploads.c.id == upload_id)
                .values(status="withdrawn", withdrawn_by=by, withdrawn_at=_now())
            )
            datasets = _datasets_of(conn, upload_id)
            _refresh_coverage(conn, datasets)
            self._bump(conn, *datasets)

    def uploads(self) -> pd.DataFrame:
        """Every upload, newest first (without the bytes)."""
        cols = [c for c in uploads.c if c.name != "report"]
        with self.engine.connect() as conn:
            return pd.read_sql(sa.select(*cols).order_by(uploads.c.id.desc()), conn)

    def upload_report(self, upload_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            text = conn.execute(
                sa.select(uploads.c.report).where(uploads.c.id == upload_id)
            ).scalar()
        if text is None:
            raise StoreError(f"there is no upload {upload_id}")
        report: dict[str, Any] = json.loads(text)
        return report

    def upload_content(self, upload_id: int) -> bytes:
        """The original bytes of an upload."""
        with self.engine.connect() as conn:
            content = conn.execute(
                sa.select(upload_files.c.content).where(upload_files.c.upload_id == upload_id)
            ).scalar()
        if content is None:
            raise StoreError(f"there is no upload {upload_id}")
        return bytes(content)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
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
        with self.engine.connect() as conn:
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
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        return frame.astype({"facts": int})

    def coverage(self, area_code: str | None = None) -> pd.DataFrame:
        """One row per dataset and area: ``dataset, area_code, area_name, area_kind,
        first_end, last_end, facts, sources`` (a list of source names)."""
        query = sa.select(coverage).order_by(coverage.c.dataset, coverage.c.area_code)
        if area_code is not None:
            query = query.where(coverage.c.area_code == area_code)
        with self.engine.connect() as conn:
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
        self, plan_id: str, kpq_id: str, period: str, text: str, *, author: str
    ) -> None:
        """Add a version of the commentary for a KPQ and period (``YYYY-MM``)."""
        if not text.strip():
            raise StoreError("the commentary is empty")
        if not author.strip():
            raise StoreError("say who wrote the commentary")
        with self.engine.begin() as conn:
            conn.execute(
                commentary.insert().values(
                    plan_id=plan_id,
                    kpq_id=kpq_id,
                    period=period,
                    text=text,
                    author=author.strip(),
                    written_at=_now(),
                )
            )
            self._bump(conn, "commentary")

    def commentary(self, plan_id: str, kpq_id: str, period: str | None = None) -> pd.DataFrame:
        """Versions of the commentary for a KPQ (for one period, or all), newest first."""
        query = sa.select(commentary).where(
            commentary.c.plan_id == plan_id, commentary.c.kpq_id == kpq_id
        )
        if period is not None:
            query = query.where(commentary.c.period == period)
        query = query.order_by(commentary.c.id.desc())
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)


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
