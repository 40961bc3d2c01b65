"""`make live-test` runs the notebooks against the real services: the archive stays down.

``OFFLINE_ARCHIVE=off`` is the switch the root conftest reads.  The runs below only collect the
notebooks, so no network is touched; ``OFFLINE_ARCHIVE_DIR`` names a file, where the archive cannot
be built, so that a run that tries to start the archive fails at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = sorted((ROOT / "notebooks").glob("00-*.ipynb"))[0]
# What the archive's environment sets (the session running these tests may have it).
ARCHIVE_VARS = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "https_proxy",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
    "CURL_CA_BUNDLE",
    "OFFLINE_ARCHIVE_PROXY",
    "OFFLINE_ARCHIVE_SESSION",  # a pytest-xdist controller's archive, which the child would share
)
_MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def _collect(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    not_a_dir = tmp_path / "not-a-directory"
    not_a_dir.write_text("the archive cannot be built here\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ARCHIVE_VARS and k not in _MAKE_STATE and not k.startswith("AWS_")
    }
    env.update(OFFLINE_ARCHIVE_DIR=str(not_a_dir), **extra)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-p",
            "no:cacheprovider",
            str(NOTEBOOK),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_switch_keeps_the_archive_down(tmp_path):
    live = _collect(tmp_path, OFFLINE_ARCHIVE="off")
    assert live.returncode == 0, live.stdout + live.stderr
    assert "offline archive: off" in live.stdout
    assert "<NotebookCell cell" in live.stdout  # the notebook's cells were collected

    offline = _collect(tmp_path)  # the same run without the switch tries to start the archive
    assert offline.returncode != 0
    assert "not-a-directory" in offline.stdout + offline.stderr


def test_a_live_run_refuses_an_environment_still_pointing_at_the_archive(tmp_path):
    run = _collect(tmp_path, OFFLINE_ARCHIVE="off", HTTPS_PROXY="http://127.0.0.1:9")
    assert run.returncode == 4  # pytest's usage error
    assert "HTTPS_PROXY" in run.stderr and "make live-test" in run.stderr


def test_make_live_test_sets_the_switch_and_clears_the_archive_environment():
    env = {k: v for k, v in os.environ.items() if k not in _MAKE_STATE}
    plan = subprocess.run(
        ["make", "-n", "live-test"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")
    command = next(line for line in plan.splitlines() if "-m pytest" in line and "notebooks" in line)
    assert "OFFLINE_ARCHIVE=off" in command and "NETGUARD=off" in command
    for name in ARCHIVE_VARS[:4] + ("AWS_ENDPOINT_URL_S3", "REQUESTS_CA_BUNDLE", "OFFLINE_ARCHIVE_PROXY"):
        assert f"-u {name}" in command, name
