"""The canary's two helpers: the unpinned requirements, and the report of what broke.

    python tools/canary_report.py unpinned pyproject.toml > latest.in
    python tools/canary_report.py report --pinned pinned-freeze.txt --latest latest-freeze.txt \\
        --junit build/latest/*.xml --site-packages <latest venv's site-packages> --output report.md

``unpinned`` prints pyproject's dependencies without their versions (extras kept), for uv to
resolve to the newest releases.  ``report`` compares two ``uv pip freeze`` listings, reads the
JUnit XML reports of the run, and writes a Markdown report: the packages whose versions differ
from the pins, and for every failing notebook or test the changed packages most likely to blame,
first those whose code appears in the failure's traceback, then those the notebook imports.  It
exits 1 when anything failed (or no report was found), so a scheduled job fails loudly.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: Package name -> (pinned version, newest version); None where a package is absent.
Changes = dict[str, tuple[str | None, str | None]]


@dataclass
class Failure:
    """A failed or erroring test case from a JUnit report."""

    report: str
    test: str
    message: str
    text: str


@dataclass
class Group:
    """The failures that concern one notebook (or the rest of the suite), with their suspects."""

    name: str
    failures: list[Failure] = field(default_factory=list)
    in_traceback: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)


def unpinned(pyproject: Path) -> list[str]:
    """The dependencies of ``pyproject`` with names and extras only, in their listed order."""
    lines = []
    for line in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
        req = Requirement(line)
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        lines.append(f"{req.name}{extras}")
    return lines


def read_freeze(path: Path) -> dict[str, str]:
    """``name==version`` lines of a ``uv pip freeze`` listing, by canonical name (editables skipped)."""
    versions = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line.strip())
        if match:
            versions[canonicalize_name(match.group(1))] = match.group(2)
    return versions


def changed_packages(pinned: dict[str, str], latest: dict[str, str]) -> Changes:
    """Packages whose version differs, as ``name: (pinned version, latest version)``; None if absent."""
    names = sorted(set(pinned) | set(latest))
    return {n: (pinned.get(n), latest.get(n)) for n in names if pinned.get(n) != latest.get(n)}


def read_failures(paths: list[Path]) -> tuple[list[Failure], int]:
    """The failed and erroring test cases of JUnit XML reports, and the number of test cases read."""
    failures, total = [], 0
    for path in paths:
        root = ET.parse(path).getroot()
        for case in root.iter("testcase"):
            total += 1
            for problem in [*case.findall("failure"), *case.findall("error")]:
                test = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
                failures.append(Failure(path.stem, test, problem.get("message", ""), problem.text or ""))
    return failures, total


def module_owners(site_packages: Path | None) -> dict[str, str]:
    """Top-level module name -> canonical distribution name, for the distributions in a site-packages."""
    if site_packages is None or not site_packages.is_dir():
        return {}
    owners = {}
    for dist in metadata.distributions(path=[str(site_packages)]):
        name = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or []:
            top = file.parts[0]
            if top.endswith((".dist-info", ".egg-info", ".pth")) or top in ("..", "__pycache__", "bin"):
                continue
            owners.setdefault(top.removesuffix(".py"), name)
    return owners


def notebook_imports(notebook: Path) -> set[str]:
    """Top-level module names a notebook's code cells import (cells that do not parse are skipped)."""
    modules = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules


def group_failures(
    failures: list[Failure],
    notebooks: list[Path],
    changed: Changes,
    owners: dict[str, str],
) -> list[Group]:
    """Failures grouped by the notebook their test names, each group with its suspect packages."""
    stems = {path.stem: path for path in notebooks}
    groups: dict[str, Group] = {}
    for failure in failures:
        numbered = re.search(r"test_notebook_(\d{2})\b", failure.test)  # tests/notebooks/test_notebook_NN.py
        named = [
            stem
            for stem in stems
            if stem in failure.test or stem in failure.message or (numbered and stem[:2] == numbered.group(1))
        ]
        key = named[0] if named else "(the rest of the suite)"
        group = groups.setdefault(key, Group(key))
        group.failures.append(failure)
        for module in re.findall(r"site-packages/([A-Za-z0-9_]+)", failure.text):
            owner = owners.get(module, canonicalize_name(module))
            if owner in changed:
                group.in_traceback.add(owner)
        if key in stems:
            for module in notebook_imports(stems[key]):
                owner = owners.get(module, canonicalize_name(module))
                if owner in changed:
                    group.imported.add(owner)
    return sorted(groups.values(), key=lambda g: g.name)


