"""The scheduled canary workflow runs make test-latest weekly and make live-test nightly, loudly."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "canary.yml"


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _job_running(workflow: dict, target: str) -> dict:
    jobs = [
        job
        for job in workflow["jobs"].values()
        if any(f"make {target}" in s.get("run", "") for s in job["steps"])
    ]
    assert len(jobs) == 1, f"one job should run make {target}"
    return jobs[0]


def test_weekly_test_latest_and_nightly_live_test() -> None:
    workflow = _workflow()
    crons = [entry["cron"] for entry in workflow["on"]["schedule"]]
    # cron fields: minute hour day-of-month month day-of-week
    weekly = [c for c in crons if c.split()[2:4] == ["*", "*"] and c.split()[4] != "*"]
    nightly = [c for c in crons if c.split()[2:] == ["*", "*", "*"]]
    assert len(weekly) == 1 and len(nightly) == 1, crons
    assert weekly[0] in _job_running(workflow, "test-latest")["if"]
    assert nightly[0] in _job_running(workflow, "live-test")["if"]


def test_each_job_fails_loudly_and_publishes_its_report() -> None:
    workflow = _workflow()
    for target in ("test-latest", "live-test"):
        job = _job_running(workflow, target)
        run_step = next(s for s in job["steps"] if f"make {target}" in s.get("run", ""))
        assert "|| true" not in run_step["run"] and "continue-on-error" not in run_step
        later = job["steps"][job["steps"].index(run_step) + 1 :]
        assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") and s.get("if") == "always()" for s in later)
        uploads = [s for s in later if s.get("uses", "").startswith("actions/upload-artifact")]
        assert uploads and all(s.get("if") == "always()" for s in uploads)


def test_the_nightly_job_records_the_suite_and_reports_drift() -> None:
    job = _job_running(_workflow(), "live-test")
    steps = [s.get("run", "") for s in job["steps"]]
    record = next(i for i, run in enumerate(steps) if "make record" in run)
    drift = next(
        i for i, run in enumerate(steps) if "make --no-print-directory drift" in run or "make drift" in run
    )
    assert record < drift and "pipefail" in steps[drift] and "|| true" not in steps[drift]
    later = job["steps"][drift + 1 :]
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") and "drift" in s.get("run", "") for s in later)
    assert any(
        s.get("uses", "").startswith("actions/upload-artifact") and "cassette" in s["with"]["path"]
        for s in later
    )
