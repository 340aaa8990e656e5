"""Police and Crime Plan performance dashboard: the entry point (``streamlit run dashboard.py``).

Declares the pages with ``st.navigation``: the plan on a page, one page per Key Performance
Question (or per priority where a plan has none), the data pages, Upload, Plan and the audit
log. Deep links ``?kpq=ID`` and ``?measure=ID`` open that view directly; ``?present=1`` opens
presentation mode. The plan, area and month chosen in the sidebar persist across pages.

The sidebar puts the context first: the plan, area and "figures as at" selectors at the top,
then the navigation (drawn here with ``st.page_link``; Streamlit's own list is hidden, as it
would push the selectors out of sight below a long plan's questions), then who is there.

Who is there comes first (`ui.access`): with sign-in on, someone not signed in sees only the
sign-in page and someone without a role only the "no access" page; the pages each person
is offered follow their rights (`pcp_data.access`). An error the product reports (a
`~pcp_data.errors.PCPError`: the store busy or unreachable, a bad plan) is shown as a message;
any other failure is logged and shown as the product's fault, never as a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from pcp_data.access import Identity, Right
from pcp_data.errors import PCPError
from pcp_data.markdown import escape
from ui import access, question, shared

st.set_page_config(
    page_title="Police and Crime Plan performance",
    page_icon=":material/bar_chart:",
    layout="wide",
    initial_sidebar_state="expanded",
)
FAULT = (
    "Something went wrong in the dashboard itself (not in your data). Nothing was changed. "
    "The details are in the server's log; please report the fault."
)

found = access.current()
if not isinstance(found, Identity):
    gate = access.sign_in_page if found is None else (lambda: access.no_access_page(found))
    title = "Sign in" if found is None else "No access"
    st.navigation([st.Page(gate, title=title, url_path="welcome")], position="hidden").run()
    st.stop()
me: Identity = found
if not me.local and not me.roles:
    st.navigation(
        [st.Page(lambda: access.no_access_page(me), title="No access", url_path="welcome")],
        position="hidden",
    ).run()
    st.stop()

try:
    ctx = shared.sidebar()
except PCPError as exc:
    st.error(escape(exc.message))
    st.stop()
except Exception:
    logging.getLogger("pcp_data.app").exception("the sidebar failed")
    st.error(FAULT)
    st.stop()
st.session_state.ctx = ctx
params = st.query_params
presenting = params.get("present") == "1"
shared.style(presenting=presenting)

wanted_kpq = params.get("kpq")
wanted_measure = params.get("measure")
questions = ctx.plan.questions() if ctx is not None else ()
question_pages = [
    # a page's title in the navigation is markdown too
    st.Page(question.page_for(q.id), title=f"{n}. {escape(q.title)}", url_path=f"question-{q.id}")
    for n, q in enumerate(questions, start=1)
]
st.session_state.question_pages = {q.id: p for q, p in zip(questions, question_pages, strict=True)}
overview = st.Page(
    "pages/overview.py", title="Plan on a page", icon=":material/home:", default=True
)
measure_page = st.Page(
    "pages/measure.py", title="Measure", icon=":material/show_chart:", url_path="measure"
)
presentation = st.Page(
    "pages/presentation.py",
    title="Present to the Panel",
    icon=":material/present_to_all:",
    url_path="present",
)
questions_label = "Questions"
if ctx is not None:
    questions_label = escape(
        ctx.plan.labels.kpq.plural if ctx.plan.has_kpqs else ctx.plan.labels.priority.plural
    )
sections = {
    "Plan": [overview, presentation],
    questions_label: question_pages,
    "Data": [
        st.Page("pages/recorded_crime.py", title="Recorded crime", icon=":material/local_police:"),
        st.Page(
            "pages/victim_satisfaction.py", title="Victim satisfaction", icon=":material/forum:"
        ),
        st.Page("pages/workforce.py", title="Workforce", icon=":material/groups:"),
        measure_page,
    ],
    "Manage": [
        *(
            [st.Page("pages/upload.py", title="Upload data", icon=":material/upload_file:")]
            if me.can(Right.MANAGE_DATA)
            else []
        ),
        st.Page(
            "pages/plan.py",
            title="Choose or load a plan" if me.can(Right.MANAGE_PLANS) else "The plan",
            icon=":material/description:",
        ),
        st.Page(
            "pages/method.py",
            title="How the figures are judged",
            icon=":material/rule:",
            url_path="method",
        ),
        *(
            [st.Page("pages/audit.py", title="Audit log", icon=":material/history:")]
            if me.can(Right.READ_AUDIT)
            else []
        ),
    ],
}
if not question_pages:
    del sections[questions_label]
page = st.navigation(sections, position="hidden")
with st.sidebar:
    if not presenting:  # the sidebar is hidden on the projector
        shared.navigation(sections, page, fold=questions_label)
    access.banner(me)

# Deep links open the view they name, whatever page the address points at.
if presenting and page is not presentation:
    st.switch_page(presentation, query_params=dict(params))
if page is overview:
    kept = {k: v for k, v in params.items() if k != "kpq"}
    if wanted_kpq in st.session_state.question_pages:
        st.switch_page(st.session_state.question_pages[wanted_kpq], query_params=kept)
    if ctx is not None and wanted_measure in {m.id for m in ctx.plan.measures}:
        st.switch_page(measure_page, query_params=dict(params))
elif page is not measure_page and "measure" in params:
    # `measure=` belongs to the Measure page: kept after Back it would name a measure on a
    # page that shows several, and hide their "Open this measure" links
    del params["measure"]
try:
    page.run()
except PCPError as exc:
    st.error(escape(exc.message))
except Exception:
    logging.getLogger("pcp_data.app").exception("a page failed")
    st.error(FAULT)
