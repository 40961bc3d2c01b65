"""Expectations shared by tests in several folders (fixtures, so that every folder sees them)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def dvt_columns() -> list[str]:
    """The columns of a TESS DV time series (``dvt.fits``, ExoMAST's ``table``), in file order.

    As measured on the live archive: ``../shared/reference/archive-facts.md``, ExoMAST section.
    """
    return [
        "TIME",
        "TIMECORR",
        "CADENCENO",
        "PHASE",
        "LC_INIT",
        "LC_INIT_ERR",
        "LC_WHITE",
        "LC_DETREND",
        "MODEL_INIT",
        "MODEL_WHITE",
    ]
