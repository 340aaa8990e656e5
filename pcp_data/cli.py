"""Command line for analysts' scripts: ``python -m pcp_data COMMAND``.

    import FILE... [--db URL] [--dry-run] [--json] [--by NAME]
    export --dataset NAME [--area NAME] [--db URL]
    uploads [--db URL] [--json]
    withdraw ID [--db URL] [--by NAME]
    plans [PLAN.yaml...]      list and validate the shipped plans (or the files given)
    loaded-plans [--db URL] [--json]
    load-plan PLAN.yaml [--db URL] [--by NAME]
    remove-plan ID [--db URL] [--by NAME]
    audit [--db URL] [--json] [--limit N]
    report --plan NAME [--db URL] [--period YYYY-MM] [--area NAME] [--json]
    pack --plan NAME --format pptx|pdf|xlsx --out FILE [--period YYYY-MM] [--area NAME]
         [--internal] [--db URL]
    add-event --date YYYY-MM-DD --title TEXT [--note TEXT] [--plan NAME --measure ID]
         [--area NAME] [--db URL] [--by NAME]
    events [--plan NAME] [--area NAME] [--json] [--db URL]
    add-action --plan NAME --question ID --title TEXT --owner NAME [--due YYYY-MM-DD]
         [--meeting YYYY-MM-DD] [--note TEXT] [--db URL] [--by NAME]
    action-status ID open|done [--db URL] [--by NAME]
    actions [--plan NAME] [--json] [--db URL]
    rebase --plan NAME --measure ID --date YYYY-MM-DD (--reason TEXT | --event ID)
         [--area NAME] [--db URL] [--by NAME]
    rebases [--plan NAME] [--json] [--db URL]
    remove event|action|rebase ID [--db URL] [--by NAME]
    init [--db URL]           load the sample data into an empty store

The command line has no sign-in: a command that changes the store records ``--by`` (default:
the operating-system user) with the change, in the upload and in the audit log, and refuses
an empty name. ``export`` writes CSV whose text cannot run as a spreadsheet formula
(`pcp_data.exports.safe`).

Exit status: 0 on success; 1 when a file or plan has problems (every problem listed on
standard error, nothing stored), when the store refuses (busy, unreachable: a message, never
a traceback) or the product fails on a fault of its own (nothing stored; the traceback goes to
``pcp_data.log`` in the data folder, never to the terminal); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import getpass
import io
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pcp_data.config import SAMPLE_WORKBOOK, data_dir
from pcp_data.errors import ImportRejected, PCPError, ProductFault
from pcp_data.exports.safe import safe_frame
from pcp_data.store import Store, open_store, recorded_name

LOG_FILE = "pcp_data.log"


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.db)


def cmd_import(args: argparse.Namespace) -> int:
    from pcp_data.importer import import_files, validate

    by = args.by if args.dry_run else recorded_name(args.by)
    store = _store(args)
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print("\n".join(f"- {f}: no such file" for f in missing), file=sys.stderr)
        return 1
    try:
        report = import_files(args.files, store, uploaded_by=by, dry_run=args.dry_run)
    except ImportRejected as exc:
        if args.json:
            print(json.dumps(validate(args.files, store).to_dict(), indent=2, default=str))
        print(exc.message, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
        return 0
    for f in report.files:
        s = f.result.summary()
        print(
            f"{f.name}: {s['format_label']}; {s['rows']} figures; "
            f"{len(s['areas'])} areas; sheets: {', '.join(s['sheets'])}"
        )
        for w in s["warnings"]:
            print(f"  warning: {w}")
        for a in s["set_aside"]:
            print(f"  set aside: {a['label']} ({a['reason']}, {a['rows']} rows)")
    if args.dry_run:
        print("Dry run: valid; nothing stored.")
    for p in report.published:
        if p.duplicate_of is not None:
            print(f"{p.file_name}: already uploaded as upload {p.duplicate_of}; nothing added.")
        elif p.reinstated:
            print(f"{p.file_name}: upload {p.upload_id} was withdrawn and is published again.")
        else:
            print(f"{p.file_name}: published as upload {p.upload_id} ({p.rows} figures).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pcp_data.forces import resolve_area

    store = _store(args)
    codes = None
    if args.area:
        areas = store.areas()
        match = areas[
            (areas["area_name"].str.lower() == args.area.lower())
            | (areas["area_code"] == args.area)
        ]
        if match.empty:
            known = resolve_area(args.area)
            if known is None:
                print(
                    f"no area called {args.area!r} in the store; areas: "
                    + ", ".join(areas["area_name"]),
                    file=sys.stderr,
                )
                return 1
            codes = [known.code]
        else:
            codes = list(match["area_code"])
    frame = store.facts(dataset=args.dataset, area_codes=codes)
    # RFC 4180 line ends (CRLF): a cell holding a carriage return is quoted too
    safe_frame(frame).to_csv(sys.stdout, index=False, lineterminator="\r\n")
    return 0


def cmd_uploads(args: argparse.Namespace) -> int:
    frame = _store(args).uploads()
    if args.json:
        print(frame.to_json(orient="records", indent=2))
    elif frame.empty:
        print("No uploads.")
    else:
        print(
            frame[
                ["id", "file_name", "status", "rows", "format", "uploaded_by", "uploaded_at"]
            ].to_string(index=False)
        )
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    _store(args).withdraw(args.id, by=recorded_name(args.by))
    print(f"Upload {args.id} withdrawn; its figures no longer count.")
    return 0


def cmd_loaded_plans(args: argparse.Namespace) -> int:
    from pcp_data.plan import shipped_plans, validate_plan_text

    loaded = _store(args).custom_plans()
    shipped = shipped_plans()
    rows = []
    for plan_id, text in sorted(loaded.items()):
        row = {"id": plan_id, "force": "", "title": "", "measures": 0, "problem": ""}
        if plan_id in shipped:
            row["problem"] = "has a shipped plan's id, so it is not used: remove it"
        try:
            plan = validate_plan_text(text, f"{plan_id}.yaml")
        except PCPError as exc:
            row["problem"] = row["problem"] or f"invalid: {exc.message}"
        else:
            row.update(force=plan.force, title=plan.title, measures=len(plan.measures))
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No plans loaded.")
    for row in [] if args.json else rows:
        line = f"{row['id']}: {row['force']} - {row['title']} ({row['measures']} measures)"
        print(line + (f"; {row['problem']}" if row["problem"] else ""))
    return 0


def cmd_load_plan(args: argparse.Namespace) -> int:
    from pcp_data.plan import load_plan

    by = recorded_name(args.by)
    plan = load_plan(Path(args.file))
    text = Path(args.file).read_text(encoding="utf-8")
    _store(args).save_plan(plan.id, text, by=by)
    print(f"Loaded plan {plan.id}: {plan.force} - {plan.title} ({len(plan.measures)} measures).")
    return 0


def cmd_remove_plan(args: argparse.Namespace) -> int:
    _store(args).remove_plan(args.id, by=recorded_name(args.by))
    print(f"Removed the loaded plan {args.id}.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from pcp_data.audit import audit_records, format_audit

    log = _store(args).audit(limit=args.limit)
    if args.json:
        print(json.dumps(audit_records(log), indent=2, default=str))
    else:
        print(format_audit(log))
    return 0


def cmd_plans(args: argparse.Namespace) -> int:
    from pcp_data.plan import load_plan, shipped_plans

    status = 0
    paths = [Path(p) for p in args.files] if args.files else list(shipped_plans().values())
    for path in paths:
        try:
            plan = load_plan(path)
        except PCPError as exc:
            print(f"INVALID {path.name}: {exc.message}", file=sys.stderr)
            status = 1
            continue
        print(f"{plan.id}: {plan.force} - {plan.title} ({len(plan.measures)} measures)")
    return status


def cmd_init(args: argparse.Namespace) -> int:
    from pcp_data.importer import import_files

    store = _store(args)
    if not store.is_empty():
        print(f"The store at {store.url} already holds data; nothing loaded.")
        return 0
    import_files([SAMPLE_WORKBOOK], store, uploaded_by="sample data loader")
    print(f"Loaded the synthetic sample data into {store.url}.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pcp_data.report import build_report, format_report

    report = build_report(_store(args), args.plan, period=args.period, area=args.area)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(format_report(report))
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from pcp_data.pack import make_pack

    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"cannot write {out}: there is no folder {out.parent}", file=sys.stderr)
        return 1
    pack, content = make_pack(
        _store(args),
        args.plan,
        args.format,
        area=args.area,
        period=args.period,
        viewer_can_read_internal=args.internal,
    )
    try:
        out.write_bytes(content)
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"Wrote {out} ({len(content):,} bytes): {pack.plan_title}, {pack.area_name}, "
        f"figures as at {pack.as_at}; {len(pack.questions)} questions."
    )
    return 0


def _area_code(store: Store, area: str | None) -> str | None:
    """The code of an area the store holds, named by its code or name; None for None.

    Raises
    ------
    PCPError
        When the store holds no such area (the message lists those it holds).
    """
    if area is None:
        return None
    areas = store.areas()
    text = area.strip()
    for code, name in zip(areas["area_code"], areas["area_name"], strict=True):
        if text.upper() == str(code).upper() or text.lower() == str(name).lower():
            return str(code)
    listing = "; ".join(
        f"{n} ({c})" for c, n in zip(areas["area_code"], areas["area_name"], strict=True)
    )
    raise PCPError(f"the store holds no area called {text!r}; areas held: {listing or 'none'}")


def _plan_and_measure(
    store: Store, plan_name: str, measure_id: str | None
) -> tuple[str, str | None]:
    """The plan's id and the measure's id, both checked against the plan."""
    from pcp_data.report import resolve_plan

    plan = resolve_plan(store, plan_name)
    if measure_id is not None and measure_id not in {m.id for m in plan.measures}:
        raise PCPError(
            f"the plan {plan.id} has no measure {measure_id!r}; its measures: "
            + ", ".join(m.id for m in plan.measures)
        )
    return plan.id, measure_id


def cmd_add_event(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.measure and not args.plan:
        raise PCPError("--measure needs --plan: a measure's id belongs to its plan")
    plan_id, measure_id = (
        _plan_and_measure(store, args.plan, args.measure) if args.plan else (None, None)
    )
    thing = store.save_event(
        date=args.date,
        title=args.title,
        note=args.note or "",
        plan_id=plan_id if measure_id else None,
        measure_id=measure_id,
        area_code=_area_code(store, args.area),
        by=recorded_name(args.by),
    )
    against = f"measure {measure_id} of {plan_id}" if measure_id else "the whole force"
    print(f"Recorded event {thing} ({args.date}: {args.title}) against {against}.")
    return 0


def _print_frame(frame: object, columns: list[str], empty: str, as_json: bool) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    shown = frame[columns].rename(columns={"thing_id": "id"})
    if as_json:
        print(shown.to_json(orient="records", indent=2))
    elif shown.empty:
        print(empty)
    else:
        print(shown.fillna("").to_string(index=False))


def cmd_events(args: argparse.Namespace) -> int:
    store = _store(args)
    plan_id = _plan_and_measure(store, args.plan, None)[0] if args.plan else None
    frame = store.events(plan_id, _area_code(store, args.area))
    columns = ["thing_id", "date", "title", "plan_id", "measure_id", "area_code", "author"]
    _print_frame(frame, columns, "No events recorded.", args.json)
    return 0


def cmd_add_action(args: argparse.Namespace) -> int:
    from pcp_data.report import resolve_plan

    store = _store(args)
    plan = resolve_plan(store, args.plan)
    questions = {q.id: q for q in plan.questions()}
    if args.question not in questions:
        raise PCPError(
            f"the plan {plan.id} has no question {args.question!r}; its questions: "
            + ", ".join(questions)
        )
    thing = store.save_action(
        plan_id=plan.id,
        kpq_id=args.question,
        title=args.title,
        owner=args.owner,
        due=args.due,
        meeting=args.meeting,
        note=args.note or "",
        by=recorded_name(args.by),
    )
    print(f"Recorded action {thing} for {questions[args.question].title}: {args.title}.")
    return 0


def cmd_action_status(args: argparse.Namespace) -> int:
    store = _store(args)
    found = store.actions()
    rows = found[found["thing_id"] == args.id]
    if rows.empty:
        raise PCPError(f"there is no action {args.id}")
    row = rows.iloc[0]
    store.save_action(
        plan_id=row["plan_id"],
        kpq_id=row["kpq_id"],
        title=row["title"],
        owner=row["owner"],
        due=row["due"],
        status=args.status,
        meeting=row["meeting"],
        note=row["note"] or "",
        by=recorded_name(args.by),
        action_id=args.id,
    )
    print(f"Action {args.id} is now {args.status}.")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    import datetime as dt

    from pcp_data.events import action_status

    store = _store(args)
    plan_id = _plan_and_measure(store, args.plan, None)[0] if args.plan else None
    frame = store.actions(plan_id)
    today = dt.date.today()
    frame["state"] = [
        action_status(str(s), d, today) for s, d in zip(frame["status"], frame["due"], strict=True)
    ]
    columns = ["thing_id", "plan_id", "kpq_id", "title", "owner", "due", "state", "author"]
    _print_frame(frame, columns, "No actions recorded.", args.json)
    return 0


def cmd_rebase(args: argparse.Namespace) -> int:
    store = _store(args)
    plan_id, measure_id = _plan_and_measure(store, args.plan, args.measure)
    assert measure_id is not None
    reason = args.reason
    if args.event is not None:
        events = store.events()
        chosen = events[events["thing_id"] == args.event]
        if chosen.empty:
            raise PCPError(f"there is no event {args.event} to give as the reason")
        reason = reason or str(chosen.iloc[0]["title"])
    if not reason:
        raise PCPError("say why the limits are re-based: --reason TEXT or --event ID")
    thing = store.save_rebase(
        plan_id=plan_id,
        measure_id=measure_id,
        date=args.date,
        reason=reason,
        area_code=_area_code(store, args.area),
        event_id=args.event,
        by=recorded_name(args.by),
    )
    print(f"Re-basing {thing}: {measure_id}'s SPC limits start afresh from {args.date} ({reason}).")
    return 0


def cmd_rebases(args: argparse.Namespace) -> int:
    store = _store(args)
    plan_id = _plan_and_measure(store, args.plan, None)[0] if args.plan else None
    frame = store.rebases(plan_id)
    columns = ["thing_id", "plan_id", "measure_id", "area_code", "date", "reason", "author"]
    _print_frame(frame, columns, "No re-basings recorded.", args.json)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _store(args).remove(args.kind, args.id, by=recorded_name(args.by))
    print(f"Removed {args.kind} {args.id} (its versions stay in the history and the audit log).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pcp_data", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--db",
            help="SQLAlchemy URL of the store (default: PCP_DATABASE_URL "
            "or the SQLite file in the data folder)",
        )
        return p

    def with_by(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument(
            "--by",
            default=_os_user(),
            help=f"{what}: the name recorded (default: the operating-system user)",
        )

    p = with_db(sub.add_parser("import", help="validate and store files"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="validate only; store nothing")
    p.add_argument("--json", action="store_true", help="print the validation report as JSON")
    with_by(p, "who is uploading")
    p.set_defaults(func=cmd_import)

    p = with_db(sub.add_parser("export", help="current facts as CSV on standard output"))
    p.add_argument("--dataset", required=True)
    p.add_argument("--area")
    p.set_defaults(func=cmd_export)

    p = with_db(sub.add_parser("uploads", help="list uploads"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_uploads)

    p = with_db(sub.add_parser("withdraw", help="withdraw an upload"))
    p.add_argument("id", type=int)
    with_by(p, "who is withdrawing it")
    p.set_defaults(func=cmd_withdraw)

    p = sub.add_parser("plans", help="list and validate the shipped plans (or given files)")
    p.add_argument("files", nargs="*", metavar="PLAN.yaml")
    p.set_defaults(func=cmd_plans)

    p = with_db(sub.add_parser("loaded-plans", help="list the plans loaded into the store"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_loaded_plans)

    p = with_db(sub.add_parser("load-plan", help="load a plan file into the store (audited)"))
    p.add_argument("file", metavar="PLAN.yaml")
    with_by(p, "who is loading it")
    p.set_defaults(func=cmd_load_plan)

    p = with_db(sub.add_parser("remove-plan", help="remove a loaded plan (audited)"))
    p.add_argument("id", metavar="ID")
    with_by(p, "who is removing it")
    p.set_defaults(func=cmd_remove_plan)

    p = with_db(sub.add_parser("audit", help="the audit log, newest first"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, metavar="N", help="only the newest N entries")
    p.set_defaults(func=cmd_audit)

    p = with_db(sub.add_parser("init", help="load the sample data into an empty store"))
    p.set_defaults(func=cmd_init)

    p = with_db(sub.add_parser("report", help="every KPQ and measure with its status"))
    p.add_argument("--plan", required=True)
    p.add_argument("--period", help="YYYY-MM: judge as at this month (default: latest)")
    p.add_argument("--area", help="area name or code (default: the plan's force if held)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = with_db(sub.add_parser("pack", help="the briefing pack as PowerPoint, PDF or Excel"))
    p.add_argument("--plan", required=True)
    p.add_argument("--period", help="YYYY-MM: judge as at this month (default: latest)")
    p.add_argument("--area", help="area name or code (default: the plan's force if held)")
    p.add_argument("--format", required=True, choices=("pptx", "pdf", "xlsx"))
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.add_argument(
        "--internal",
        action="store_true",
        help="include commentary marked internal (not for a pack the public will see)",
    )
    p.set_defaults(func=cmd_pack)

    p = with_db(sub.add_parser("add-event", help="record an event shown on the charts"))
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--title", required=True, help='e.g. "New crime recording standard"')
    p.add_argument("--note")
    p.add_argument("--plan", help="with --measure: the plan the measure belongs to")
    p.add_argument("--measure", help="the measure's id (default: the whole force)")
    p.add_argument("--area", help="area name or code (default: every area)")
    with_by(p, "who is recording it")
    p.set_defaults(func=cmd_add_event)

    p = with_db(sub.add_parser("events", help="list the events recorded"))
    p.add_argument("--plan")
    p.add_argument("--area")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_events)

    p = with_db(sub.add_parser("add-action", help="record an action from a meeting"))
    p.add_argument("--plan", required=True)
    p.add_argument("--question", required=True, help="the KPQ's (or priority's) id")
    p.add_argument("--title", required=True)
    p.add_argument("--owner", required=True)
    p.add_argument("--due", help="YYYY-MM-DD")
    p.add_argument("--meeting", help="YYYY-MM-DD: the meeting it arose from")
    p.add_argument("--note")
    with_by(p, "who is recording it")
    p.set_defaults(func=cmd_add_action)

    p = with_db(sub.add_parser("action-status", help="mark an action open or done"))
    p.add_argument("id", type=int)
    p.add_argument("status", choices=("open", "done"))
    with_by(p, "who is recording it")
    p.set_defaults(func=cmd_action_status)

    p = with_db(sub.add_parser("actions", help="list the actions recorded"))
    p.add_argument("--plan")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_actions)

    p = with_db(sub.add_parser("rebase", help="re-base a measure's SPC limits, with a reason"))
    p.add_argument("--plan", required=True)
    p.add_argument("--measure", required=True)
    p.add_argument("--date", required=True, help="YYYY-MM-DD: the limits start afresh here")
    p.add_argument("--reason")
    p.add_argument("--event", type=int, help="the id of the recorded event that is the reason")
    p.add_argument("--area", help="area name or code (default: every area)")
    with_by(p, "who is re-basing")
    p.set_defaults(func=cmd_rebase)

    p = with_db(sub.add_parser("rebases", help="list the re-basings recorded"))
    p.add_argument("--plan")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rebases)

    p = with_db(sub.add_parser("remove", help="remove an event, action or re-basing (audited)"))
    p.add_argument("kind", choices=("event", "action", "rebase"))
    p.add_argument("id", type=int)
    with_by(p, "who is removing it")
    p.set_defaults(func=cmd_remove)
    return parser


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): --by is needed
        return ""


class _LogFile(logging.FileHandler):
    """A log file whose folder is made when the first record is written to it."""

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


@contextmanager
def _log_to_file() -> Iterator[Path]:
    """The product's warnings and faults, with their tracebacks, go to `LOG_FILE` in the data
    folder while a command runs, not to the terminal."""
    path = data_dir() / LOG_FILE
    handler = _LogFile(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("pcp_data")
    logger.addHandler(handler)
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        handler.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _log_to_file() as log:
        try:
            return int(args.func(args))
        except ProductFault as exc:
            print(f"{exc.message}\nThe log: {log}", file=sys.stderr)
            return 1
        except PCPError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        except Exception:  # a fault in the product: its traceback goes to the log only
            logging.getLogger("pcp_data.cli").exception("%s failed", args.command)
            print(
                f"{args.command} failed on a fault in the product; nothing more was changed. "
                f"The details are in the log: {log}",
                file=sys.stderr,
            )
            return 1
