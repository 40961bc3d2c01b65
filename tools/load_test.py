"""A workshop room on one server: several learners run every notebook at once against one archive.

Starts the offline archive (with its request log), then ``--workers`` processes that each execute
every notebook in order (``tools/run_notebooks.py``), all at the same time, each with its own
kernels.  Reports what a workshop organiser wants to know::

    python tools/load_test.py --workers 4 --json build/load.json notebooks/[0-9][0-9]-*.ipynb

* ``failures``: notebook runs that did not complete without an error (should be 0);
* ``rps``: requests the archive answered (web services and S3) per second over the whole run;
* ``slowest_ms`` and ``slowest``: the slowest request and what it was; ``p95_ms``;
* ``server_errors``: 5xx answers; ``secrets``: credential-like strings in the executed notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from offline_archive.paths import archive_root
from offline_archive.serve import running_archive
from offline_archive.traffic.requestlog import read_log, summarise

RUNNER = ROOT / "tools" / "run_notebooks.py"


def _completed(executed: Path) -> bool:
    """Whether an executed notebook exists and none of its cells ended in an error."""
    if not executed.exists():
        return False
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return not any(
        out.get("output_type") == "error" for cell in nb["cells"] for out in cell.get("outputs", [])
    )


def run_load(notebooks: list[Path], workers: int, output: Path) -> dict:
    """Run ``workers`` copies of the whole suite at once against one archive; returns the figures.

    Parameters
    ----------
    notebooks : list of pathlib.Path
        The notebooks each worker executes, in order.
    workers : int
        How many learners run the suite at the same time.
    output : pathlib.Path
        Where the executed notebooks go (``worker-N/``) with the request log.

    Returns
    -------
    dict
        The figures listed in the module docstring, plus ``workers``, ``notebooks``, ``runs``,
        ``seconds`` and the executed notebooks' paths (``executed``).
    """
    output.mkdir(parents=True, exist_ok=True)
    log = output / "requests.jsonl"
    log.unlink(missing_ok=True)
    with running_archive(archive_root(), request_log=log) as archive:
        # A learner's kernel: bokeh's own default resources (make test's BOKEH_RESOURCES=inline is
        # for the executed copies the site is built from), so no copy carries BokehJS itself.
        learner = {name: value for name, value in os.environ.items() if name != "BOKEH_RESOURCES"}
        env = learner | archive.env
        began, began_at = time.perf_counter(), time.time()  # the archive's own loading is not counted
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(RUNNER),
                    "--purpose",
                    "load",
                    "--output",
                    str(output / f"worker-{n}"),
                    *map(str, notebooks),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in range(workers)
        ]
        transcripts = [p.communicate()[0] for p in processes]
        seconds = time.perf_counter() - began
    executed = [output / f"worker-{n}" / nb.name for n in range(workers) for nb in notebooks]
    failed = [str(path.relative_to(output)) for path in executed if not _completed(path)]
    figures = summarise(read_log(log, since=began_at), seconds)
    figures |= {
        "workers": workers,
        "notebooks": len(notebooks),
        "runs": len(executed),
        "failures": len(failed),
        "failed": failed,
        "seconds": round(seconds, 1),
        "executed": [str(p) for p in executed if p.exists()],
        "exit_codes": [p.returncode for p in processes],
        "transcripts": transcripts,
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--workers", type=int, default=4, help="learners running the suite at once (default 4)"
    )
    parser.add_argument(
        "--output", type=Path, help="where executed notebooks go (default: a temporary directory)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="load-test-") as tmp:
        output = args.output or Path(tmp)
        figures = run_load([p.resolve() for p in args.notebooks], args.workers, output)
        from scan_secrets import scan_files  # tools/ is on sys.path when run as a script

        figures["secrets"] = len(scan_files([Path(p) for p in figures["executed"]]))
    for transcript in figures.pop("transcripts"):
        print(transcript, end="")
    shown = {k: v for k, v in figures.items() if k not in ("executed", "statuses", "failed")}
    print(json.dumps(shown, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({k: v for k, v in figures.items() if k != "executed"}, indent=1))
    return 0 if figures["failures"] == 0 and figures["server_errors"] == 0 and figures["secrets"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
