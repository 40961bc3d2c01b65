"""Load: four learners running every notebook at once against one archive (tools/load_test.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 4


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target}


def run() -> list[dict]:
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        figures_file = Path(tmp) / "load.json"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "load_test.py"),
                "--workers",
                str(WORKERS),
                "--output",
                str(Path(tmp) / "runs"),
                "--json",
                str(figures_file),
                *notebooks,
            ],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        figures = json.loads(figures_file.read_text())
    return [
        _entry("load_rps", figures["rps"], "req/s", f"{WORKERS} learners at once (report)"),
        _entry("load_slowest_ms", figures["slowest_ms"], "ms", f"report ({figures['slowest']})"),
        _entry("load_p95_ms", figures["p95_ms"], "ms", "report"),
        _entry("load_failures", figures["failures"] + figures["server_errors"], "runs", "0"),
        _entry("load_seconds", figures["seconds"], "s", f"{figures['runs']} notebook runs"),
    ]
