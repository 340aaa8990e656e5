"""The audit log in words, for the Audit page and ``python -m pcp_data audit``.

The log itself is the store's ``audit`` table (`pcp_data.store.Store.audit`): one row per
publish, withdraw, re-publish, commentary and plan change, and per version of an event, action
or re-basing (a removal included), with who, when, which upload, plan, commentary, event,
action or re-basing, and the state before and after as JSON. This module reads those rows; nothing
here (or anywhere in the product) changes or deletes one.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

COLUMNS = ("id", "at", "who", "action", "target_kind", "target_id", "before", "after")


def _parsed(text: Any) -> Any:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    return json.loads(str(text))


def audit_records(log: pd.DataFrame) -> list[dict[str, Any]]:
    """The log's rows as dicts with ``before`` and ``after`` parsed (None where nothing was),
    plus ``change``: the change in words (`change_words`)."""
    records = []
    for row in log.to_dict("records"):
        record = {c: row[c] for c in COLUMNS}
        record["id"] = int(record["id"])
        record["before"] = _parsed(row["before"])
        record["after"] = _parsed(row["after"])
        record["change"] = change_words(record)
        records.append(record)
    return records


def _lines(text: Any) -> str:
    count = len(str(text).splitlines())
    return f"{count} line{'s' if count != 1 else ''}"


def change_words(record: dict[str, Any]) -> str:
    """One line saying what changed, e.g. ``"published april.xlsx: 1,234 figures
    (recorded_crime)"`` or ``"published again; withdrawn before by Bob at 2026-05-01..."``."""
    before, after = record.get("before"), record.get("after")
    action = record.get("action")
    if action == "publish" and isinstance(after, dict):
        datasets = ", ".join(after.get("datasets", []))
        rows = int(after.get("rows", 0))
        figures = f"{rows:,} figure{'s' if rows != 1 else ''}"
        return f"published {after.get('file_name')}: {figures} ({datasets})"
    if action == "withdraw":
        name = before.get("file_name") if isinstance(before, dict) else None
        return f"withdrawn{f' ({name})' if name else ''}: its figures no longer count"
    if action == "re-publish" and isinstance(before, dict):
        return (
            f"published again; withdrawn before by {before.get('withdrawn_by')} "
            f"at {before.get('withdrawn_at')}"
        )
    if action == "commentary" and isinstance(after, dict):
        kind = "internal" if after.get("internal") else "public"
        if not isinstance(before, dict):
            return f"first version ({kind})"
        return f"new version ({kind}); replaces one by {before.get('author')}"
    if action in ("event", "action", "rebase") and isinstance(after, dict):
        what = _thing_words(action, after)
        return f"recorded: {what}" if not isinstance(before, dict) else f"changed: {what}"
    if action in ("remove event", "remove action", "remove rebase") and isinstance(before, dict):
        return f"removed: {_thing_words(action.removeprefix('remove '), before)}"
    if action == "load plan":
        return f"loaded ({_lines(after)})"
    if action == "replace plan":
        return f"replaced ({_lines(before)} before, {_lines(after)} after)"
    if action == "remove plan":
        return f"removed ({_lines(before)})"
    return str(action)


def _thing_words(kind: str, state: dict[str, Any]) -> str:
    """An event, action or re-basing in a few words, from its state in the log."""
    if kind == "event":
        on = f"measure {state['measure_id']}" if state.get("measure_id") else "the whole force"
        return f"{state.get('date')} {state.get('title')} (on {on})"
    if kind == "action":
        due = f", due {state['due']}" if state.get("due") else ""
        return f"{state.get('title')} (owner {state.get('owner')}{due}; {state.get('status')})"
    return (
        f"{state.get('measure_id')}'s limits re-based from {state.get('date')} "
        f"({state.get('reason')})"
    )


def format_audit(log: pd.DataFrame) -> str:
    """The log as a text table for the terminal, newest first."""
    if log.empty:
        return "The audit log is empty."
    rows = [("id", "at", "who", "action", "which", "change")] + [
        (
            str(r["id"]),
            str(r["at"]),
            str(r["who"]),
            str(r["action"]),
            f"{r['target_kind']} {r['target_id']}",
            r["change"],
        )
        for r in audit_records(log)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)), row[5]])
        for row in rows
    )