def _version_change(name: str, changed: Changes) -> str:
    before, after = changed[name]
    return f"`{name}` {before or '(not installed)'} → {after or '(not installed)'}"


def _table(rows: list[tuple[str, str | None, str | None]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    lines = ["| package | pinned | newest |", "|---|---|---|"]
    return lines + [f"| {name} | {before or '—'} | {after or '—'} |" for name, before, after in rows] + [""]


def render(
    changed: Changes,
    groups: list[Group],
    total: int,
    reports: list[Path],
    direct: set[str],
    title: str = "Canary: the suite against the newest releases",
) -> str:
    """The Markdown report; ``direct`` names the dependencies pyproject.toml lists."""
    failed = sum(len(g.failures) for g in groups)
    status = "FAILED" if failed or not reports else "passed"
    lines = [f"# {title}: {status}", ""]
    if not reports:
        lines += [
            "No test report was written: the suite did not get as far as running its tests. See the "
            "job's log for the step that failed (installing the newest releases, or building the archive).",
            "",
        ]
    differ = "1 package differs" if len(changed) == 1 else f"{len(changed)} packages differ"
    lines += [f"{total} test cases ran; {failed} failed. {differ} from the pins.", ""]
    rows = [(name, before, after) for name, (before, after) in changed.items()]
    if changed:
        lines += ["## Dependencies of pyproject.toml that differ from their pins", ""]
        lines += _table([row for row in rows if row[0] in direct])
        lines += ["## Other packages that differ (dependencies of dependencies)", ""]
        lines += _table([row for row in rows if row[0] not in direct])
    for group in groups:
        lines += [f"## Failing: {group.name}", ""]
        if group.in_traceback:
            lines += ["Changed packages whose code is in the traceback (most likely to blame):", ""]
            lines += [f"- {_version_change(n, changed)}" for n in sorted(group.in_traceback)] + [""]
        others = group.imported - group.in_traceback
        if others:
            lines += ["Changed packages the notebook imports:", ""]
            lines += [f"- {_version_change(n, changed)}" for n in sorted(others)] + [""]
        if not group.in_traceback and not others:
            lines += [
                "No changed package appears in the traceback or the notebook's imports; any of the "
                f"{len(changed)} changed packages listed above may be the cause.",
                "",
            ]
        lines += ["| failing test | report | message |", "|---|---|---|"]
        for failure in group.failures:
            message = " ".join(failure.message.split())[:200].replace("|", "\\|")
            lines.append(f"| `{failure.test}` | {failure.report} | {message} |")
        lines += [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    unpinned_cmd = commands.add_parser("unpinned", help="print pyproject's dependencies without versions")
    unpinned_cmd.add_argument("pyproject", type=Path)
    report_cmd = commands.add_parser("report", help="write the Markdown report of a canary run")
    report_cmd.add_argument("--pinned", type=Path, required=True, help="uv pip freeze of the pinned venv")
    report_cmd.add_argument("--latest", type=Path, required=True, help="uv pip freeze of the newest venv")
    report_cmd.add_argument("--junit", type=Path, nargs="*", default=[], help="JUnit XML reports of the run")
    report_cmd.add_argument("--site-packages", type=Path, help="the newest venv's site-packages")
    report_cmd.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    report_cmd.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"))
    report_cmd.add_argument("--output", type=Path, required=True)
    report_cmd.add_argument("--ignore", nargs="*", default=[], help="packages left out of the comparison")
    report_cmd.add_argument("--title", default="Canary: the suite against the newest releases")
    args = parser.parse_args(argv)

    if args.command == "unpinned":
        print("\n".join(unpinned(args.pyproject)))
        return 0
    ignored = {canonicalize_name(name) for name in args.ignore}
    pinned, latest = read_freeze(args.pinned), read_freeze(args.latest)
    pinned = {name: version for name, version in pinned.items() if name not in ignored}
    latest = {name: version for name, version in latest.items() if name not in ignored}
    changed = changed_packages(pinned, latest)
    reports = [path for path in args.junit if path.is_file()]
    failures, total = read_failures(reports)
    notebooks = sorted(args.notebooks.glob("[0-9][0-9]-*.ipynb"))
    groups = group_failures(failures, notebooks, changed, module_owners(args.site_packages))
    direct = {canonicalize_name(Requirement(line).name) for line in unpinned(args.pyproject)}
    text = render(changed, groups, total, reports, direct, args.title)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 1 if failures or not reports else 0


if __name__ == "__main__":
    sys.exit(main())
