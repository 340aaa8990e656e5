"""Who may do what: roles, their rights, and the roles file that gives people their roles.

The app signs people in with OpenID Connect (Streamlit's ``st.login``) when ``[auth]`` is set
in ``.streamlit/secrets.toml``; this module decides, without Streamlit, what a signed-in person
may do. Without ``[auth]`` the app runs as one local user with every right (`local_user`).

Roles and their rights (`ROLE_RIGHTS`, the one place the rule is written):

============  ==========================================================================
analyst       upload, publish and withdraw data; load and remove plans; read internal
              commentary and the audit log
commissioner  the Commissioner's office: write commentary; read internal commentary and
              the audit log
panel         the Police and Crime Panel: read, internal commentary included
public        read; commentary marked internal is not shown
============  ==========================================================================

The roles file (``.streamlit/roles.toml`` beside the secrets, or ``$PCP_ROLES_FILE``) maps
e-mail addresses and domains to roles; an address listed under ``[emails]`` takes its roles
from there, otherwise from its domain under ``[domains]``, otherwise ``everyone``::

    everyone = "public"          # optional: anyone else who signs in
    visitors = "public"          # optional: read without signing in (only "public")

    [emails]
    "ann.analyst@durham.police.uk" = "analyst"
    "pcc@durham-pcc.gov.uk" = ["commissioner", "analyst"]

    [domains]
    "durham-pcc.gov.uk" = "commissioner"
    "durham.gov.uk" = "panel"

Addresses and domains are compared without regard to case; a domain matches that domain
only, not its subdomains.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pcp_data.config import PROJECT_DIR
from pcp_data.errors import PCPError

ROLES_FILE_ENV = "PCP_ROLES_FILE"


class Role(StrEnum):
    ANALYST = "analyst"
    COMMISSIONER = "commissioner"
    PANEL = "panel"
    PUBLIC = "public"


class Right(StrEnum):
    MANAGE_DATA = "manage data"  # upload, publish, withdraw
    MANAGE_PLANS = "manage plans"  # load and remove plans
    WRITE_COMMENTARY = "write commentary"
    READ_INTERNAL = "read internal commentary"
    READ_AUDIT = "read the audit log"


ROLE_RIGHTS: Mapping[Role, frozenset[Right]] = {
    Role.ANALYST: frozenset(
        {Right.MANAGE_DATA, Right.MANAGE_PLANS, Right.READ_INTERNAL, Right.READ_AUDIT}
    ),
    Role.COMMISSIONER: frozenset({Right.WRITE_COMMENTARY, Right.READ_INTERNAL, Right.READ_AUDIT}),
    Role.PANEL: frozenset({Right.READ_INTERNAL}),
    Role.PUBLIC: frozenset(),
}

ROLE_WORDS: Mapping[Role, str] = {
    Role.ANALYST: "analyst",
    Role.COMMISSIONER: "Commissioner's office",
    Role.PANEL: "Police and Crime Panel",
    Role.PUBLIC: "public",
}


class RolesFileError(PCPError):
    """The roles file cannot be read or says something that is not a role."""


def roles_file() -> Path:
    """``$PCP_ROLES_FILE``, or ``.streamlit/roles.toml`` in the project folder."""
    return Path(os.environ.get(ROLES_FILE_ENV) or PROJECT_DIR / ".streamlit" / "roles.toml")


@dataclass(frozen=True)
class Identity:
    """Who is using the app, and with which roles.

    ``name`` is what the store records for everything this person does (uploads,
    withdrawals, commentary, plans, the audit log).
    """

    name: str
    roles: frozenset[Role]
    email: str | None = None
    signed_in: bool = False
    local: bool = False
    rights: frozenset[Right] = field(init=False)

    def __post_init__(self) -> None:
        rights = frozenset(Right) if self.local else _rights_of(self.roles)
        object.__setattr__(self, "rights", rights)

    def can(self, right: Right) -> bool:
        return right in self.rights

    @property
    def role_words(self) -> str:
        """``"analyst"``, ``"Commissioner's office and analyst"``, ``"no role"``."""
        if self.local:
            return "single local user, every right"
        words = [ROLE_WORDS[r] for r in Role if r in self.roles]
        if not words:
            return "no role"
        return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _rights_of(roles: Iterable[Role]) -> frozenset[Right]:
    return frozenset(r for role in roles for r in ROLE_RIGHTS[role])


def local_user(os_user: str | None = None) -> Identity:
    """The one user of an app run without sign-in: every right, named after the OS user."""
    try:
        who = os_user or getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = ""
    name = f"{who} (local user)" if who.strip() else "local user"
    return Identity(name=name, roles=frozenset(Role), local=True)


@dataclass(frozen=True)
class RoleMap:
    """E-mail addresses and domains to roles (see the module docstring for the file)."""

    emails: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    domains: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    everyone: frozenset[Role] = frozenset()
    visitors: frozenset[Role] = frozenset()

    def roles_for(self, email: str | None) -> frozenset[Role]:
        """The roles of the person with this address (none for no address)."""
        if not email or "@" not in email:
            return frozenset()
        address = email.strip().lower()
        if address in self.emails:
            return self.emails[address]
        domain = address.rsplit("@", 1)[1]
        if domain in self.domains:
            return self.domains[domain]
        return self.everyone

    @classmethod
    def parse(cls, text: str, name: str = "roles.toml") -> RoleMap:
        """Read the roles file's text.

        Raises
        ------
        RolesFileError
            Naming the bad key or value and the roles there are.
        """
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RolesFileError(f"{name} is not valid TOML: {exc}") from None
        known = {"emails", "domains", "everyone", "visitors"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise RolesFileError(
                f"{name}: unknown key {unknown[0]!r}; expected one of {', '.join(sorted(known))}"
            )
        emails = _table(raw.get("emails", {}), name, "emails", address=True)
        domains = _table(raw.get("domains", {}), name, "domains", address=False)
        everyone = _roles(raw.get("everyone", []), f"{name}: everyone")
        visitors = _roles(raw.get("visitors", []), f"{name}: visitors")
        if visitors - {Role.PUBLIC}:
            raise RolesFileError(
                f"{name}: visitors who have not signed in can only be 'public', "
                f"not {', '.join(sorted(visitors - {Role.PUBLIC}))}"
            )
        return cls(emails, domains, everyone, visitors)

    @classmethod
    def load(cls, path: Path | None = None) -> RoleMap:
        """The roles file at ``path`` (default `roles_file`).

        Raises
        ------
        RolesFileError
            When the file is missing, unreadable or invalid.
        """
        path = path or roles_file()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RolesFileError(
                f"sign-in is on but there is no roles file at {path}: nobody has a role. "
                f"Write one (see .streamlit/roles.toml.example) or set {ROLES_FILE_ENV}."
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RolesFileError(f"cannot read the roles file {path}: {exc}") from None
        return cls.parse(text, path.name)


def _table(value: Any, name: str, key: str, *, address: bool) -> dict[str, frozenset[Role]]:
    if not isinstance(value, dict):
        raise RolesFileError(f"{name}: [{key}] must be a table of {key} to roles")
    table: dict[str, frozenset[Role]] = {}
    for who, roles in value.items():
        cleaned = str(who).strip().lower()
        if address and ("@" not in cleaned or cleaned.startswith("@")):
            raise RolesFileError(
                f"{name}: [emails] {who!r} is not an e-mail address; put a domain under [domains]"
            )
        if not address and ("@" in cleaned or not cleaned):
            raise RolesFileError(
                f"{name}: [domains] {who!r} is not a domain (write 'example.org', no '@')"
            )
        table[cleaned] = _roles(roles, f"{name}: [{key}] {who!r}")
    return table


def _roles(value: Any, where: str) -> frozenset[Role]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise RolesFileError(f"{where}: expected a role or a list of roles")
    roles = set()
    for item in items:
        try:
            roles.add(Role(str(item).strip().lower()))
        except ValueError:
            raise RolesFileError(
                f"{where}: {item!r} is not a role; the roles are "
                + ", ".join(r.value for r in Role)
            ) from None
    return frozenset(roles)


def identity_from_claims(claims: Mapping[str, Any], role_map: RoleMap) -> Identity:
    """The identity of a person signed in through OpenID Connect.

    The address is the ``email`` claim, else ``preferred_username`` when it is an address
    (Microsoft Entra ID sends the user principal name there and may send no ``email``). A
    provider that says the address is not verified (``email_verified`` false) gets no role.
    The name recorded is ``"Name (address)"``, or the address alone.
    """
    email = _address(claims)
    display = str(claims.get("name") or "").strip()
    if email:
        name = f"{display} ({email})" if display and display.lower() != email else email
    else:
        name = display or str(claims.get("sub") or "unknown")
    verified = claims.get("email_verified")
    unverified = verified is False or str(verified).lower() == "false"
    roles = frozenset() if unverified else role_map.roles_for(email)
    return Identity(name=name, roles=roles, email=email, signed_in=True)


def visitor(role_map: RoleMap) -> Identity | None:
    """Someone who has not signed in, when the roles file lets visitors read; else None."""
    if not role_map.visitors:
        return None
    return Identity(name="visitor (not signed in)", roles=role_map.visitors)


def _address(claims: Mapping[str, Any]) -> str | None:
    for key in ("email", "preferred_username", "upn"):
        value = str(claims.get(key) or "").strip().lower()
        if "@" in value:
            return value
    return None
