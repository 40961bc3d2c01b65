"""Executing a notebook once: its outputs, the cell that failed, its kernel kept for questions.

One engine for every execution of the suite's notebooks: ``make run`` (``run_notebooks.py``), the
test session (``pytest_notebooks.py``: cell verdicts and science tests from the same execution),
the load test and the benchmarks.  Every execution appends one line to the file named by
``$NOTEBOOK_EXECUTION_LOG``, when it is set, so that ``make test`` can say how many kernels it
started for which notebooks (``gate_summary.py``).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat import NotebookNode

#: Longest time one cell may take before the run is abandoned (seconds).
CELL_TIMEOUT_S = 600
#: File that receives one JSON line per execution (notebook, purpose, seconds, process).
LOG_ENV = "NOTEBOOK_EXECUTION_LOG"
#: Where the executed notebooks' timings are kept, beside the executed copies.
TIMES_FILE = "notebook_times.json"
_MARK = "@@notebook-value@@"
_FAILURES = (CellExecutionError, CellTimeoutError, DeadKernelError)


class ExecutedNotebook:
    """A notebook whose cells have run, with its kernel kept alive for questions until shut down.

    Parameters
    ----------
    path : pathlib.Path
        The notebook that was executed.
    client : nbclient.NotebookClient
        The client that executed it; its kernel is still running unless :meth:`shutdown` was called.
    seconds : float
        Wall-clock time of the execution of all cells.
    error : str or None
        The full text of the error that stopped the execution, or None when every cell ran.
    """

    def __init__(self, path: Path, client: NotebookClient, seconds: float, error: str | None) -> None:
        self.path = path
        self.client = client
        self.seconds = seconds
        self.error = error

    @property
    def nb(self) -> NotebookNode:
        """The executed notebook, with outputs."""
        return self.client.nb

    @property
    def alive(self) -> bool:
        """Whether the kernel still runs (and :meth:`evaluate` can be asked)."""
        return self.client.km is not None and self.client.km.has_kernel

    def failed_cell(self) -> int | None:
        """Index of the cell that stopped the execution, or None when every cell ran."""
        if self.error is None:
            return None
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and any(o.output_type == "error" for o in cell.get("outputs", [])):
                if "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                    return index
        # a timeout or a dead kernel leaves no error output: the first code cell that did not finish
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and cell.source.strip() and not cell.get("execution_count"):
                return index
        return None

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
        RuntimeError
            If the kernel was shut down already.
        nbclient.exceptions.CellExecutionError
            If the expression raises in the kernel.
        """
        if not self.alive:
            raise RuntimeError(f"The kernel of {self.path.name} was shut down; nothing can be asked of it.")
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
        """Stop the kernel (nothing happens when it is stopped already)."""
        _stop_kernel(self.client)


def _stop_kernel(client: NotebookClient) -> None:
    """Close the client's channels and shut its kernel down (nbclient's public objects only)."""
    if client.kc is not None:
        client.kc.stop_channels()
        client.kc = None
    if client.km is not None and client.km.has_kernel:
        run_sync(client.km.shutdown_kernel)(now=True)  # nbclient's manager is asynchronous


def _kernel_manager() -> AsyncKernelManager:
    """A manager whose kernel talks over Unix sockets (ZeroMQ's ``ipc`` transport), not TCP.

    With TCP, jupyter_client picks five free ports and lets them go before the kernel binds them; a
    server starting meanwhile (the archive's, a recorder's) can take one, and the kernel dies with
    "Address already in use".  Socket files named after this execution cannot be taken.
    """
    # A short path: a Unix socket's name has room for about 100 bytes (the files go at shutdown).
    prefix = Path(tempfile.gettempdir()) / f"nbexec-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(prefix))


def log_execution(path: Path, purpose: str, seconds: float) -> None:
    """Append one line about an execution to ``$NOTEBOOK_EXECUTION_LOG`` (when it is set)."""
    log = os.environ.get(LOG_ENV)
    if not log:
        return
    line = json.dumps(
        {"notebook": path.name, "purpose": purpose, "seconds": round(seconds, 2), "pid": os.getpid()}
    )
    with open(log, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")


def execute(
    path: Path,
    *,
    keep_kernel: bool = False,
    purpose: str = "run",
    timeout: int = CELL_TIMEOUT_S,
    env: dict[str, str] | None = None,
) -> ExecutedNotebook:
    """Execute every cell of a notebook, in order, in a fresh kernel started in the notebook's folder.

    The execution stops at the first cell that raises (cells tagged ``raises-exception`` may);
    the error is kept on the result, not raised, so that the outputs up to it can be written and
    reported.

    Parameters
    ----------
    path : pathlib.Path
        The ``.ipynb`` file.  It is read, never written.
    keep_kernel : bool
        Keep the kernel running for :meth:`ExecutedNotebook.evaluate`; call ``shutdown()`` when done.
        When the execution fails, the kernel is stopped whatever this says.
    purpose : str
        What the execution is for, in the execution log (``test``, ``run``, ``workshop``, ``load``).
    timeout : int
        Longest time one cell may take, in seconds.
    env : dict of str to str, optional
        The kernel's whole environment; by default this process's.

    Returns
    -------
    ExecutedNotebook
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(),
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute(cleanup_kc=not keep_kernel, **({"env": env} if env is not None else {}))
    except _FAILURES as exc:
        error = str(exc).strip() or repr(exc)
    except BaseException:
        _stop_kernel(client)
        raise
    seconds = time.perf_counter() - start
    log_execution(path, purpose, seconds)
    executed = ExecutedNotebook(path, client, seconds, error)
    if error is not None:
        executed.shutdown()
    return executed


def write_executed(executed: ExecutedNotebook, output: Path) -> Path:
    """Write the executed notebook, its HTML rendering and its time into ``output``.

    The times of every notebook written there are kept in ``output/notebook_times.json``, by
    notebook stem (seconds).

    Parameters
    ----------
    executed : ExecutedNotebook
    output : pathlib.Path
        Created when missing.

    Returns
    -------
    pathlib.Path
        The executed copy.
    """
    output.mkdir(parents=True, exist_ok=True)
    target = output / executed.path.name
    _write_atomically(target, nbformat.writes(executed.nb))
    html, _ = HTMLExporter().from_notebook_node(executed.nb)
    _write_atomically(target.with_suffix(".html"), html)
    with open(output / ".times.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        times_path = output / TIMES_FILE
        try:
            times = json.loads(times_path.read_text())
        except (OSError, ValueError):
            times = {}
        times[executed.path.stem] = round(executed.seconds, 2)
        _write_atomically(times_path, json.dumps(dict(sorted(times.items())), indent=1))
    return target


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
