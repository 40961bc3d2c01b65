"""The archive's env file: ``export`` lines written by ``serve``, read back by the tests and benchmarks."""

from __future__ import annotations

import subprocess

from offline_archive.serve import export_lines, parse_export_lines

ENV = {
    "HTTPS_PROXY": "http://127.0.0.1:41234",
    "ODD": "a value with spaces, 'quotes' and $dollars",
    "EMPTY": "",
}


def test_the_lines_read_back_to_the_same_variables() -> None:
    assert parse_export_lines(export_lines(ENV)) == ENV


def test_a_shell_reads_the_lines_as_they_are_parsed() -> None:
    script = export_lines(ENV) + 'printf "%s\\n" "$ODD" "$HTTPS_PROXY"'
    shell = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert shell.stdout.splitlines() == [ENV["ODD"], ENV["HTTPS_PROXY"]]


def test_other_lines_are_ignored() -> None:
    assert parse_export_lines("# a comment\n\nexport A=1\nunset B\nexport C\n") == {"A": "1"}
