"""Measure many cloud files in parallel with Dask, a bounded number at a time.

:func:`measure_files` applies a measurement (any function of one URI, such as
:class:`helpers.ffi.AperturePhotometry`) to every URI of a list on a Dask cluster:

* **batches**: each task measures ``batch_size`` files one after the other, so that Dask's
  own cost per task (about a millisecond of CPU on the client, the scheduler and the worker)
  stays small next to the work of reading a file's headers;
* **streaming**: at most ``max_in_flight`` tasks are submitted at once; each finished task's
  results are collected and released from the cluster before the next task is submitted, so
  the cluster's memory does not grow with the number of files;
* **retries**: a task that raises is tried again (Dask's ``retries=``), which rides out
  transient failures such as a dropped connection; a batch that still fails is split into
  single files, each with its own retries, so one bad file cannot take its neighbours down.
  Errors that retrying cannot fix (a missing file, a position off the image) are recorded
  at once;
* **nothing silently dropped**: every URI ends up either in the measurements or in the
  failures of the returned :class:`BulkResult`, with the reason;
* a progress bar (tqdm) counts the files as they finish.

:func:`connect` decides where the work runs: the scheduler named by ``DASK_SCHEDULER_ADDRESS``
(or Dask's ``scheduler-address`` setting) when there is one, otherwise a local cluster sized
for a laptop (:data:`LOCAL_CLUSTER`).  An existing client, for example one from Dask Gateway on
a science platform, can be passed to :func:`measure_files` instead.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import dask
from astropy.table import Table
from distributed import Client, Future, as_completed
from tqdm import TqdmWarning

from .errors import NoProductsError, TutorialError

with warnings.catch_warnings():
    # Without ipywidgets, tqdm.auto warns once and falls back to a text bar: the fallback is fine.
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

__all__ = [
    "LOCAL_CLUSTER",
    "MAX_BATCH",
    "PERMANENT_ERRORS",
    "SCHEDULER_ENV",
    "BulkResult",
    "Failure",
    "connect",
    "measure_files",
]

#: The environment variable naming a running Dask scheduler (Dask reads it too).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: The local cluster started when no scheduler is configured: one worker of 8 threads in this
#: process.  Each file costs a few milliseconds of Python (reading FITS headers, the HTTP
#: client's bookkeeping) and otherwise waits for the network; waiting threads overlap, while
#: more threads than that only fight over Python's interpreter lock.  Worker processes would
#: spread the Python work over the cores, but each must start and import astropy and s3fs
#: before its first file: on a two-core laptop they finish a sector about as soon, with
#: nearly three times the memory (benchmarks/bench_bulk.py measures both: ``bulk_wall_ratio``
#: and ``bulk_peak_mem_mb`` for this cluster, ``bulk_processes_*`` for two processes of eight
#: threads).  On a machine with more
#: cores, ``connect(processes=True, n_workers=...)`` gives each core a worker.  Everything
#: listens on the loopback interface only (TCP rather than Dask's in-process transport, whose
#: addresses would make the dashboard link point at the machine's network address).
LOCAL_CLUSTER: dict[str, Any] = {
    "n_workers": 1,
    "threads_per_worker": 8,
    "processes": False,
    "protocol": "tcp://",
    "dashboard_address": "127.0.0.1:0",
    "worker_dashboard_address": "127.0.0.1:0",
}
#: Most files measured by one task.
MAX_BATCH = 16
#: Errors that trying again cannot fix: the file is recorded as failed without retrying.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, PermissionError, TutorialError)


@dataclass(frozen=True)
class Failure:
    """A file that could not be measured.

    Attributes
    ----------
    uri : str or None
        The file's URI (None when the list held no URI for it).
    reason : str
        The last error, as ``"ErrorType: message"``.
    attempts : int
        How many times the measurement was tried.
    """

    uri: str | None
    reason: str
    attempts: int


@dataclass
class BulkResult:
    """What :func:`measure_files` did.

    Attributes
    ----------
    uris : list of str
        The files measured, in the order they were given.
    values : list
        The measurement of each file of ``uris``.
    failures : list of Failure
        The files that failed for good, in the order they were given.
    batch_size : int
        Files measured by one task.
    peak_in_flight : int
        The largest number of tasks that were on the cluster at the same time.
    seconds : float
        Wall-clock time of the run.
    """

    uris: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    batch_size: int = 1
    peak_in_flight: int = 0
    seconds: float = 0.0

    @property
    def n_files(self) -> int:
        """Files given: measured plus failed."""
        return len(self.uris) + len(self.failures)

    def table(self) -> Table:
        """The measurements as a table, one row per file, with the file's ``uri`` first.

        Each measurement must be a dict of column values (as :class:`helpers.ffi.AperturePhotometry`
        returns); the rows keep the order in which the URIs were given.
        """
        if not self.values:
            return Table(names=["uri"], dtype=[str])
        table = Table(rows=self.values)
        table.add_column(self.uris, name="uri", index=0)
        return table

    def check(self) -> BulkResult:
        """Return the result if every file was measured; otherwise raise, naming the failures.

        Raises
        ------
        TutorialError
            If any file failed.
        """
        if self.failures:
            shown = "; ".join(f"{f.uri}: {f.reason}" for f in self.failures[:3])
            more = f" and {len(self.failures) - 3} more" if len(self.failures) > 3 else ""
            raise TutorialError(
                f"{len(self.failures)} of {self.n_files} files could not be measured: {shown}{more}.",
                "Look at result.failures: a missing file or a position off the image needs a different "
                "list of files; network errors usually pass if you run the measurement again on the "
                "failed URIs.",
            )
        return self

    def __str__(self) -> str:
        return (
            f"{len(self.uris)} of {self.n_files} files measured, {len(self.failures)} failed, "
            f"in {self.seconds:.1f} s ({self.batch_size} files per task, at most {self.peak_in_flight} tasks "
            f"at a time)"
        )


class _Outcome(NamedTuple):
    value: Any
    error: str | None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _attempt(
    measure: Callable[[str], Any], batch: list[str], permanent: tuple[type[BaseException], ...]
) -> list[_Outcome]:
    """Run on a worker: measure a batch of files; errors in ``permanent`` come back as values, others raise."""
    outcomes = []
    for uri in batch:
        try:
            outcomes.append(_Outcome(measure(uri), None))
        except permanent as error:
            outcomes.append(_Outcome(None, _describe(error)))
    return outcomes


def connect(address: str | None = None, **local_options: Any) -> Client:
    """A Dask client: to a running scheduler when one is configured, else to a new local cluster.

    Parameters
    ----------
    address : str, optional
        The scheduler's address (``tcp://host:8786``).  By default :data:`SCHEDULER_ENV`, then
        Dask's ``scheduler-address`` setting; when neither is set, a local cluster is started.
    **local_options
        Options of the local cluster, overriding :data:`LOCAL_CLUSTER` (for example
        ``processes=False``).

    Returns
    -------
    distributed.Client
        Close it when done (``client.close()`` or a ``with`` block); a local cluster started
        here is closed with it.
    """
    address = address or os.environ.get(SCHEDULER_ENV) or dask.config.get("scheduler-address", None)
    if address:
        return Client(address)
    return Client(**(LOCAL_CLUSTER | local_options))


def _threads(client: Client) -> int:
    return sum(client.nthreads().values()) or 8  # a cluster still scaling up may have no workers yet


def measure_files(
    uris: Iterable[str | None],
    measure: Callable[[str], Any],
    *,
    client: Client | None = None,
    batch_size: int | None = None,
    max_in_flight: int | None = None,
    retries: int = 2,
    permanent: tuple[type[BaseException], ...] = PERMANENT_ERRORS,
    progress: bool = True,
) -> BulkResult:
    """Apply ``measure`` to every URI on a Dask cluster, a bounded number of files at a time.

    Parameters
    ----------
    uris : iterable of str
        Cloud URIs, such as ``Observations.get_cloud_uris`` returns (a None among them, for a
        product with no cloud copy, is recorded as a failure).
    measure : callable
        A function of one URI returning the file's measurement; it must pickle (a function
        defined in a module, or an instance such as :class:`helpers.ffi.AperturePhotometry`).
    client : distributed.Client, optional
        The cluster to use; by default :func:`connect` makes one for this call and closes it after.
    batch_size : int, optional
        Files measured by one task (default: enough for about four tasks per worker thread,
        at most :data:`MAX_BATCH`).
    max_in_flight : int, optional
        Most tasks on the cluster at once (default: two per worker thread).  At most
        ``max_in_flight * batch_size`` results are ever held on the cluster.
    retries : int, optional
        How many more times a task is tried after an error not in ``permanent``.
    permanent : tuple of exception types, optional
        Errors recorded as failures at once, without retrying.
    progress : bool, optional
        Show a progress bar.

    Returns
    -------
    BulkResult
        The measurements and the failures; ``result.table()`` makes a table of the measurements.

    Raises
    ------
    NoProductsError
        If ``uris`` is empty.
    ValueError
        If ``batch_size``, ``max_in_flight`` or ``retries`` is out of range.
    """
    uris = list(uris)
    if not uris:
        raise NoProductsError("There are no files to measure: the list of URIs is empty.")
    for name, value, least in (
        ("batch_size", batch_size, 1),
        ("max_in_flight", max_in_flight, 1),
        ("retries", retries, 0),
    ):
        if value is not None and value < least:
            raise ValueError(f"{name} must be at least {least}, not {value}")
    if client is None:
        with connect() as own:
            return measure_files(
                uris,
                measure,
                client=own,
                batch_size=batch_size,
                max_in_flight=max_in_flight,
                retries=retries,
                permanent=permanent,
                progress=progress,
            )
    threads = _threads(client)
    size = batch_size or max(1, min(MAX_BATCH, len(uris) // (4 * threads)))
    run = _Run(uris, measure, client, size, max_in_flight or 2 * threads, retries, permanent)
    with tqdm(total=len(uris), desc="Measuring files", unit="file", disable=not progress) as bar:
        return run.execute(bar)


class _Run:
    """One call of :func:`measure_files`: the queue of batches, the tasks in flight, the results."""

    def __init__(
        self,
        uris: list[str | None],
        measure: Callable[[str], Any],
        client: Client,
        batch_size: int,
        limit: int,
        retries: int,
        permanent: tuple[type[BaseException], ...],
    ) -> None:
        self.uris, self.measure, self.client = uris, measure, client
        self.batch_size, self.limit, self.retries, self.permanent = batch_size, limit, retries, permanent
        self.values: dict[int, Any] = {}
        self.failures: dict[int, Failure] = {}
        self.pending: dict[str, list[int]] = {}  # task key -> indices of its files
        self.split: deque[list[int]] = deque()  # single files of batches that failed for good
        self.names = (f"measure-{uuid.uuid4().hex[:12]}-{n}" for n in itertools.count())

    def batches(self, bar: tqdm) -> Iterator[list[int]]:
        """The files to measure, in batches of indices; a missing URI is recorded as a failure here."""
        batch: list[int] = []
        for index, uri in enumerate(self.uris):
            if uri is None:
                self.failures[index] = Failure(None, "no cloud URI for this product", 0)
                bar.update()
                continue
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def submit(self, batch: list[int]) -> Future:
        files = [self.uris[i] for i in batch]
        future = self.client.submit(
            _attempt,
            self.measure,
            files,
            self.permanent,
            key=next(self.names),
            retries=self.retries,
            pure=False,
        )
        self.pending[future.key] = batch
        return future

    def execute(self, bar: tqdm) -> BulkResult:
        start = time.perf_counter()
        fresh = self.batches(bar)
        completed = as_completed()
        peak = 0
        while True:
            while len(self.pending) < self.limit:  # top up to the limit
                batch = self.split.popleft() if self.split else next(fresh, None)
                if batch is None:
                    break
                completed.add(self.submit(batch))
            peak = max(peak, len(self.pending))
            if not self.pending:
                break
            future = next(completed)
            batch = self.pending.pop(future.key)
            self.collect(future, batch, bar)
            future.release()  # the results are copied out: free them on the cluster
        order = sorted(self.values)
        return BulkResult(
            uris=[self.uris[i] for i in order],  # type: ignore[misc]
            values=[self.values[i] for i in order],
            failures=[self.failures[i] for i in sorted(self.failures)],
            batch_size=self.batch_size,
            peak_in_flight=peak,
            seconds=time.perf_counter() - start,
        )

    def collect(self, future: Future, batch: list[int], bar: tqdm) -> None:
        """File a finished task's results, or split its batch, or record its file as failed."""
        if future.status == "finished":
            for index, outcome in zip(batch, future.result(), strict=True):
                if outcome.error is None:
                    self.values[index] = outcome.value
                else:
                    self.failures[index] = Failure(self.uris[index], outcome.error, 1)
            bar.update(len(batch))
        elif len(batch) > 1:  # retried and failed: try its files one by one
            self.split.extend([index] for index in batch)
            return
        else:
            reason = _describe(future.exception()) if future.status == "error" else f"task {future.status}"
            self.failures[batch[0]] = Failure(self.uris[batch[0]], reason, self.retries + 1)
            bar.update()
        bar.set_postfix(failed=len(self.failures), refresh=False)
