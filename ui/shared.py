"""What every page shares: the store, the chosen plan, area and month, cached reads.

Pages stay thin: they read through these helpers (which call `pcp_data`) and lay out.
Every cache is keyed on the revisions of what it reads (`Revisions`): a publish or withdraw
shows at once and recomputes only what read the datasets it changed. Areas, months and
sources come from the store's coverage table, never from a scan of the facts.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from pcp_data import assess as assess_mod
from pcp_data.areas import AreaChoice, default_area, peer_group
from pcp_data.config import database_url
from pcp_data.errors import PCPError
from pcp_data.events import rebases_by_measure
from pcp_data.markdown import escape as md
from pcp_data.plan import Plan, load_shipped, shipped_plans, validate_plan_text
from pcp_data.plan_facts import PlanFacts
from pcp_data.status import RollUp
from pcp_data.store import Store, open_store
from pcp_data.vocabulary import DATASETS
from ui import access

DEFAULT_PLAN = "durham-2018-21"

# Presentation mode: nothing on screen but the question (no sidebar, no toolbar), large type.
PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], footer {display: none !important;}
.block-container {padding-top: 1.2rem !important; max-width: 100% !important;}
.stApp, .stMarkdown p, .stMarkdown li {font-size: 26px !important; line-height: 1.35;}
.stApp h1 {font-size: 42px !important; padding: 0.2rem 0 !important;}
.stApp h2 {font-size: 36px !important;}
.stApp h3, .stApp h4 {font-size: 30px !important; padding: 0.1rem 0 !important;}
[data-testid="stMetricValue"] {font-size: 44px !important;}
[data-testid="stMetricLabel"] p {font-size: 24px !important;}
.stButton button p {font-size: 26px !important;}
@media (min-height: 1000px) {[class*="st-key-chart-small"] {display: none !important;}}
@media (max-height: 999px) {[class*="st-key-chart-large"] {display: none !important;}}
</style>
"""
# Every page, on screen and on paper. Captions, help text and other secondary text are
# #505A5F at full opacity (7:1 on white; Streamlit's own is a grey at 60% opacity, 3.9:1 or
# less, under WCAG AA's 4.5:1). Printing
# drops the sidebar, header and buttons, lets the page run over as many sheets as it needs
# (Streamlit's own scroll container would print one screenful) and opens every expander, so
# nothing is cut from a printed Overview.
APP_CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] small, [data-testid="stMetricDelta"][data-color="off"],
.stTooltipIcon, [data-testid="stMarkdownContainer"] small,
[data-testid="stMarkdownContainer"] blockquote {color: #505A5F !important;
  opacity: 1 !important;}
section[data-testid="stSidebar"] [data-testid="stPageLink"] a {padding-top: 0.1rem;
  padding-bottom: 0.1rem; min-height: 0;}
section[data-testid="stSidebar"] [data-testid="stPageLink"] p {white-space: normal;}
[data-testid="stMainBlockContainer"] {padding-top: 4.5rem;}
[class*="st-key-tile-"] h3 {font-size: 1.1rem !important; padding: 0 0 0.2rem 0 !important;}
[class*="st-key-tile-"] [data-testid="stPageLink"] p {white-space: normal;}
[class*="st-key-tile-"] p {overflow-wrap: anywhere;}
@media print {
  section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stPageLink"], [data-testid="stBaseButton-secondary"], footer
  {display: none !important;}
  html, body, #root, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {height: auto !important; overflow: visible !important;
  position: static !important;}
  [data-testid="stMain"] {margin-left: 0 !important; width: 100% !important;}
  .block-container {max-width: 100% !important; padding: 0.5rem !important;}
  details::details-content {content-visibility: visible !important; display: block !important;}
  [data-testid="stExpanderDetails"] {display: block !important; visibility: visible !important;}
  [class*="st-key-tile-"], [data-testid="stMetric"], [data-testid="stVegaLiteChart"]
  {break-inside: avoid;}
  * {-webkit-print-color-adjust: exact; print-color-adjust: exact;}
}
</style>
"""
SYNTHETIC_WORD = "synthetic"


def style(*, presenting: bool = False) -> None:
    """The app's stylesheet (once per run, in Streamlit's event container: no space taken),
    and presentation mode's on top of it."""
    st.html(APP_CSS + (PRESENTATION_CSS if presenting else ""))


