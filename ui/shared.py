"""What every page shares: the store, the chosen plan, area and month, cached reads.

Pages stay thin: they read through these helpers (which call `pcp_data`) and lay out.
Caches are keyed on the store's revision, so a publish or withdraw shows at once.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pcp_data import assess as assess_mod
from pcp_data.config import database_url
from pcp_data.errors import PCPError
from pcp_data.plan import Plan, load_shipped, shipped_plans, validate_plan_text
from pcp_data.status import RollUp
from pcp_data.store import Store

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
SYNTHETIC_WORD = "synthetic"


@st.cache_resource
def get_store(url: str | None = None) -> Store:
    return Store(url or database_url())


def store() -> Store:
    return get_store(database_url())


def revision() -> str:
    """The cache key for everything read from the store: its URL and revision."""
    current = store()
    return f"{current.url}#{current.revision()}"


@st.cache_data(show_spinner=False)
def _plan(plan_id: str, custom_text: str | None) -> Plan:
    if custom_text is not None:
        return validate_plan_text(custom_text, f"{plan_id}.yaml")
    return load_shipped(plan_id)


def plan_options(rev: str) -> dict[str, str | None]:
    """{plan id: custom YAML text or None for a shipped plan}."""
    options: dict[str, str | None] = dict.fromkeys(shipped_plans())
    options.update(store().custom_plans())
    return options


def get_plan(plan_id: str) -> Plan:
    options = plan_options(revision())
    return _plan(plan_id, options.get(plan_id))


@st.cache_data(show_spinner=False)
def areas(rev: str) -> pd.DataFrame:
    return store().areas()


@st.cache_data(show_spinner="Working out the figures…")
def plan_assessment(rev: str, plan_id: str, custom: str | None, area_code: str,
                    as_at: str | None, peers: tuple[str, ...]) -> assess_mod.PlanAssessment:
    plan = _plan(plan_id, custom)
    when = dt.date.fromisoformat(as_at) if as_at else None
    return assess_mod.assess_plan(store(), plan, area_code, as_at=when, peer_codes=peers)


@st.cache_data(show_spinner=False)
def facts(rev: str, dataset: str, area_code: str | None = None) -> pd.DataFrame:
    return store().facts(dataset=dataset, area_codes=[area_code] if area_code else None)


@st.cache_data(show_spinner=False)
def months(rev: str) -> list[str]:
    """Month ends with any recorded crime, satisfaction or indicator figure, newest first."""
    f = store().facts()
    if f.empty:
        return []
    ends = pd.to_datetime(f["period_end"]).dt.to_period("M").dt.to_timestamp(how="end")
    return sorted({d.date().isoformat() for d in ends.dt.normalize()}, reverse=True)


@dataclass(frozen=True)
class Context:
    plan: Plan
    plan_id: str
    area_code: str
    area_name: str
    as_at: str | None  # ISO month end, None = latest
    peers: tuple[str, ...]
    synthetic: bool

    def assessment(self) -> assess_mod.PlanAssessment:
        custom = plan_options(revision()).get(self.plan_id)
        return plan_assessment(revision(), self.plan_id, custom, self.area_code, self.as_at,
                               self.peers)


def _default_area(plan: Plan, table: pd.DataFrame) -> str | None:
    if table.empty:
        return None
    codes = list(table["area_code"])
    home = store().setting("home_area")
    if plan.force_code in codes:
        return plan.force_code
    if home in codes:
        return home
    forces = table[table["area_kind"] == "force"]
    return str((forces if not forces.empty else table).iloc[0]["area_code"])


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
    rev = revision()
    options = plan_options(rev)
    params = st.query_params
    plan_ids = list(options)
    wanted_plan = params.get("plan", DEFAULT_PLAN)
    with st.sidebar:
        plan_id = _choose("Police and Crime Plan", "plan_id", plan_ids,
                          wanted_plan if wanted_plan in plan_ids else plan_ids[0],
                          format_func=lambda pid: _plan_label(pid, options))
        try:
            plan = _plan(plan_id, options.get(plan_id))
        except PCPError as exc:
            st.error(exc.message)
            return None
        table = areas(rev)
        if table.empty:
            st.info("The store is empty: upload a workbook on the Upload page.")
            return Context(plan, plan_id, "", "", None, (), False)
        names = dict(zip(table["area_code"], table["area_name"], strict=True))
        kinds = dict(zip(table["area_code"], table["area_kind"], strict=True))
        codes = [c for c in table["area_code"] if kinds[c] == "force"] + [
            c for c in table["area_code"] if kinds[c] != "force"]
        wanted_area = params.get("area")
        area_code = _choose("Area", "area_code", codes,
                            wanted_area if wanted_area in codes
                            else _default_area(plan, table) or codes[0],
                            format_func=lambda c: f"{names[c]}" + (
                                "" if kinds[c] == "force" else f" ({kinds[c]})"))
        choices = ["latest", *months(rev)]
        wanted_month = params.get("as_at", "latest")
        month = _choose("Figures as at", "as_at", choices,
                        wanted_month if wanted_month in choices else "latest",
                        format_func=lambda m: "Latest figures" if m == "latest"
                        else month_words(m),
                        help="Judge the plan as it stood at the end of this month.")
    as_at = None if month == "latest" else month
    params["plan"] = plan_id
    params["area"] = area_code
    if as_at:
        params["as_at"] = as_at
    else:
        params.pop("as_at", None)
    peers = tuple(c for c in plan.settings.peer_group if c in names)
    if not peers:
        stored = store().setting("peer_areas") or ""
        peers = tuple(c for c in stored.split(",") if c in names and c != area_code)
    area_facts = table[table["area_code"] == area_code]
    synthetic = bool(area_facts.size) and _is_synthetic(rev, area_code)
    return Context(plan, plan_id, area_code, names[area_code], as_at, peers, synthetic)


@st.cache_data(show_spinner=False)
def _is_synthetic(rev: str, area_code: str) -> bool:
    f = store().facts(area_codes=[area_code])
    return bool(f["source"].str.lower().str.contains(SYNTHETIC_WORD).any())


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
            f"**Synthetic sample data, not real figures.** {ctx.area_name} and its peers are "
            "imaginary forces made up to demonstrate the dashboard.", icon="⚠️")


def status_badge(icon: str, words: str, colour: str) -> str:
    """Markdown for a status: icon and words (never colour alone); colour repeats it."""
    return f":{_streamlit_colour(colour)}-badge[{icon} {words}]"


def status_text(icon: str, words: str, colour: str) -> str:
    """Markdown for a status at body size (presentation mode): icon and words, in colour."""
    return f":{_streamlit_colour(colour)}[**{icon} {words}**]"


def _streamlit_colour(colour: str) -> str:
    return {"#28A197": "blue", "#12436D": "blue", "#F46A25": "orange", "#801650": "red",
            "#3D3D3D": "gray", "#A285D1": "violet"}.get(colour, "gray")


def rollup_words(rollup: RollUp) -> str:
    """The roll-up's sentence without the question's name (shown right above it)."""
    text = rollup.sentence.removeprefix(f"{rollup.name}: ")
    return text[:1].upper() + text[1:]


def escape(text: str) -> str:
    """Text made safe to put inside HTML the page itself writes (user text is never HTML)."""
    return html.escape(str(text))


def ctx_or_stop() -> Context:
    ctx = st.session_state.get("ctx")
    if ctx is None:
        st.stop()
    return ctx
