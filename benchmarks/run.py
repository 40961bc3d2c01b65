"""`make bench`: run every benchmark module, print a table, write build/bench.json.

Each module ``benchmarks/bench_*.py`` has a ``run()`` returning entries
``{"name", "value", "unit", "target"}``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("build/bench.json"))
    parser.add_argument("only", nargs="*", help="run only these modules (e.g. bench_archive)")
    args = parser.parse_args(argv)
    entries: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and path.stem not in args.only:
            continue
        print(f"running {path.stem} ...", flush=True)
        entries += _load(path).run()
    width = max((len(e["name"]) for e in entries), default=10)
    print(f"\n{'name':{width}s} {'value':>10s} {'unit':6s} target")
    for e in entries:
        print(f"{e['name']:{width}s} {e['value']:>10} {e['unit']:6s} {e['target']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(entries, indent=1) + "\n")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
