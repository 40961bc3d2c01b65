"""pytest plugin: the network guard for the session, its subprocesses and notebook kernels.

At configuration time the guard is installed in the pytest process, ``$NETGUARD_LOG`` names a
fresh log file and this directory goes to the front of ``$PYTHONPATH``, so that every Python
process started afterwards (the offline archive, notebook kernels) installs the guard too through
``sitecustomize``.  After each test phase the log is read: an escape any process recorded during
the phase fails that test, naming the address, even if the code that tried it caught the error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

import netguard

HERE = Path(__file__).resolve().parent


class _Log:
    def __init__(self) -> None:
        self.path: Path | None = None
        self.offset = 0

    def new_escapes(self) -> list[dict]:
        if self.path is None or not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as fh:
            fh.seek(self.offset)
            text = fh.read()
            self.offset = fh.tell()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


_log = _Log()


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(netguard.SWITCH_ENV, "on").lower() == "off":
        return
    handle, name = tempfile.mkstemp(prefix="netguard-", suffix=".jsonl")
    os.close(handle)
    _log.path = Path(name)
    os.environ[netguard.LOG_ENV] = name
    paths = [str(HERE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    netguard.install(name)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _log.path is not None:
        _log.path.unlink(missing_ok=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    escapes = _log.new_escapes()
    if escapes:
        lines = [f"  {e['what']} (process {e['pid']}: {' '.join(e['argv'])})" for e in escapes]
        report.outcome = "failed"
        report.longrepr = (
            f"Network escape(s) during {report.when} of {item.nodeid}; every connection must "
            "stay on 127.0.0.1 while testing:\n" + "\n".join(lines)
        )
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Escapes no test phase read: the session's own processes (under pytest-xdist, the controller
    runs no test, so the archive it started is checked here)."""
    escapes = _log.new_escapes()
    if escapes:
        lines = [f"  {e['what']} (process {e['pid']}: {' '.join(e['argv'])})" for e in escapes]
        session.config.get_terminal_writer().line(
            "Network escape(s) outside any test; every connection must stay on 127.0.0.1 while testing:\n"
            + "\n".join(lines),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
