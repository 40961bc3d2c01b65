"""What the test network guard costs: CPU time to import the notebooks' stack with and without it.

The guard is an audit hook that every Python process of the test session runs for every audit
event; this compares the CPU seconds (user + system, less sensitive to a busy machine than wall
time) of importing lightkurve, astroquery and matplotlib in fresh interpreters, alternating runs.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = "import lightkurve, astroquery.mast, matplotlib.pyplot"
ROUNDS = 5


def _cpu_seconds(guarded: bool) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NETGUARD_LOG")}
    if guarded:
        env["PYTHONPATH"] = str(ROOT / "tools" / "netguard")
    check = f"import sys; assert ('netguard' in sys.modules) is {guarded}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", f"{IMPORTS}; {check}"], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run() -> list[dict]:
    plain, guarded = [], []
    for _ in range(ROUNDS):
        plain.append(_cpu_seconds(False))
        guarded.append(_cpu_seconds(True))
    best_plain, best_guarded = min(plain), min(guarded)
    return [
        {
            "name": "netguard_import_cpu_s",
            "value": round(best_guarded, 2),
            "unit": "s",
            "target": f"report (without the guard {best_plain:.2f} s)",
        },
        {
            "name": "netguard_import_cpu_ratio",
            "value": round(best_guarded / best_plain, 3),
            "unit": "x",
            "target": "close to 1",
        },
    ]
