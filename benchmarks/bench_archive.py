"""Foundation figures: archive build time and size, time to ready, each notebook's run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target}


def archive_build(cache: Path) -> list[dict]:
    """A cold build into an empty cache directory."""
    env = os.environ | {"OFFLINE_ARCHIVE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "offline_archive", "build", "--quiet"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (cache / "data").rglob("*") if p.is_file())
    return [
        _entry("archive_build_s", seconds, "s", "<= 60"),
        _entry("archive_data_mb", size / 1e6, "MB", "<= 500"),
    ]


def archive_ready(cache: Path) -> list[dict]:
    """From starting `serve` to its env file appearing (everything answering)."""
    env = os.environ | {"OFFLINE_ARCHIVE_DIR": str(cache)}
    env_file = cache / "ready.env"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "offline_archive", "serve", "--env-file", str(env_file)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        while not env_file.exists():
            if proc.poll() is not None:
                raise RuntimeError("serve exited before it was ready")
            time.sleep(0.02)
        seconds = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return [_entry("archive_ready_s", seconds, "s", "<= 10")]


def _sources(path: Path) -> list[str]:
    return [cell["source"] for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def recorded_times(build: Path, paths: list[Path]) -> dict[str, float] | None:
    """The notebooks' times from the executed set ``make test`` or ``make run`` wrote last in
    ``build``, when it holds every notebook with the cells it has now; otherwise None."""
    try:
        times = json.loads((build / "notebook_times.json").read_text())
        current = all(_sources(build / p.name) == _sources(p) and p.stem in times for p in paths)
    except (OSError, ValueError, KeyError):
        return None
    return {p.stem: times[p.stem] for p in paths} if current else None


def notebooks(cache: Path) -> list[dict]:
    """Each notebook's execution time: read from the gate's own execution of it (``make test`` or
    ``make run``, in ``$SUITE_BUILD_DIR``) when that is current, else executed here with the same runner."""
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    build = Path(os.environ.get("SUITE_BUILD_DIR", ROOT / "build"))
    times = recorded_times(build, paths)
    source = f"from {build.name}/"
    if times is None:
        env = os.environ | {"OFFLINE_ARCHIVE_DIR": str(cache)}
        out = cache / "executed"
        command = [sys.executable, "-m", "offline_archive", "exec", "--", sys.executable]
        command += [str(ROOT / "tools" / "run_notebooks.py"), "--purpose", "bench", "--output", str(out)]
        subprocess.run([*command, *map(str, paths)], env=env, check=True)
        times, source = json.loads((out / "notebook_times.json").read_text()), "executed here"
    return [
        _entry(f"notebook_{stem[:2]}_s", seconds, "s", f"<= 60 ({source})")
        for stem, seconds in sorted(times.items())
    ]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        cache = Path(tmp)
        return archive_build(cache) + archive_ready(cache) + notebooks(cache)
