"""Roles and rights, without Streamlit: who gets which role from the roles file, what each
role may do, and the identity recorded for a person signed in through OpenID Connect."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_data.access import (
    ROLE_RIGHTS,
    Identity,
    Right,
    Role,
    RoleMap,
    RolesFileError,
    identity_from_claims,
    local_user,
    roles_file,
    visitor,
)

ROLES = """
everyone = "public"

[emails]
"ann.analyst@durham.police.uk" = "analyst"
"PCC@Durham-PCC.gov.uk" = ["commissioner", "analyst"]

[domains]
"durham-pcc.gov.uk" = "commissioner"
"durham.gov.uk" = "panel"
"""


@pytest.fixture
def roles() -> RoleMap:
    return RoleMap.parse(ROLES)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ann.analyst@durham.police.uk", {Role.ANALYST}),
        ("Ann.Analyst@DURHAM.police.uk", {Role.ANALYST}),  # case does not matter
        ("pcc@durham-pcc.gov.uk", {Role.COMMISSIONER, Role.ANALYST}),  # the address wins
        ("deputy@durham-pcc.gov.uk", {Role.COMMISSIONER}),  # then the domain
        ("member@durham.gov.uk", {Role.PANEL}),
        ("member@sub.durham.gov.uk", {Role.PUBLIC}),  # a domain is not its subdomains
        ("someone@example.org", {Role.PUBLIC}),  # everyone else
        ("bob@durham.police.uk", {Role.PUBLIC}),  # one analyst's address is not the domain
        (None, set()),
        ("not-an-address", set()),
    ],
)
def test_roles_come_from_the_address_then_the_domain_then_everyone(
    roles: RoleMap, email: str | None, expected: set[Role]
) -> None:
    assert roles.roles_for(email) == frozenset(expected)


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (
            Role.ANALYST,
            {Right.MANAGE_DATA, Right.MANAGE_PLANS, Right.READ_INTERNAL, Right.READ_AUDIT},
        ),
        (Role.COMMISSIONER, {Right.WRITE_COMMENTARY, Right.READ_INTERNAL, Right.READ_AUDIT}),
        (Role.PANEL, {Right.READ_INTERNAL}),
        (Role.PUBLIC, set()),
    ],
)
def test_what_each_role_may_do(role: Role, may: set[Right]) -> None:
    """Analysts alone manage data and plans; the Commissioner's office alone writes
    commentary; the Panel and the public read, the public without internal commentary."""
    assert ROLE_RIGHTS[role] == frozenset(may)
    person = Identity(name="x", roles=frozenset({role}))
    assert {r for r in Right if person.can(r)} == may


def test_rights_of_several_roles_add_up() -> None:
    both = Identity(name="x", roles=frozenset({Role.COMMISSIONER, Role.ANALYST}))
    assert both.can(Right.MANAGE_DATA) and both.can(Right.WRITE_COMMENTARY)
    assert both.role_words == "analyst and Commissioner's office"


def test_without_sign_in_one_local_user_has_every_right() -> None:
    me = local_user("jo")
    assert me.name == "jo (local user)" and me.local and not me.signed_in
    assert all(me.can(r) for r in Right)
    assert local_user("  ").name == "local user"


@pytest.mark.parametrize(
    ("claims", "name", "email", "role_set"),
    [
        (
            {"email": "ann.analyst@durham.police.uk", "name": "Ann Analyst"},
            "Ann Analyst (ann.analyst@durham.police.uk)",
            "ann.analyst@durham.police.uk",
            {Role.ANALYST},
        ),
        # Microsoft Entra ID: no email claim, the address in preferred_username
        (
            {"preferred_username": "Member@Durham.gov.uk", "name": "A Member"},
            "A Member (member@durham.gov.uk)",
            "member@durham.gov.uk",
            {Role.PANEL},
        ),
        (
            {"email": "deputy@durham-pcc.gov.uk"},
            "deputy@durham-pcc.gov.uk",
            "deputy@durham-pcc.gov.uk",
            {Role.COMMISSIONER},
        ),
        # a provider that says the address is not verified: no role
        (
            {"email": "ann.analyst@durham.police.uk", "email_verified": False},
            "ann.analyst@durham.police.uk",
            "ann.analyst@durham.police.uk",
            set(),
        ),
        ({"sub": "1234", "name": "No Address"}, "No Address", None, set()),
    ],
)
def test_the_identity_of_someone_signed_in(
    roles: RoleMap, claims: dict[str, object], name: str, email: str | None, role_set: set[Role]
) -> None:
    who = identity_from_claims(claims, roles)
    assert (who.name, who.email, who.roles, who.signed_in) == (
        name,
        email,
        frozenset(role_set),
        True,
    )


def test_visitors_read_as_the_public_only_when_the_file_says_so(roles: RoleMap) -> None:
    assert visitor(roles) is None
    open_to_all = RoleMap.parse('visitors = "public"\n')
    guest = visitor(open_to_all)
    assert guest is not None and guest.roles == {Role.PUBLIC} and not guest.signed_in


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[emails]\n"a@b.uk" = "superuser"', "'superuser' is not a role; the roles are analyst"),
        ('[emails]\n"durham.gov.uk" = "panel"', "is not an e-mail address; put a domain"),
        ('[domains]\n"@durham.gov.uk" = "panel"', "is not a domain"),
        ('[domain]\n"x.uk" = "panel"', "unknown key 'domain'; expected one of"),
        ('visitors = "analyst"', "visitors who have not signed in can only be 'public'"),
        ('[emails]\n"a@b.uk" = 3', "expected a role or a list of roles"),
        ("[emails\n", "is not valid TOML"),
    ],
)
def test_a_bad_roles_file_is_named(text: str, message: str) -> None:
    with pytest.raises(RolesFileError, match=message):
        RoleMap.parse(text)


def test_the_roles_file_path_is_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PCP_ROLES_FILE", raising=False)
    assert roles_file().parts[-2:] == (".streamlit", "roles.toml")
    path = tmp_path / "who.toml"
    monkeypatch.setenv("PCP_ROLES_FILE", str(path))
    assert roles_file() == path
    with pytest.raises(RolesFileError, match=r"no roles file at .*who\.toml: nobody has a role"):
        RoleMap.load()
    path.write_text('[domains]\n"durham.gov.uk" = "panel"\n', encoding="utf-8")
    assert RoleMap.load().roles_for("x@durham.gov.uk") == {Role.PANEL}


def test_the_example_roles_file_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / ".streamlit" / "roles.toml.example"
    roles = RoleMap.load(example)
    assert roles.emails or roles.domains
