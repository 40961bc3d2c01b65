"""Execute notebooks in order; write each executed notebook and its HTML rendering.

Used by ``make run`` (inside ``python -m offline_archive exec``, so the kernels talk to the
offline archive) and by the benchmarks.  Exits non-zero if any notebook fails; the others
still run, so one failure does not hide another.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

CELL_TIMEOUT_S = 600


def execute(path: Path, output: Path) -> tuple[float, str | None]:
    """Execute one notebook in its own directory; returns (seconds, error or None)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
    seconds = time.perf_counter() - start
    output.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, output / path.name)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (output / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
    return seconds, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, default=Path("build"))
    args = parser.parse_args(argv)
    times: dict[str, float] = {}
    failures: list[str] = []
    for path in args.notebooks:
        seconds, error = execute(path.resolve(), args.output)
        times[path.stem] = round(seconds, 2)
        status = "ok" if error is None else f"FAILED: {error}"
        print(f"{path.name:45s} {seconds:6.1f} s  {status}", flush=True)
        if error is not None:
            failures.append(path.name)
    (args.output / "notebook_times.json").write_text(json.dumps(times, indent=1))
    print(f"\nExecuted notebooks and their HTML are in {args.output.resolve()}/")
    if failures:
        print(f"{len(failures)} notebook(s) failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
