"""The archive's layout: few modules at the top, and imports that run one way, down the layers.

The layers and what each unit may import are declared in the package itself
(``offline_archive/__init__.py`` for the top-level modules, each subpackage's ``__init__`` for
itself); this test reads those declarations with :mod:`ast` (importing nothing) and checks every
import statement of the package against them, function-level imports included.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import offline_archive

PACKAGE = Path(offline_archive.__file__).parent
NAME = "offline_archive"


def _literal(path: Path, name: str) -> object:
    """The value of the module-level assignment ``name = <literal>`` in ``path``."""
    for node in ast.parse(path.read_text()).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            return ast.literal_eval(node.value)
    raise LookupError(f"{path} declares no {name}")


def declarations(package: Path) -> tuple[tuple[tuple[str, ...], ...], dict[str, tuple[str, ...]]]:
    """The layers (highest first) and what each unit (subpackage or top-level module) may import."""
    layers = _literal(package / "__init__.py", "LAYERS")
    may_import = dict(_literal(package / "__init__.py", "MAY_IMPORT"))
    for sub in sorted(p.parent for p in package.glob("*/__init__.py")):
        may_import[sub.name] = tuple(_literal(sub / "__init__.py", "MAY_IMPORT"))
    return layers, may_import


def unit_of(package: Path, path: Path) -> str:
    """The unit a module file belongs to: its subpackage, or its own name at the top."""
    rel = path.relative_to(package)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_units(package: Path, path: Path) -> list[tuple[int, str]]:
    """(line, unit) of every archive unit the module at ``path`` imports."""
    rel = path.relative_to(package).with_suffix("")
    here = [NAME, *rel.parts[:-1]]  # the package the module is in (for __init__, the package itself)
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (here[: len(here) - node.level + 1] if node.level else []) + (
                node.module.split(".") if node.module else []
            )
            # `from offline_archive import sky` names units; `from .sky import x` names a module of one.
            targets = [base + [alias.name] for alias in node.names] if base == [NAME] else [base]
        else:
            continue
        for target in targets:
            if len(target) >= 2 and target[0] == NAME:
                found.append((node.lineno, target[1]))
    return found


def violations(package: Path) -> list[str]:
    """Every import that goes up a layer, or sideways or down without being declared."""
    layers, may_import = declarations(package)
    rank = {unit: i for i, layer in enumerate(layers) for unit in layer}
    problems = []
    for path in sorted(package.rglob("*.py")):
        unit = unit_of(package, path)
        if unit == "__init__":
            continue
        if unit not in rank:
            problems.append(f"{path.relative_to(package)}: '{unit}' is in no layer of LAYERS")
            continue
        for line, target in imported_units(package, path):
            if target == unit or target == "__init__":
                continue
            where = f"{path.relative_to(package)}:{line}: {unit} imports {target}"
            if target in rank and rank[target] < rank[unit]:
                problems.append(f"{where}, which is a higher layer")
            elif target not in may_import.get(unit, ()):
                problems.append(f"{where}, which its MAY_IMPORT does not name")
    return problems


def test_the_top_level_holds_at_most_eight_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules


def test_every_unit_is_declared_in_one_layer() -> None:
    layers, may_import = declarations(PACKAGE)
    units = [unit for layer in layers for unit in layer]
    assert len(units) == len(set(units))
    present = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    present |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert set(units) == present == set(may_import)


def test_no_declaration_points_up_a_layer() -> None:
    layers, may_import = declarations(PACKAGE)
    rank = {unit: i for i, layer in enumerate(layers) for unit in layer}
    upward = [(unit, t) for unit, targets in may_import.items() for t in targets if rank[t] < rank[unit]]
    assert upward == []


def test_imports_follow_the_declared_direction() -> None:
    assert violations(PACKAGE) == []


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the package to break."""
    target = tmp_path / NAME
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "data"))
    return target


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


@pytest.mark.parametrize(
    ("module", "statement", "expected"),
    [
        # the definitions reaching up to the services that answer from them
        ("sky/targets.py", "from ..services import mast", "sky imports services, which is a higher layer"),
        # a function-level import counts too
        (
            "generate/tess.py",
            "def _late():\n    from offline_archive.serve import start",
            "generate imports serve, which is a higher layer",
        ),
        # the data layer reaching up to the entry point that writes it
        ("store.py", "from .build import storage_path", "store imports build, which is a higher layer"),
        # sideways without a declaration: the web server taking the portal's error shape
        (
            "network/webserver.py",
            "from ..services.mast import error_result",
            "network imports services, which its MAY_IMPORT does not name",
        ),
    ],
)
def test_an_import_against_the_direction_is_reported(copy, module, statement, expected) -> None:
    assert violations(copy) == []
    _append(copy / module, statement)
    found = violations(copy)
    assert len(found) == 1 and found[0].startswith(module) and found[0].endswith(expected), found
