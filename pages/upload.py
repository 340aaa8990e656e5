"""Upload: validate files (template or published formats), preview the changes, publish;
the upload history with withdraw; the template to download. For those who may manage data
(analysts, or the local user); everything is recorded as the identity signed in."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pcp_data.access import Right
from pcp_data.errors import PCPError
from pcp_data.importer import ImportReport, brief, publish, set_aside_summary, validate
from pcp_data.template_workbook import build_template
from ui import access, shared
from ui.shared import md

FLASH = "upload_flash"  # a message kept over the rerun that follows an action
WARNINGS_SHOWN = 5
HISTORY_COLUMNS = {  # the store's column: its heading in the history table
    "id": "Upload",
    "file_name": "File",
    "status": "Status",
    "rows": "Figures",
    "format": "Format",
    "uploaded_by": "Uploaded by",
    "uploaded_at": "Uploaded at",
    "withdrawn_by": "Last withdrawn by",
    "withdrawn_at": "Last withdrawn at",
}

me = access.me()
st.title("Upload data")
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)
if not me.can(Right.MANAGE_DATA):
    st.info("Only analysts upload, publish and withdraw data.", icon=":material/lock:")
    st.stop()
st.markdown(
    "Drop in this month's extracts: the dashboard's own template, or files as published by the "
    "Home Office, ONS and data.police.uk. Each file is checked first; nothing is stored until "
    "you publish, and a file with any problem is never stored."
)
st.download_button(
    "Download the Excel template",
    build_template(),
    file_name="pcp-dashboard-template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon="⬇️",
)

files = st.file_uploader(
    "Files to upload", accept_multiple_files=True, type=["xlsx", "xls", "ods", "csv", "zip"]
)
store = shared.store()


def _validate(named: list[tuple[str, bytes]]) -> ImportReport:
    bar = st.progress(0.0, text="Checking the files…")
    try:
        return validate(named, store, progress=lambda f, text: bar.progress(min(f, 1.0), text))
    finally:
        bar.empty()


report: ImportReport | None = None
if files:
    named = [(f.name, f.getvalue()) for f in files]
    key = hashlib.sha256(b"".join(hashlib.sha256(c).digest() for _, c in named)).hexdigest()
    cached = st.session_state.get("upload_report")
    try:
        if cached is None or cached[0] != key or cached[2] != shared.revision():
            st.session_state.upload_report = (key, _validate(named), shared.revision())
    except PCPError as exc:
        st.session_state.pop("upload_report", None)
        st.error(md(exc.message))
    else:
        report = st.session_state.upload_report[1]
if report is not None:
    st.subheader("Validation report")
    for fr in report.files:
        s = fr.to_dict()
        with st.container(border=True):
            icon = "✔" if fr.ok else "✖"
            st.markdown(f"**{icon} {md(fr.name)}** — {md(s['format_label'])}")
            if fr.ok:
                periods = s["periods"] or {}
                st.markdown(
                    f"{s['rows']:,} figures · {len(s['areas'])} areas · sheets: "
                    f"{md(', '.join(s['sheets']))} · periods "
                    f"{md(periods.get('first', ''))} to {md(periods.get('last', ''))}"
                )
                if fr.duplicate_of is not None:
                    st.info(
                        f"Already uploaded as upload {fr.duplicate_of}: publishing it again "
                        "adds nothing."
                    )
                elif fr.changes is not None:
                    new = int((fr.changes["change"] == "new").sum())
                    revised = fr.changes[fr.changes["change"] == "revised"]
                    st.markdown(
                        f"Publishing adds **{new:,}** new figures and revises **{len(revised):,}**."
                    )
                    if not fr.changes.empty:
                        new_periods = sorted(
                            set(fr.changes.loc[fr.changes["change"] == "new", "period_end"])
                        )
                        if new_periods:
                            st.caption(
                                "New periods: "
                                + ", ".join(new_periods[-12:])
                                + (" …" if len(new_periods) > 12 else "")
                            )
                    if not revised.empty:
                        st.markdown("Revised figures (old → new):")
                        st.dataframe(
                            revised[
                                [
                                    "dataset",
                                    "area_code",
                                    "period_end",
                                    "category",
                                    "subcategory",
                                    "old_value",
                                    "new_value",
                                ]
                            ],
                            hide_index=True,
                        )
                with st.expander("Preview the figures"):
                    st.dataframe(fr.result.facts.head(200), hide_index=True)
            briefs = [brief(w) for w in s["warnings"]]
            for short, items in briefs[:WARNINGS_SHOWN]:
                st.warning(md(short))
                if items:
                    with st.expander(f"All {len(items):,}"):
                        st.markdown("\n".join(f"- {md(x)}" for x in items))
            if len(briefs) > WARNINGS_SHOWN:
                with st.expander(f"{len(briefs) - WARNINGS_SHOWN} more warnings"):
                    st.markdown("\n".join(f"- {md(w)}" for w in s["warnings"][WARNINGS_SHOWN:]))
            aside = set_aside_summary(s["set_aside"])
            if aside:
                st.caption(md(aside))
                with st.expander("The rows set aside"):
                    st.dataframe(
                        pd.DataFrame(s["set_aside"]).rename(
                            columns={
                                "sheet": "Sheet",
                                "label": "Row",
                                "reason": "Why",
                                "rows": "Rows",
                            }
                        ),
                        hide_index=True,
                    )
            if s["problems"]:
                st.error(f"{len(s['problems'])} problem(s): nothing from this file can be stored.")
                st.dataframe(
                    pd.DataFrame(s["problems"])[
                        ["sheet", "row", "column", "value", "message", "expected"]
                    ],
                    hide_index=True,
                )
    st.caption(f"Published as {md(me.name)}.")
    if st.button("Publish", type="primary", disabled=not report.ok):
        try:
            with st.spinner("Publishing…"):
                done = publish(report, store, uploaded_by=me.name)
        except PCPError as exc:
            st.error(md(exc.message))
        else:
            st.session_state.pop("upload_report", None)
            for p in done.published:
                if p.duplicate_of is not None:
                    st.info(f"{md(p.file_name)}: already uploaded as upload {p.duplicate_of}.")
                elif p.reinstated:
                    st.success(
                        f"{md(p.file_name)}: upload {p.upload_id} was withdrawn and is "
                        "published again. Every page now shows it."
                    )
                else:
                    st.success(
                        f"{md(p.file_name)}: published as upload {p.upload_id} "
                        f"({p.rows:,} figures). Every page now shows it."
                    )
    if not report.ok:
        st.caption("Publishing is possible once every file is free of problems.")

st.subheader("Upload history")
history = store.uploads()
if history.empty:
    st.caption("Nothing has been uploaded yet.")
else:
    shown = history[list(HISTORY_COLUMNS)].astype(object)
    for column in ("uploaded_at", "withdrawn_at"):  # times to the minute, blank when none
        when = pd.to_datetime(shown[column], errors="coerce")
        shown[column] = when.dt.strftime("%d %b %Y %H:%M").astype(object)
    shown = shown.where(shown.notna(), "")  # blanks, not "None"
    st.dataframe(
        shown.rename(columns=HISTORY_COLUMNS),
        hide_index=True,
        column_config={
            HISTORY_COLUMNS[c]: st.column_config.NumberColumn(format="%d") for c in ("id", "rows")
        },
    )
    if me.can(Right.READ_AUDIT):
        st.caption("Every publish, withdrawal and re-publication is kept in the audit log.")
    live = history[history["status"] == "published"]
    if not live.empty:
        with st.form("withdraw"):
            chosen = st.selectbox(
                "Withdraw an upload (its figures stop counting; earlier figures return)",
                live["id"].tolist(),
                format_func=lambda i: f"{i}: {live.set_index('id').loc[i, 'file_name']}",
            )
            sure = st.checkbox(
                "Yes, withdraw this upload: every page stops counting its figures "
                "(it can be published again later)"
            )
            st.caption(f"Withdrawn as {md(me.name)}.")
            if st.form_submit_button("Withdraw"):
                name = live.set_index("id").loc[chosen, "file_name"]
                if not sure:
                    st.warning(
                        f"Nothing withdrawn: tick the box to confirm withdrawing upload "
                        f"{chosen} ({md(name)})."
                    )
                else:
                    try:
                        store.withdraw(int(chosen), by=me.name)
                    except PCPError as exc:
                        st.error(md(exc.message))
                    else:
                        st.session_state[FLASH] = (
                            f"Upload {chosen} ({md(name)}) withdrawn: its figures no longer count "
                            "on any page. It stays in the history, and in the audit log."
                        )
                        st.rerun()