def navigation(
    sections: dict[str, list[st.Page]], current: st.Page, *, fold: str | None = None
) -> None:
    """The pages as links, section by section, drawn in the sidebar below the selectors
    (section labels are markdown). The section ``fold`` names is folded when it holds more
    than ten links (a plan with 40 priorities), and open when it holds the page shown."""
    for label, pages in sections.items():
        if label == fold and len(pages) > 10:
            with st.expander(f"{label} ({len(pages)})", expanded=current in pages):
                for page in pages:
                    st.page_link(page)
            continue
        st.markdown(f"**{label}**")
        for page in pages:
            st.page_link(page)


@st.cache_resource
def get_store(url: str | None = None) -> Store:
    """The store, opened once per URL (a store that cannot be opened raises `StoreError`,
    which is not cached: the next run tries again)."""
    return open_store(url or database_url())


def store() -> Store:
    return get_store(database_url())


@dataclass(frozen=True)
class Revisions:
    """The store's revision counters, read once per page run: every cache key is made from
    the revisions of what the cached result reads (`Store.revisions`), so publishing recorded
    crime leaves workforce results, and anything else that did not read it, cached."""

    url: str
    values: tuple[tuple[str, int], ...]

    def key(self, *parts: str) -> str:
        """``url#recorded_crime=3,settings=1`` for the parts named."""
        found = dict(self.values)
        return (
            self.url
            + "#"
            + ",".join(f"{p}={found.get(f'revision:{p}', 0)}" for p in sorted(set(parts)))
        )

    def data_key(self) -> str:
        """Every dataset's revision (what the coverage table summarises)."""
        return self.key(
            *(
                k.removeprefix("revision:")
                for k, _ in self.values
                if k.removeprefix("revision:") in DATASETS
            )
        )


def revisions() -> Revisions:
    """The revisions as this run of the page sees them (one small query)."""
    current = store()
    return Revisions(current.url, tuple(sorted(current.revisions().items())))


def revision() -> str:
    """A key that changes with any change to the store (the upload page's validation)."""
    revs = revisions()
    return f"{revs.url}#{dict(revs.values).get('revision', 0)}"


@st.cache_resource(show_spinner=False, max_entries=64)
def _plan(plan_id: str, custom_text: str | None) -> Plan:
    if custom_text is not None:
        return validate_plan_text(custom_text, f"{plan_id}.yaml")
    return load_shipped(plan_id)


@st.cache_data(show_spinner=False)
def plan_options(key: str) -> dict[str, str | None]:
    """{plan id: custom YAML text or None for a shipped plan} (key: the plans' revision).
    A loaded plan never stands in for a shipped plan of the same id."""
    options: dict[str, str | None] = dict.fromkeys(shipped_plans())
    for plan_id, text in store().custom_plans().items():
        options.setdefault(plan_id, text)
    return options


@st.cache_data(show_spinner=False)
def settings(key: str) -> dict[str, str]:
    """The store's settings (home area, peer areas), keyed on their revision."""
    return store().settings()


@st.cache_data(show_spinner=False)
def coverage(key: str) -> pd.DataFrame:
    """What the store holds per dataset and area (`Store.coverage`): areas, months and
    sources come from it, never from the facts."""
    return store().coverage()


