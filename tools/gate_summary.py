"""The last line of ``make test``: how long the gate took and which notebooks it executed, how often.

Reads the execution log that every notebook execution of the gate appends to
(``notebook_execution.LOG_ENV``) and prints one line::

    gate: 287 s, 20 notebook executions (00: test 1, workshop 1, load 2; 01: test 1; ...)

Exits non-zero when a notebook was executed more than once for the tests: every check of a test
session reads the same execution (``pytest_notebooks.py``), so a second one means the session was
split where it must not be (for example pytest-xdist no longer grouping a notebook's items).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path


def read_log(path: Path) -> list[dict]:
    """The executions recorded in ``path`` (none when the file does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary_line(seconds: float, executions: list[dict]) -> str:
    """``gate: <seconds> s, <n> notebook executions (<per notebook: purpose count, ...>)``."""
    by_notebook: dict[str, Counter] = defaultdict(Counter)
    for execution in executions:
        name = execution["notebook"]
        number = re.search(r"(?:^|-)(\d\d)-", name)  # 02-..., or a copy such as upto-last-exercise-02-...
        by_notebook[number.group(1) if number else name][execution["purpose"]] += 1
    parts = []
    for name in sorted(by_notebook):
        counts = ", ".join(f"{purpose} {n}" for purpose, n in sorted(by_notebook[name].items()))
        parts.append(f"{name}: {counts}")
    return f"gate: {seconds:.0f} s, {len(executions)} notebook executions ({'; '.join(parts)})"


def repeated_test_executions(executions: list[dict]) -> dict[str, int]:
    """Notebooks the test session executed more than once, with how many times."""
    counts = Counter(e["notebook"] for e in executions if e["purpose"] == "test")
    return {name: n for name, n in sorted(counts.items()) if n > 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True, help="the gate's execution log")
    parser.add_argument("--start", type=float, required=True, help="when the gate started (Unix time)")
    args = parser.parse_args(argv)
    executions = read_log(args.log)
    print(summary_line(time.time() - args.start, executions))
    repeated = repeated_test_executions(executions)
    if repeated:
        listed = ", ".join(f"{name} {n} times" for name, n in repeated.items())
        print(
            f"The test session executed {listed}: its checks must share one execution per notebook "
            "(see tools/pytest_notebooks.py; is pytest-xdist still grouping with --dist loadgroup?).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
