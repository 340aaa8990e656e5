"""Police and Crime Plan performance dashboard: the entry point (``streamlit run dashboard.py``).

Declares the pages with ``st.navigation``: the plan on a page, one page per Key Performance
Question (or per priority where a plan has none), the data pages, Upload and Plan. Deep links
``?kpq=ID`` and ``?measure=ID`` open that view directly; ``?present=1`` opens presentation
mode. The plan, area and month chosen in the sidebar persist across pages.
"""

from __future__ import annotations

import streamlit as st

from ui import question, shared

st.set_page_config(
    page_title="Police and Crime Plan performance",
    page_icon=":material/bar_chart:",
    layout="wide",
    initial_sidebar_state="expanded",
)

ctx = shared.sidebar()
st.session_state.ctx = ctx
params = st.query_params
presenting = params.get("present") == "1"
if presenting:
    st.markdown(shared.PRESENTATION_CSS, unsafe_allow_html=True)

wanted_kpq = params.get("kpq")
wanted_measure = params.get("measure")
questions = ctx.plan.questions() if ctx is not None else ()
question_pages = [
    st.Page(question.page_for(q.id), title=f"{n}. {q.title}", url_path=f"question-{q.id}")
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
    questions_label = (
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
        st.Page("pages/upload.py", title="Upload data", icon=":material/upload_file:"),
        st.Page("pages/plan.py", title="Choose or load a plan", icon=":material/description:"),
        st.Page(
            "pages/method.py",
            title="How the figures are judged",
            icon=":material/rule:",
            url_path="method",
        ),
    ],
}
if not question_pages:
    del sections[questions_label]
page = st.navigation(sections, position="hidden" if presenting else "sidebar", expanded=True)

# Deep links open the view they name, whatever page the address points at.
if presenting and page is not presentation:
    st.switch_page(presentation, query_params=dict(params))
if page is overview:
    kept = {k: v for k, v in params.items() if k != "kpq"}
    if wanted_kpq in st.session_state.question_pages:
        st.switch_page(st.session_state.question_pages[wanted_kpq], query_params=kept)
    if ctx is not None and wanted_measure in {m.id for m in ctx.plan.measures}:
        st.switch_page(measure_page, query_params=dict(params))
page.run()
