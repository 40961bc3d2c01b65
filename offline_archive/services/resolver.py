"""MAST's name resolver (``mastresolver.stsci.edu/Santa-war/query``): names to positions.

astroquery reaches it over plain HTTP for every ``objectname=`` and ``query_object``; the answer
lists one entry per resolver that knows the name, from the targets of :mod:`offline_archive.sky`.
"""

from __future__ import annotations

from ..sky.targets import Target, find_target


def _resolver_entries(name: str, target: Target) -> list[dict[str, object]]:
    search = name.lower()
    entries: list[dict[str, object]] = []
    if target.tic and search.replace(" ", "").startswith("tic"):
        entries.append(
            {
                "searchString": search,
                "resolver": "TIC",
                "cached": False,
                "resolverTime": 2,
                "searchRadius": 0.000333,
                "canonicalName": f"TIC {target.tic}",
                "ra": target.ra,
                "decl": target.dec,
            }
        )
    entries.append(
        {
            "searchString": search,
            "resolver": "SIMBAD",
            "cached": True,
            "resolverTime": 11,
            "searchRadius": -1.0,
            "canonicalName": target.canonical_name,
            "ra": target.ra,
            "decl": target.dec,
            "objectType": target.object_type,
        }
    )
    entries.append(
        {
            "searchString": search,
            "resolver": "NED",
            "cached": True,
            "resolverTime": 14,
            "searchRadius": -1.0,
            "canonicalName": target.aliases[0].upper(),
            "ra": target.ra,
            "decl": target.dec,
            "objectType": "*",
        }
    )
    return entries


def resolve(names: list[str], resolve_all: bool, resolver: str | None) -> dict[str, object]:
    """The resolver's answer: every match for each name; unknown names contribute nothing."""
    coordinates: list[dict[str, object]] = []
    for name in names:
        target = find_target(name)
        if target is None:
            continue
        entries = _resolver_entries(name, target)
        if resolver and not resolve_all:
            entries = [e for e in entries if e["resolver"] == resolver.upper()]
        elif not resolve_all:
            entries = entries[:1]
        coordinates.extend(entries)
    return {"resolvedCoordinate": coordinates, "status": ""}
