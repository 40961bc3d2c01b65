"""Record and replay: the suite against the generated archive, recorded through it, replayed alone.

Three runs of every notebook (``tools/run_notebooks.py``), one after the other:

* ``exec``: against the generated archive;
* ``record``: the same, through the recorder, with the generated archive as its upstream
  (``--upstream-*``, the way the tests record), giving ``record_overhead_ratio`` = record / exec
  (target <= 1.3) and the cassette's size on disk, ``cassette_suite_mb`` (target <= 60);
* ``replay``: from that cassette alone, giving ``replay_wall_ratio`` = exec / replay (target >= 1.0:
  a replay is no slower than the generated archive).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = [sys.executable, "-m", "offline_archive"]


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 3), "unit": unit, "target": target}


def _timed(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - began


def run() -> list[dict]:
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    runner = [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--purpose", "bench"]
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        work = Path(tmp)
        env_file = work / "upstream.env"
        upstream = subprocess.Popen(
            [*ARCHIVE, "serve", "--env-file", str(env_file)], stdout=subprocess.DEVNULL
        )
        try:
            while not env_file.exists():
                if upstream.poll() is not None:
                    raise RuntimeError("the generated archive did not start")
                time.sleep(0.1)
            from offline_archive.serve import parse_export_lines

            env = parse_export_lines(env_file.read_text())
            generated = _timed([*ARCHIVE, "exec", "--", *runner, "--output", str(work / "exec"), *notebooks])
            cassette = work / "cassette"
            options = ["--upstream-proxy", env["HTTPS_PROXY"], "--upstream-ca", env["REQUESTS_CA_BUNDLE"]]
            options += ["--upstream-s3", env["AWS_ENDPOINT_URL_S3"]]
            recorded = _timed(
                [*ARCHIVE, "record", "--cassette", str(cassette), *options, "--", *runner, "--output",
                 str(work / "record"), *notebooks]
            )  # fmt: skip
        finally:
            upstream.terminate()
            upstream.wait(timeout=30)
        replayed = _timed(
            [
                *ARCHIVE,
                "exec",
                "--replay",
                str(cassette),
                "--",
                *runner,
                "--output",
                str(work / "replay"),
                *notebooks,
            ]
        )
        size = sum(p.stat().st_size for p in cassette.rglob("*") if p.is_file())
    return [
        _entry("replay_wall_ratio", generated / replayed, "x", ">= 1.0 (generated / replay)"),
        _entry("cassette_suite_mb", size / 1e6, "MB", "<= 60"),
        _entry("record_overhead_ratio", recorded / generated, "x", "<= 1.3 (record / exec)"),
        _entry(
            "suite_exec_s", generated, "s", f"report ({len(notebooks)} notebooks, {os.cpu_count()} cores)"
        ),
    ]
