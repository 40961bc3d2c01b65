"""MAST's name resolver: aliases, every resolver's entry, unknown names."""

from __future__ import annotations

import pytest

from offline_archive.services import resolver
from offline_archive.sky.targets import PI_MEN


@pytest.mark.parametrize("name", ["Pi Mensae", "pi men", "PI MEN", "HD 39091", "hd  39091", "TIC 261136679"])
def test_resolver_knows_aliases_case_insensitively(name: str) -> None:
    answer = resolver.resolve([name], resolve_all=False, resolver=None)
    (entry,) = answer["resolvedCoordinate"]
    assert entry["searchString"] == name.lower()
    assert (entry["ra"], entry["decl"]) == (PI_MEN.ra, PI_MEN.dec)


def test_resolver_resolve_all_and_named_resolver() -> None:
    every = resolver.resolve(["TIC 261136679"], resolve_all=True, resolver=None)["resolvedCoordinate"]
    assert {e["resolver"] for e in every} == {"TIC", "SIMBAD", "NED"}
    ned = resolver.resolve(["Fomalhaut"], resolve_all=False, resolver="ned")["resolvedCoordinate"]
    assert [e["resolver"] for e in ned] == ["NED"]


def test_resolver_gives_nothing_for_unknown_names() -> None:
    assert resolver.resolve(["Planet Nine"], resolve_all=False, resolver=None)["resolvedCoordinate"] == []
