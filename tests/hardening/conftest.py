"""Fixtures for the hardening tests: an archive started in this process, whose faults a test sets."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from unittest import mock

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from report import COUNTS, FIGURES

from offline_archive.paths import archive_root
from offline_archive.serve import RunningArchive, running_archive
from offline_archive.traffic.faults import FaultPlan


@pytest.fixture(scope="module")
def faulty_archive(archive_env) -> Iterator[RunningArchive]:
    """A whole archive (S3, web services, proxy) started here, its environment set in ``os.environ``.

    ``faulty_archive.faults.set_plan(FaultPlan(...))`` changes the faults of the web services;
    the :func:`faults` fixture resets them after each test.  (``archive_env`` makes sure the
    data is built; the session's own archive keeps running untouched.)
    """
    with running_archive(archive_root()) as archive, mock.patch.dict(os.environ, archive.env):
        yield archive


@pytest.fixture
def faults(faulty_archive):
    """Set the archive's fault plan for one test: ``faults([{"status": 503, "first": 2}])``."""

    def set_plan(rules: list[dict], seed: int = 0):
        faulty_archive.faults.set_plan(FaultPlan.from_json(json.dumps({"faults": rules, "seed": seed})))
        return faulty_archive.faults

    yield set_plan
    faulty_archive.faults.set_plan(FaultPlan())


@pytest.fixture
def execute_in_kernel(tmp_path) -> Callable[[nbformat.NotebookNode], None]:
    """Run a notebook's cells in a fresh kernel in ``tmp_path``, keeping errors as outputs; then stop the kernel."""

    def execute(nb: nbformat.NotebookNode) -> None:
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(tmp_path)}},
        )
        try:
            client.execute()
        finally:
            if client.km is not None and client.km.has_kernel:
                run_sync(client.km.shutdown_kernel)(now=True)

    return execute


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many hostile requests each endpoint received, and the figures the load test measured."""
    if COUNTS:
        terminalreporter.section("hostile requests sent")
        for target, n in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{n:6d}  {target}")
    if FIGURES:
        terminalreporter.section("measured")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name:>24}  {value}")