def areas(cov: pd.DataFrame) -> pd.DataFrame:
    """Areas held, most facts first: ``area_code, area_name, area_kind, facts``."""
    if cov.empty:
        return pd.DataFrame(columns=["area_code", "area_name", "area_kind", "facts"])
    table = cov.groupby("area_code", sort=False).agg(
        area_name=("area_name", "max"), area_kind=("area_kind", "max"), facts=("facts", "sum")
    )
    return (
        table.reset_index()
        .sort_values(["facts", "area_code"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def months(cov: pd.DataFrame, area_code: str | None = None) -> list[str]:
    """Month ends from the area's first figure to its last (population aside), newest first."""
    rows = cov[cov["dataset"] != "population"]
    if area_code is not None:
        rows = rows[rows["area_code"] == area_code]
    if rows.empty:
        return []
    first = pd.Timestamp(rows["first_end"].min()) + pd.offsets.MonthEnd(0)
    last = pd.Timestamp(rows["last_end"].max()) + pd.offsets.MonthEnd(0)
    ends = pd.date_range(first, last, freq="ME")
    return [d.date().isoformat() for d in reversed(ends)]


def latest_by_dataset(cov: pd.DataFrame, area_code: str) -> dict[str, str]:
    """Dataset -> the area's newest period end, for the plan's "as at"."""
    rows = cov[cov["area_code"] == area_code]
    return dict(zip(rows["dataset"], rows["last_end"], strict=True))


def _plan_key(revs: Revisions, plan: Plan) -> str:
    """What a plan's assessment reads: its datasets (population for rates), settings and the
    SPC re-basings analysts recorded."""
    parts = {m.data.dataset for m in plan.measures} | {"settings", "rebases"}
    if any(m.data.per_1000_population for m in plan.measures):
        parts.add("population")
    return revs.key(*parts)


@st.cache_resource(show_spinner=False, max_entries=8)
def plan_facts(
    key: str, plan_id: str, custom: str | None, area_code: str, peers: tuple[str, ...]
) -> PlanFacts:
    """The plan's facts for the area and its peers, read once; its series are made once
    and shared by every "as at" asked of it (the Overview and "what changed")."""
    plan = _plan(plan_id, custom)
    return PlanFacts.read(store(), plan.measures, (area_code, *peers))


@st.cache_resource(show_spinner="Working out the figures…", max_entries=16)
def plan_assessment(
    key: str,
    plan_id: str,
    custom: str | None,
    area_code: str,
    as_at: str | None,
    peers: tuple[str, ...],
) -> assess_mod.PlanAssessment:
    """The whole plan assessed (shared between sessions: read, never changed)."""
    plan = _plan(plan_id, custom)
    when = dt.date.fromisoformat(as_at) if as_at else None
    facts = plan_facts(key, plan_id, custom, area_code, peers)
    return assess_mod.assess_plan_facts(
        facts,
        plan,
        area_code,
        as_at=when,
        peer_codes=peers,
        rebases=rebases_by_measure(store().rebases(plan_id, area_code), plan_id=plan_id),
    )


@st.cache_resource(show_spinner="Working out the figures…", max_entries=64)
def measure_assessment(
    key: str,
    plan_id: str,
    custom: str | None,
    measure_id: str,
    area_code: str,
    as_at: str | None,
    peers: tuple[str, ...],
    latest: tuple[tuple[str, str], ...],
) -> assess_mod.Assessment:
    """One measure, and its peers, alone: what the Measure page needs."""
    plan = _plan(plan_id, custom)
    measure = plan.measure(measure_id)
    when = dt.date.fromisoformat(as_at) if as_at else None
    facts = PlanFacts.read(store(), [measure], (area_code, *peers))
    return assess_mod.assess_measure(
        facts,
        plan,
        measure,
        area_code,
        as_at=when,
        peer_codes=peers,
        plan_as_at=assess_mod.plan_as_at(dict(latest), plan, when),
        rebases=rebases_by_measure(store().rebases(plan_id, area_code), plan_id=plan_id).get(
            measure_id, ()
        ),
    )


@st.cache_data(show_spinner=False)
def facts(key: str, dataset: str, area_code: str | None = None) -> pd.DataFrame:
    """A dataset's current facts for an area (key: the dataset's revision)."""
    return store().facts(dataset=dataset, area_codes=[area_code] if area_code else None)


@dataclass(frozen=True)
class Context:
    plan: Plan
    plan_id: str
    area_code: str
    area_name: str
    as_at: str | None  # ISO month end, None = latest
    peers: tuple[str, ...]
    synthetic: bool
    revs: Revisions
    custom: str | None = None
    coverage: pd.DataFrame | None = field(default=None, compare=False, hash=False)
    area_reason: str = ""  # why this area, when it is the default (`area_reason`)

    def assessment(self) -> assess_mod.PlanAssessment:
        return plan_assessment(
            _plan_key(self.revs, self.plan),
            self.plan_id,
            self.custom,
            self.area_code,
            self.as_at,
            self.peers,
        )

    def measure(self, measure_id: str) -> assess_mod.Assessment:
        cov = self.coverage if self.coverage is not None else pd.DataFrame()
        latest = (
            tuple(sorted(latest_by_dataset(cov, self.area_code).items())) if not cov.empty else ()
        )
        return measure_assessment(
            _plan_key(self.revs, self.plan),
            self.plan_id,
            self.custom,
            measure_id,
            self.area_code,
            self.as_at,
            self.peers,
            latest,
        )

    def months(self) -> list[str]:
        """Month ends this area has figures for, newest first."""
        return months(self.coverage, self.area_code) if self.coverage is not None else []

    def facts(self, dataset: str) -> pd.DataFrame:
        return facts(self.revs.key(dataset), dataset, self.area_code or None)


def month_words(iso: str) -> str:
    return pd.Timestamp(iso).strftime("%B %Y")


def _choose(label: str, state_key: str, options: list[str], fallback: str, **kwargs: object) -> str:
    """A sidebar select whose choice persists in ``st.session_state[state_key]`` across pages
    and reruns. The widget has no key of its own: its index is set from the persisted
    choice on every run, so a page switch can never reset it."""
    current = st.session_state.get(state_key)
    if current not in options:
        current = fallback
    chosen = st.selectbox(label, options, index=options.index(current), **kwargs)
    st.session_state[state_key] = chosen
    return str(chosen)


def sidebar() -> Context | None:
    """Plan, area and month choices; they persist across pages (and in the address)."""
    revs = revisions()
    options = plan_options(revs.key("plans"))
    params = st.query_params
    plan_ids = list(options)
    wanted_plan = params.get("plan")
    with st.sidebar:
        if wanted_plan is not None and wanted_plan not in plan_ids:
            # an address naming a plan that is not here: say so, never open another plan
            picked = st.selectbox(
                "Police and Crime Plan",
                plan_ids,
                index=None,
                placeholder="Choose a plan",
                format_func=lambda pid: _plan_label(pid, options),
            )
            if picked is None:
                unknown_plan(wanted_plan, plan_ids, options)
                return None
            plan_id = st.session_state["plan_id"] = str(picked)
        else:
            plan_id = _choose(
                "Police and Crime Plan",
                "plan_id",
                plan_ids,
                wanted_plan
                if wanted_plan in plan_ids
                else DEFAULT_PLAN
                if DEFAULT_PLAN in plan_ids
                else plan_ids[0],
                format_func=lambda pid: _plan_label(pid, options),
            )
        try:
            plan = _plan(plan_id, options.get(plan_id))
        except PCPError as exc:
            st.error(exc.message)
            return None
        cov = coverage(revs.data_key())
        table = areas(cov)
        if table.empty:
            st.info("The store is empty: upload a workbook on the Upload page.")
            return Context(plan, plan_id, "", "", None, (), False, revs, options.get(plan_id))
        stored = settings(revs.key("settings"))
        names = dict(zip(table["area_code"], table["area_name"], strict=True))
        kinds = dict(zip(table["area_code"], table["area_kind"], strict=True))
        codes = [c for c in table["area_code"] if kinds[c] == "force"] + [
            c for c in table["area_code"] if kinds[c] != "force"
        ]
        wanted_area = params.get("area")
        default = default_area(plan, table, stored.get("home_area"))
        area_code = _choose(
            "Area",
            "area_code",
            codes,
            wanted_area
            if wanted_area in codes
            else default.code
            if default is not None
            else codes[0],
            format_func=lambda c: f"{names[c]}" + ("" if kinds[c] == "force" else f" ({kinds[c]})"),
        )
        reason = area_reason(area_code, default, stored.get("home_area"), names)
        if reason:
            st.caption(md(reason))
        choices = ["latest", *months(cov, area_code)]
        wanted_month = params.get("as_at", "latest")
        month = _choose(
            "Figures as at",
            "as_at",
            choices,
            wanted_month if wanted_month in choices else "latest",
            format_func=lambda m: "Latest figures" if m == "latest" else month_words(m),
            help="Judge the plan as it stood at the end of this month.",
        )
    as_at = None if month == "latest" else month
    params["plan"] = plan_id
    params["area"] = area_code
    if as_at:
        params["as_at"] = as_at
    else:
        params.pop("as_at", None)
    group = peer_group(
        plan, area_code, table, home=stored.get("home_area"), peer_setting=stored.get("peer_areas")
    )
    sources = cov.loc[cov["area_code"] == area_code, "sources"]
    synthetic = any(SYNTHETIC_WORD in str(src).lower() for found in sources for src in found)
    return Context(
        plan,
        plan_id,
        area_code,
        names[area_code],
        as_at,
        group.codes,
        synthetic,
        revs,
        options.get(plan_id),
        cov,
        reason,
    )


def unknown_plan(plan_id: str, plan_ids: list[str], options: dict[str, str | None]) -> None:
    """The message for an address naming a plan that is not here: the id asked for and
    every plan there is (the sidebar offers them)."""
    listed = "\n".join(f"- `{pid}`: {md(_plan_label(pid, options))}" for pid in plan_ids)
    st.error(
        f"There is no plan called `{plan_id.replace('`', '')}` here, so no plan is shown. "
        f"Choose one in the sidebar; the plans available are:\n\n{listed}"
    )


def area_reason(
    area_code: str, default: AreaChoice | None, home: str | None, names: dict[str, str]
) -> str:
    """Why the figures are for this area, when it was not chosen by hand: the default is
    the plan's force whenever the store holds it (so it does not change with what else is
    stored), and the sidebar says so, naming the store's home area when that differs."""
    if default is None or area_code != default.code:
        return ""
    words = f"Showing {names[area_code]}: {default.why}."
    if home and home != area_code and home in names:
        words += f" The store's home area, {names[home]}, is in the list."
    return words


def _plan_label(plan_id: str, options: dict[str, str | None]) -> str:
    try:
        plan = _plan(plan_id, options.get(plan_id))
    except PCPError:
        return f"{plan_id} (invalid)"
    suffix = " (loaded)" if options.get(plan_id) is not None else ""
    return f"{plan.force}: {plan.title}{suffix}"


def synthetic_banner(ctx: Context) -> None:
    if ctx.synthetic:
        st.warning(
            f"**Synthetic sample data, not real figures.** {md(ctx.area_name)} and its peers "
            "are imaginary forces made up to demonstrate the dashboard.",
            icon="⚠️",
        )


def status_badge(icon: str, words: str, colour: str) -> str:
    """Markdown for a status: icon and words (never colour alone); colour repeats it."""
    return f":{_streamlit_colour(colour)}-badge[{icon} {words}]"


def status_text(icon: str, words: str, colour: str) -> str:
    """Markdown for a status at body size (presentation mode): icon and words, in colour."""
    return f":{_streamlit_colour(colour)}[**{icon} {words}**]"


def _streamlit_colour(colour: str) -> str:
    return {
        "#28A197": "blue",
        "#12436D": "blue",
        "#F46A25": "orange",
        "#801650": "red",
        "#3D3D3D": "gray",
        "#A285D1": "violet",
    }.get(colour, "gray")


def rollup_words(rollup: RollUp) -> str:
    """The roll-up's sentence without the question's name (shown right above it), as
    markdown that shows it as written."""
    text = rollup.sentence.removeprefix(f"{rollup.name}: ")
    return md(text[:1].upper() + text[1:])


def escape(text: str) -> str:
    """Text made safe to put inside HTML the page itself writes (user text is never HTML)."""
    return html.escape(str(text))


def ctx_or_stop() -> Context:
    """The sidebar's choices for this run; a page run outside ``dashboard.py`` goes through
    it first (`ui.access.me`), and a run whose choices failed stops (the error is shown)."""
    access.me()
    ctx = st.session_state.get("ctx")
    if ctx is None:
        st.stop()
    return ctx
