"""The pins live in pyproject.toml; environment.yml, binder/ and the lock must agree with them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for line in requirements:
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{line!r} is not pinned to one exact version"
        pins[canonicalize_name(req.name)] = specs[0].version
    return pins


def _conda_pip_list(path: Path) -> list[str]:
    env = yaml.safe_load(path.read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, f"{path} should have exactly one pip section"
    return pip_sections[0]


def test_every_dependency_is_pinned_exactly() -> None:
    pins = _pins(_pyproject()["project"]["dependencies"])
    assert "astroquery" in pins and "lightkurve" in pins


@pytest.mark.parametrize("env_file", ["environment.yml", "binder/environment.yml"])
def test_conda_environments_match_pyproject(env_file: str) -> None:
    expected = _pins(_pyproject()["project"]["dependencies"])
    assert _pins(_conda_pip_list(ROOT / env_file)) == expected


@pytest.mark.parametrize("env_file", ["environment.yml", "binder/environment.yml"])
def test_conda_python_matches_requires_python(env_file: str) -> None:
    env = yaml.safe_load((ROOT / env_file).read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    minor = python.split("=", 1)[1]
    assert f">={minor}" in _pyproject()["project"]["requires-python"]


def test_lock_holds_the_same_pins() -> None:
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        if match:
            locked[canonicalize_name(match.group(1))] = match.group(3)
    for name, version in _pins(_pyproject()["project"]["dependencies"]).items():
        assert locked.get(name) == version, (
            f"requirements.lock has {name}=={locked.get(name)}, pyproject.toml {version}"
        )


def test_binder_adds_only_the_suite_itself_on_top_of_the_pins() -> None:
    """postBuild installs the suite's packages without dependencies (the pins come from environment.yml)."""
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    commands = [
        line.strip()
        for line in post_build.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    installs = [c for c in commands if "pip install" in c]
    assert installs == ["python -m pip install --no-deps -e ."]
    assert not (ROOT / "binder" / "requirements.txt").exists(), "Binder would ignore environment.yml"


def test_the_new_tools_are_pinned_everywhere() -> None:
    pins = _pins(_pyproject()["project"]["dependencies"])
    for name in ("sphinx", "myst-nb", "sphinx-book-theme", "playwright", "nbstripout", "pre-commit", "ruff"):
        assert name in pins, f"{name} is not pinned in pyproject.toml"


def test_pre_commit_hooks_use_the_pinned_versions() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout"} <= set(hooks)
    assert "jupyter" in hooks["ruff-check"]["types_or"] and "jupyter" in hooks["ruff-format"]["types_or"]
    pins = _pins(_pyproject()["project"]["dependencies"])
    for hook in hooks.values():
        assert _pins(hook.get("additional_dependencies", [])).items() <= pins.items(), hook["id"]
