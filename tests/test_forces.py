"""Force names and codes resolved to one canonical list; rows that are no area set aside."""

from __future__ import annotations

import pytest

from pcp_data.forces import (
    AreaMismatch,
    all_forces,
    classify_non_area,
    local_area,
    resolve_area,
    resolve_code_and_name,
)


@pytest.mark.parametrize(
    ("name", "code", "kind"),
    [
        ("Devon & Cornwall", "E23000035", "force"),
        ("Devon and Cornwall", "E23000035", "force"),
        ("London, City of", "E23000034", "force"),
        ("City of London Police", "E23000034", "force"),
        ("City of London11", "E23000034", "force"),
        ("Dorset Police", "E23000039", "force"),
        ("Essex10", "E23000028", "force"),
        ("Avon and Somerset8", "E23000036", "force"),
        ("Metropolitan Police Service", "E23000001", "force"),
        ("Dyfed Powys", "W15000004", "force"),
        ("Hampshire and Isle of Wight", "E23000030", "force"),
        ("ENGLAND AND WALES7,8", "K04000001", "nation"),
        ("ENGLAND", "E92000001", "nation"),
        ("WALES", "W92000004", "nation"),
        ("North East ", "E12000001", "region"),
        ("East ", "E12000006", "region"),
        ("Yorkshire and The Humber", "E12000003", "region"),
        ("W15000002", "W15000002", "force"),
    ],
)
def test_spellings_seen_in_published_files(name, code, kind) -> None:
    area = resolve_area(name)
    assert area is not None, name
    assert (area.code, area.kind) == (code, kind)


def test_forty_three_forces() -> None:
    forces = all_forces()
    assert len(forces) == 43
    assert all(f.code[:3] in ("E23", "W15") for f in forces)


@pytest.mark.parametrize(
    "label",
    [
        "British Transport Police",
        "Action Fraud",
        "CIFAS",
        "UK Finance",
        "Financial Fraud Action UK",
        "Central Service Secondments",
        "Total 43 forces",
        "Total",
        "Grand total",
    ],
)
def test_rows_that_are_no_area(label) -> None:
    assert classify_non_area(label)


@pytest.mark.parametrize("label", ["Durham", "England and Wales", "North East", "London"])
def test_areas_are_not_set_aside(label) -> None:
    assert classify_non_area(label) is None


def test_code_wins_over_a_name_shared_by_a_region_and_a_force() -> None:
    assert resolve_code_and_name("E12000005", "West Midlands ").kind == "region"
    assert resolve_code_and_name("E23000014", "West Midlands").kind == "force"
    assert resolve_code_and_name(None, "West Midlands").kind == "force"


def test_code_and_name_of_different_forces_disagree() -> None:
    with pytest.raises(AreaMismatch, match="Durham"):
        resolve_code_and_name("E23000008", "Essex")


def test_unknown_code_or_name_is_none() -> None:
    assert resolve_code_and_name("E23000099", "Northmoor") is None
    assert resolve_area("Northmoor") is None


def test_local_areas_keep_their_kind_and_one_code_per_spelling() -> None:
    a = local_area("Richmond upon Thames", kind="other")
    b = local_area("Richmond Upon  Thames", kind="other")
    assert a.code == b.code == "LOCAL:richmond-upon-thames"
    assert a.kind == "other"
    assert local_area("Northmoor").kind == "force"  # an imaginary sample force
