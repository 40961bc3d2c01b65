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


@pytest.fixture(scope="session")
def built_store(archive_env):
    """The built data the session's archive serves (:class:`offline_archive.store.DataStore`)."""
    from offline_archive.paths import archive_root
    from offline_archive.store import DataStore

    return DataStore(archive_root())


@pytest.fixture(scope="session")
def services_client(built_store):
    """The archive's web services over the built data, as a Flask test client (no server, no proxy)."""
    from offline_archive.services.app import create_app

    return create_app(built_store).test_client()
