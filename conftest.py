"""Test-session plumbing shared by the unit tests and the notebooks' cells.

When the collected tests need the offline archive (the notebooks' cells, tests under
``tests/notebooks`` and tests using the ``archive_env`` fixture), the archive's data is built if
needed and the archive is started, as a subprocess on 127.0.0.1, *before* any test runs, so that
every kernel a test starts inherits an environment that points at it.  The archive is stopped
when the session ends.

With pytest-xdist (``-n 3``, as ``make test`` runs), the controller starts the archive once, at
configuration time, before it starts its workers; the workers inherit its environment and share it
(``OFFLINE_ARCHIVE_SESSION`` names the environment file of the archive they share).

``OFFLINE_ARCHIVE=off`` in the environment keeps the archive down, so that the notebooks reach the
real MAST and AWS (``make live-test`` sets it, with the network guard off).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
READY_TIMEOUT_S = 60.0
#: The env file of the session's archive, set by the process that started it for the workers that share it.
SESSION_ENV = "OFFLINE_ARCHIVE_SESSION"
#: Extra options for the session archive's ``serve`` (``make replay-test`` gives ``--replay DIR``).
SERVE_ARGS_ENV = "OFFLINE_ARCHIVE_SERVE_ARGS"
#: ``OFFLINE_ARCHIVE=off``: a live run, against the real services.
SWITCH_ENV = "OFFLINE_ARCHIVE"

# No network escapes: the guard for this session, the archive and the notebook kernels.
sys.path.insert(0, str(ROOT / "tools" / "netguard"))
# Each notebook executed once per session: cell verdicts, science tests, executed copies.
pytest_plugins = ["pytest_netguard", "pytest_notebooks"]


def _needs_archive(item: pytest.Item) -> bool:
    return (
        "archive_env" in getattr(item, "fixturenames", ())
        or item.get_closest_marker("archive") is not None
        or Path(str(item.fspath)).is_relative_to(ROOT / "tests" / "notebooks")
    )


class _Archive:
    """The archive subprocess for this test session."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.env: dict[str, str] = {}
        self._saved: dict[str, str | None] = {}
        self._dir: tempfile.TemporaryDirectory | None = None

    def start(self) -> None:
        extra = shlex.split(os.environ.get(SERVE_ARGS_ENV, ""))
        if "--replay" not in extra:  # a replay answers from its cassette; no data needed
            subprocess.run([sys.executable, "-m", "offline_archive", "build", "--quiet"], check=True)
        self._dir = tempfile.TemporaryDirectory(prefix="archive-session-")
        env_file = Path(self._dir.name) / "archive.env"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "offline_archive", "serve", "--env-file", str(env_file), *extra],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not env_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The offline archive exited with code {self.process.returncode} "
                    "before it was ready; see its messages above."
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The offline archive was not ready within {READY_TIMEOUT_S:.0f} s.")
            time.sleep(0.05)
        from offline_archive.serve import parse_export_lines  # the archive's own format

        self.env = parse_export_lines(env_file.read_text()) | {SESSION_ENV: str(env_file)}
        for name, value in self.env.items():
            self._saved[name] = os.environ.get(name)
            os.environ[name] = value

    def stop(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


_archive = _Archive()


def _shared_by_controller() -> bool:
    """True in a pytest-xdist worker whose controller started the archive (the worker inherited it)."""
    return _archive.process is None and bool(os.environ.get(SESSION_ENV))


@pytest.hookimpl(trylast=True)  # after the network guard has set the environment the archive inherits
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "archive: the test needs the offline archive running")
    distributed = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    if distributed and not _live() and _archive.process is None:
        _archive.start()  # the workers collect, so the controller cannot tell whether they need it
    if _live():
        leftover = sorted(
            name
            for name in ("OFFLINE_ARCHIVE_PROXY", "AWS_ENDPOINT_URL_S3", "HTTPS_PROXY", "https_proxy")
            if "127.0.0.1" in os.environ.get(name, "")
        )
        if leftover:
            raise pytest.UsageError(
                f"{SWITCH_ENV}=off asks for a live run, but {', '.join(leftover)} still point at the "
                "offline archive (its environment was sourced in this shell). Run `make live-test`, "
                "which clears them, or open a fresh shell."
            )


def _live() -> bool:
    return os.environ.get(SWITCH_ENV, "").lower() == "off"


def pytest_report_header(config: pytest.Config) -> str:
    if _live():
        return f"offline archive: off (${SWITCH_ENV}=off): tests reach the real MAST and AWS"
    return "offline archive: started when a collected test needs it"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if _live():
        return
    if _shared_by_controller() or _archive.process is not None:
        return
    if any(_needs_archive(item) for item in items):
        _archive.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _archive.stop()


@pytest.fixture(scope="session")
def archive_env() -> dict[str, str]:
    """The environment of the running offline archive (proxy, CA bundle, S3 endpoint)."""
    if _shared_by_controller():
        from offline_archive.serve import parse_export_lines

        return parse_export_lines(Path(os.environ[SESSION_ENV]).read_text()) | {
            SESSION_ENV: os.environ[SESSION_ENV]
        }
    return dict(_archive.env)
