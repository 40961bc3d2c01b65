"""Executing a tutorial notebook once, then asking its kernel what it computed.

Assumption: these tests run with the offline archive up and its environment variables (HTTPS
proxy, CA bundle, S3 endpoint) already set in this process.  The repository's top-level
``conftest.py`` arranges that for every test under ``tests/notebooks`` before any test starts;
the notebook's kernel inherits the environment, so the notebook itself needs no configuration.

Each test module executes its notebook once, in a module-scoped fixture that calls
:func:`run_notebook` (handed out by the ``run_notebook`` fixture, so test modules need not import
this file), and its tests then read variables out of the still-running kernel with
:meth:`ExecutedNotebook.evaluate` or inspect the stored outputs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat import NotebookNode

#: Longest time one cell may take before the run is abandoned (seconds).
CELL_TIMEOUT_S = 300
_MARK = "@@notebook-value@@"


class ExecutedNotebook:
    """A notebook whose cells have all run, with its kernel kept alive for questions.

    Parameters
    ----------
    client : nbclient.NotebookClient
        The client that executed the notebook; its kernel must still be running.
    seconds : float
        Wall-clock time the execution of all cells took.
    """

    def __init__(self, client: NotebookClient, seconds: float) -> None:
        self.client = client
        self.seconds = seconds

    @property
    def nb(self) -> NotebookNode:
        """The executed notebook, with outputs."""
        return self.client.nb

    def evaluate(self, expression: str) -> Any:
        """Evaluate a Python expression in the notebook's kernel and return its value.

        The value travels as JSON (``default=str`` turns anything else into text), so numbers,
        strings, lists and dicts come back as themselves.

        Parameters
        ----------
        expression : str
            For example ``"len(lc)"`` or ``"list(sector27['obs_id'])"``.

        Returns
        -------
        Any
            The decoded value.

        Raises
        ------
        nbclient.exceptions.CellExecutionError
            If the expression raises in the kernel.
        """
        source = f"import json as _json\nprint({_MARK!r} + _json.dumps({expression}, default=str))"
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        try:
            executed = self.client.execute_cell(cell, len(self.nb.cells) - 1)
        finally:
            self.nb.cells.pop()
        for output in executed.outputs:
            if output.get("name") == "stdout" and _MARK in output.get("text", ""):
                return json.loads(output["text"].split(_MARK, 1)[1])
        raise AssertionError(f"The kernel printed no value for {expression!r}: {executed.outputs}")

    def outputs_text(self, stream: str | None = None) -> str:
        """All text the notebook's cells produced, joined by newlines.

        Parameters
        ----------
        stream : str, optional
            ``"stdout"`` or ``"stderr"`` for one stream only; by default streams, results and
            error tracebacks all count.

        Returns
        -------
        str
        """
        parts = []
        for cell in self.nb.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    if stream is None or output.name == stream:
                        parts.append(output.text)
                elif stream is None and output.output_type in ("execute_result", "display_data"):
                    parts.append(output.get("data", {}).get("text/plain", ""))
        return "\n".join(parts)

    def stderr_by_cell(self) -> dict[int, str]:
        """Text each code cell wrote to stderr (warnings, logged messages), by cell index."""
        found = {}
        for index, cell in enumerate(self.nb.cells):
            text = "".join(
                output.text
                for output in cell.get("outputs", [])
                if output.output_type == "stream" and output.name == "stderr"
            )
            if text:
                found[index] = text
        return found

    def shutdown(self) -> None:
        """Stop the kernel."""
        _stop_kernel(self.client)


def _stop_kernel(client: NotebookClient) -> None:
    """Close the client's channels and shut its kernel down (nbclient's public objects only)."""
    if client.kc is not None:
        client.kc.stop_channels()
    if client.km is not None and client.km.has_kernel:
        run_sync(client.km.shutdown_kernel)(now=True)  # nbclient's manager is asynchronous


def execute_notebook(path: Path, timeout: int = CELL_TIMEOUT_S) -> ExecutedNotebook:
    """Execute every cell of a notebook in a fresh kernel started in the notebook's folder.

    Parameters
    ----------
    path : pathlib.Path
        The ``.ipynb`` file.  It is read, never written.
    timeout : int, optional
        Longest time one cell may take, in seconds.

    Returns
    -------
    ExecutedNotebook
        The executed notebook, with its kernel still running; call ``shutdown()`` when done.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the kernel is shut down first.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute(cleanup_kc=False)
    except BaseException:
        _stop_kernel(client)
        raise
    return ExecutedNotebook(client, time.perf_counter() - start)


@pytest.fixture(scope="session")
def run_notebook():
    """The function that executes a notebook: :func:`execute_notebook`."""
    return execute_notebook
