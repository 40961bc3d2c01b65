"""No network escapes: the guard stops connections and lookups that would leave the machine.

It is installed for the test session, in every Python process the session starts (through
``sitecustomize`` on ``PYTHONPATH``) and so in notebook kernels; an escape that a library
swallows still fails the test that made it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import requests

from netguard import LOG_ENV, NetworkEscapeError, expected_escapes, installed

ROOT = Path(__file__).resolve().parents[2]
TEST_NET = "192.0.2.1"  # TEST-NET-1 (RFC 5737): never routed, so a miss costs nothing


def test_the_guard_is_installed_for_the_session():
    assert installed()
    assert str(ROOT / "tools" / "netguard") in os.environ["PYTHONPATH"].split(os.pathsep)
    assert Path(os.environ[LOG_ENV]).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.create_connection((TEST_NET, 80), timeout=1),
        lambda: socket.create_connection(("2001:db8::1", 443), timeout=1),
        lambda: socket.getaddrinfo("example.org", 443),
        lambda: socket.gethostbyname("pypi.org"),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)),
        lambda: requests.Session().request("GET", f"http://{TEST_NET}/", timeout=1, proxies={}),
    ],
    ids=["connect-ipv4", "connect-ipv6", "getaddrinfo", "gethostbyname", "udp-sendto", "requests"],
)
def test_escapes_are_stopped_loudly_and_named(attempt):
    with expected_escapes() as caught, pytest.raises(NetworkEscapeError, match="Network escape blocked"):
        session_env = {k: os.environ.pop(k) for k in ("HTTP_PROXY", "http_proxy") if k in os.environ}
        try:
            attempt()
        finally:
            os.environ.update(session_env)
    assert len(caught) == 1


def test_the_message_names_the_address():
    with expected_escapes(), pytest.raises(NetworkEscapeError, match=TEST_NET.replace(".", r"\.") + ":80"):
        socket.create_connection((TEST_NET, 80), timeout=1)


def test_loopback_is_allowed():
    with (
        socket.create_server(("127.0.0.1", 0)) as server,
        socket.create_connection(server.getsockname(), timeout=5),
    ):
        pass
    assert socket.getaddrinfo("localhost", 80)


def _guarded_env(log: Path) -> dict[str, str]:
    return os.environ | {LOG_ENV: str(log)}


def test_a_child_process_is_guarded_and_logs_the_escape(tmp_path):
    log = tmp_path / "escapes.jsonl"
    code = f"import socket\ntry:\n    socket.create_connection(({TEST_NET!r}, 80), timeout=1)\nexcept Exception:\n    pass\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_guarded_env(log),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, "the child swallowed the error..."
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["what"] for r in records] == [f"connect to {TEST_NET}:80"], "...but the log still has it"


def test_an_escape_a_library_swallows_still_fails_its_test(tmp_path):
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(f"""
        import socket

        def test_quietly_online():
            try:
                socket.create_connection(({TEST_NET!r}, 80), timeout=1)
            except Exception:
                pass

        def test_offline():
            assert True
    """)
    )
    env = _guarded_env(tmp_path / "outer.jsonl")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "pytest_netguard",
            "-p",
            "no:cacheprovider",
            "-q",
            str(tmp_path / "test_inner.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout
    assert f"connect to {TEST_NET}:80" in result.stdout and "test_quietly_online" in result.stdout


def test_a_notebook_cell_that_goes_online_is_stopped(tmp_path, monkeypatch, execute_in_kernel):
    log = tmp_path / "kernel-escapes.jsonl"
    monkeypatch.setenv(LOG_ENV, str(log))  # the kernel inherits this environment
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                f"import socket\nsocket.create_connection(({TEST_NET!r}, 443), timeout=2)"
            ),
            nbformat.v4.new_code_cell("socket.getaddrinfo('archive.stsci.edu', 443)"),
            nbformat.v4.new_code_cell("print('still running')"),
        ]
    )
    execute_in_kernel(nb)
    errors = [out for cell in nb.cells for out in cell.outputs if out.output_type == "error"]
    assert [e.ename for e in errors] == ["NetworkEscapeError", "NetworkEscapeError"]
    assert f"{TEST_NET}:443" in errors[0].evalue and "archive.stsci.edu" in errors[1].evalue
    assert nb.cells[2].outputs[0].text == "still running\n"
    assert len(log.read_text().splitlines()) == 2
