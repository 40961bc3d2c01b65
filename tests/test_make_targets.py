"""Make targets from a fresh clone: `make lab` (planned, then started and stopped) and `make chromium`."""

from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 180
# A make that runs these tests hands its command-line variables down, in MAKEFLAGS and in the
# environment (test-latest sets VENV=.venv-latest, BUILD and JUNIT_DIR); the make commands here
# must see a fresh clone's defaults.
_MAKE_STATE = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VENV", "BUILD", "JUNIT_DIR", "LAB_ARGS"}
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in _MAKE_STATE and k != "SUITE_BUILD_DIR"}


def _fresh_copy(destination: Path) -> Path:
    """The repository's tracked files (what a clone holds), without .venv, build or caches."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if name and (ROOT / name).is_file():
                (destination / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, destination / name)
    else:  # not a git checkout: copy the tree without what a clone would not have
        ignore = shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__", "*.egg-info", ".*_cache")
        shutil.copytree(ROOT, destination, ignore=ignore, dirs_exist_ok=True)
    return destination


def test_make_lab_from_a_fresh_clone_installs_builds_the_archive_then_starts_lab(tmp_path) -> None:
    clone = _fresh_copy(tmp_path / "clone")
    assert not (clone / ".venv").exists()
    plan = subprocess.run(
        ["make", "-n", "lab"], cwd=clone, capture_output=True, text=True, check=True, env=CLEAN_ENV
    ).stdout
    steps = [
        "-m venv .venv",
        "uv pip install --python .venv/bin/python --quiet --compile-bytecode -r requirements.lock",
        "-m compileall -q -j 0 helpers offline_archive tools",
        "-m offline_archive build",
        "-m offline_archive exec -- .venv/bin/jupyter lab --notebook-dir=notebooks",
    ]
    positions = [plan.find(step) for step in steps]
    assert all(p >= 0 for p in positions), plan
    assert positions == sorted(positions), plan


def _free_port() -> int:
    """A free port below Linux's ephemeral range, which the archive's own servers draw from."""
    for port in random.sample(range(20000, 32000), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000 on 127.0.0.1")


def _stop(process: subprocess.Popen) -> None:
    """Stop the process group this test started (make, the archive and JupyterLab)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_make_lab_serves_the_notebooks_with_the_archive_in_its_environment(tmp_path) -> None:
    port, token = _free_port(), secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
        f"--IdentityProvider.token={token}"
    )
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=CLEAN_ENV,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}/api/status", params={"token": token}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.5)
        contents = requests.get(f"{base}/api/contents", params={"token": token}, timeout=10).json()
        names = {item["name"] for item in contents["content"]}
        assert {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")} <= names
        assert requests.get(f"{base}/lab", params={"token": token}, timeout=10).ok
        # No "get notified about official Jupyter news?" prompt: JupyterLab asks only while
        # fetchNews is "none" (its default); jupyter-config/ sets it to "false".
        notification = requests.get(
            f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification",
            params={"token": token},
            timeout=10,
        ).json()
        assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"
        assert notification["schema"]["properties"]["checkForUpdates"]["default"] is False
        labs = [
            p
            for p in psutil.Process(process.pid).children(recursive=True)
            if "jupyter-lab" in " ".join(p.cmdline())
        ]
        assert labs, "no jupyter-lab process under make lab"
        environment = labs[0].environ()
        for name in ("HTTPS_PROXY", "REQUESTS_CA_BUNDLE", "AWS_ENDPOINT_URL_S3"):
            assert environment.get(name), f"JupyterLab's kernels would not see the archive: {name} unset"
    finally:
        _stop(process)
        log.close()
    assert process.returncode is not None


def test_make_chromium_installs_debians_package_only_when_missing(tmp_path) -> None:
    plan = subprocess.run(
        ["make", "-n", "chromium", f"CHROMIUM={tmp_path / 'no-chromium'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=CLEAN_ENV,
    ).stdout
    assert "apt-get update" in plan and "apt-get install -y chromium" in plan
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    done = subprocess.run(
        ["make", "--no-print-directory", "chromium", f"CHROMIUM={present}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=CLEAN_ENV,
    )
    assert done.stdout.strip() == "" and "apt-get" not in done.stderr


def test_the_installed_packages_carry_their_bytecode() -> None:
    """The install compiled every module: no process of the gate compiles its imports again.

    With PYTHONDONTWRITEBYTECODE set, a module without a ``.pyc`` is compiled on every import and
    the result is thrown away (``import lightkurve``: 7.1 s of CPU instead of 2.8 s, 2026-12-04).
    Where bytecode may be written, the first import would write it too; so the installed libraries'
    ``.pyc`` must be older than the install stamp, which ``make install`` touches last.
    """
    import importlib.util

    import lightkurve
    import scipy.signal

    import helpers

    stamps = list(Path(sys.prefix).glob(".installed-*"))  # none in test-latest's venv
    for module in (lightkurve, scipy.signal, helpers):
        cached = Path(importlib.util.cache_from_source(module.__file__))
        assert cached.is_file(), f"{module.__name__} has no bytecode at {cached}: run make install"
        if stamps and module is not helpers:  # the project's own modules change after an install
            assert cached.stat().st_mtime <= stamps[0].stat().st_mtime, (
                f"{cached} was written after the install"
            )
