"""Execute notebooks in order; write each executed notebook, its HTML rendering and its time.

Used by ``make run`` (inside ``python -m offline_archive exec``, so the kernels talk to the
offline archive) and by the benchmarks.  Exits non-zero if any notebook fails; the others
still run, so one failure does not hide another.  ``--junit`` also writes a JUnit XML report,
one test case per notebook, which ``make test-latest`` reads with the test suite's reports.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from notebook_execution import execute, write_executed


def write_junit(path: Path, results: dict[str, tuple[float, str | None]]) -> None:
    """A JUnit XML report of the run: one test case per notebook, failed ones with their traceback."""
    failures = sum(error is not None for _, error in results.values())
    suite = ET.Element("testsuite", name="run_notebooks", tests=str(len(results)), failures=str(failures))
    for name, (seconds, error) in results.items():
        case = ET.SubElement(suite, "testcase", classname="run_notebooks", name=name, time=f"{seconds:.2f}")
        if error is not None:
            ET.SubElement(case, "failure", message=error.splitlines()[-1]).text = error
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="unicode")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, default=Path("build"))
    parser.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    parser.add_argument("--purpose", default="run", help="what the executions are for, in the execution log")
    args = parser.parse_args(argv)
    results: dict[str, tuple[float, str | None]] = {}
    failures: list[str] = []
    for path in args.notebooks:
        executed = execute(path.resolve(), purpose=args.purpose)
        write_executed(executed, args.output)
        seconds, error = executed.seconds, executed.error
        results[path.name] = (seconds, error)
        status = "ok" if error is None else f"FAILED: {error.splitlines()[-1]}"
        print(f"{path.name:45s} {seconds:6.1f} s  {status}", flush=True)
        if error is not None:
            failures.append(path.name)
    if args.junit:
        write_junit(args.junit, results)
    print(f"\nExecuted notebooks and their HTML are in {args.output.resolve()}/")
    if failures:
        print(f"{len(failures)} notebook(s) failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
