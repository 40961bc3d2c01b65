"""What the hardening tests tried, for the end-of-run summary (printed by this directory's conftest)."""

from __future__ import annotations

#: Hostile requests sent in this session, by target ("test client: mast.stsci.edu/api/...").
COUNTS: dict[str, int] = {}
#: Figures measured in this session (the load test's requests per second, slowest request...).
FIGURES: dict[str, object] = {}


def count(target: str) -> None:
    """Count one hostile request sent to ``target``."""
    COUNTS[target] = COUNTS.get(target, 0) + 1
