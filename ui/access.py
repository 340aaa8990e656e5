"""Sign-in and the identity every page acts as: Streamlit's ``st.login`` / ``st.user`` when
``[auth]`` is set in ``.streamlit/secrets.toml``; one local user with every right otherwise.

What each role may do is decided in `pcp_data.access` (one rule, in one place); this module
only asks Streamlit who is there. ``dashboard.py`` calls `current` once per run: a visitor
who has not signed in gets the sign-in page, a signed-in person with no role the "no access"
page, and everyone else the pages their rights allow. Pages ask `me` (and ``me().can``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAuthError

from pcp_data.access import Identity, RoleMap, RolesFileError, identity_from_claims, local_user
from pcp_data.access import roles_file as _roles_file
from pcp_data.access import visitor as _visitor
from pcp_data.markdown import escape

_STATE_KEY = "identity"
ENTRY_POINT = "dashboard.py"
_PROBLEM_KEY = "sign_in_problem"


def auth_configured() -> bool:
    """True when the secrets hold an ``[auth]`` section (sign-in is on)."""
    return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)


def providers() -> list[str | None]:
    """The sign-in providers in ``[auth]``: None for the one set in ``[auth]`` itself, else
    the name of each ``[auth.<name>]`` section."""
    auth = st.secrets["auth"]
    named = [str(k) for k, v in auth.items() if isinstance(v, Mapping)]
    if "client_id" in auth or not named:
        return [None]
    return list(named)


@st.cache_resource(show_spinner=False, max_entries=4)
def _role_map(path: str, modified: int) -> RoleMap:
    return RoleMap.load(Path(path))


def role_map() -> RoleMap:
    """The roles file, read again whenever it changes on disk.

    Raises
    ------
    RolesFileError
        When the file is missing or invalid.
    """
    path = _roles_file()
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        modified = -1
    return _role_map(str(path), modified)


def current() -> Identity | RolesFileError | None:
    """Who is using the app in this run: the local user (no sign-in), the signed-in person,
    a visitor (when the roles file lets visitors read), None when they must sign in first, or
    the roles file's problem (then nobody has a role)."""
    if not auth_configured():
        found: Identity | RolesFileError | None = local_user()
    else:
        try:
            roles = role_map()
        except RolesFileError as exc:
            found = exc
        else:
            if st.user.get("is_logged_in"):
                found = identity_from_claims(st.user.to_dict(), roles)
            else:
                found = _visitor(roles)
    st.session_state[_STATE_KEY] = found if isinstance(found, Identity) else None
    return found


def me() -> Identity:
    """The identity this run acts as (set by ``dashboard.py``).

    A page run without one was started by Streamlit itself, not by ``dashboard.py``: until a
    first session has run ``dashboard.py``, Streamlit treats ``pages/`` as a multipage app of
    its own and runs the page an address names directly. Such a run is sent through
    ``dashboard.py`` (sign-in, roles, navigation) instead of showing anything."""
    found = st.session_state.get(_STATE_KEY)
    if not isinstance(found, Identity):
        st.switch_page(ENTRY_POINT)
    return found


def _login(provider: str | None) -> None:
    """Start signing in; a provider set up wrongly in ``[auth]`` is a message, not a
    traceback."""
    try:
        if provider is None:
            st.login()
        else:
            st.login(provider)
    except StreamlitAuthError as exc:
        st.session_state[_PROBLEM_KEY] = str(exc)


def sign_in_buttons() -> None:
    problem = st.session_state.pop(_PROBLEM_KEY, None)
    if problem:
        st.error(f"Signing in is not set up correctly: {escape(problem)}")
    for provider in providers():
        label = "Sign in" if provider is None else f"Sign in with {provider}"
        st.button(
            label,
            type="primary",
            icon=":material/login:",
            on_click=_login,
            args=(provider,),
            key=f"sign-in-{provider or 'default'}",
        )


def sign_in_page() -> None:
    st.title("Sign in")
    st.markdown(
        "This dashboard is for the Office of the Police and Crime Commissioner, the Police "
        "and Crime Panel and the readers they invite. Sign in with your organisation's "
        "account to see the figures."
    )
    sign_in_buttons()


def no_access_page(found: Identity | RolesFileError) -> None:
    st.title("No access")
    if isinstance(found, RolesFileError):
        st.error(
            "The dashboard cannot tell who may do what, so nobody has access at the moment: "
            + escape(found.message),
            icon=":material/block:",
        )
    else:
        st.error(
            f"You are signed in as {escape(found.name)}, but that account has no role in "
            "this dashboard, so it cannot show you anything.",
            icon=":material/block:",
        )
    st.markdown(
        "Ask whoever looks after the dashboard (usually the analysts' team) to give your "
        "e-mail address or your organisation's domain a role in the roles file."
    )
    if auth_configured() and st.user.get("is_logged_in"):
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def banner(who: Identity) -> None:
    """Who is using the app, in the sidebar of every page (and how to sign out)."""
    if who.local:
        st.info(
            f"**Single local user:** sign-in is off (no `[auth]` in "
            f"`.streamlit/secrets.toml`), so this app gives every right to whoever opens it "
            f"and records changes as {escape(who.name)}.",
            icon=":material/person:",
        )
        return
    if not who.signed_in:
        st.caption(f"Reading as a visitor ({escape(who.role_words)}).")
        sign_in_buttons()
        return
    st.caption(f"Signed in as {escape(who.name)} · {escape(who.role_words)}")
    st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign-out")
