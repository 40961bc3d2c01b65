"""helpers.bulk: every file measured or reported, in parallel as in serial, a bounded number at a time.

The measurements read the offline archive's full-frame images from its S3, so these tests need
the archive running (the ``archive`` marker).  Most use a local cluster of threads, which starts
in a fraction of a second; one uses worker processes, as the notebook does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed import get_client

from helpers.bulk import LOCAL_CLUSTER, SCHEDULER_ENV, BulkResult, connect, measure_files
from helpers.errors import NoProductsError, TutorialError
from helpers.ffi import AperturePhotometry
from offline_archive.sky import catalogue_ffi

pytestmark = pytest.mark.archive

FRAMES = catalogue_ffi.frames()
STAR = catalogue_ffi.FIELD_STAR
URIS = [f"s3://stpubdata/{f.s3_dir}/{f.filename}" for f in FRAMES]
MISSING = "s3://stpubdata/tess/public/ffi/s0001/2018/206/1-1/tess2018206000000-s0001-1-1-0120-s_ffic.fits"


@pytest.fixture(scope="module")
def client(archive_env):
    with connect(threads_per_worker=4) as c:  # the default local cluster, with fewer threads
        yield c


@pytest.fixture(scope="module")
def photometry(archive_env) -> AperturePhotometry:
    return AperturePhotometry.at(URIS[0], STAR.ra, STAR.dec)


# Measurements used by the tests: module-level functions, so that Dask can pickle them.


class FailsFirstTime:
    """Raises ConnectionError the first time it sees a URI (a transient failure), then measures."""

    def __init__(self, marks: Path, measure) -> None:
        self.marks, self.measure = marks, measure

    def __call__(self, uri: str):
        mark = self.marks / uri.rsplit("/", 1)[-1]
        if not mark.exists():
            mark.touch()
            raise ConnectionError(f"connection reset while reading {uri}")
        return self.measure(uri)


def always_drops(uri: str):
    raise ConnectionError("connection reset by peer")


def tasks_the_scheduler_holds(uri: str) -> dict:
    """Measures nothing: asks the scheduler how many tasks it holds while this one runs."""
    held = get_client().run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))
    return {"held": held}


# --------------------------------------------------------------------------------------------


def test_every_frame_is_measured_once_in_the_given_order(client, photometry) -> None:
    uris = URIS[::4]
    result = measure_files(uris, photometry, client=client, progress=False)
    assert isinstance(result, BulkResult)
    assert result.failures == [] and result.n_files == len(uris)
    table = result.table()
    assert list(table["uri"]) == uris
    assert list(table["file"]) == [u.rsplit("/", 1)[-1] for u in uris]
    assert result.check() is result


def test_the_parallel_result_equals_the_serial_one(client, photometry) -> None:
    uris = URIS[200:260]
    result = measure_files(uris, photometry, client=client, batch_size=3, progress=False)
    assert result.values == [photometry(uri) for uri in uris]


def test_missing_files_and_products_without_a_cloud_copy_are_reported(client, photometry) -> None:
    uris = [*URIS[:5], MISSING, None, *URIS[5:10]]
    result = measure_files(uris, photometry, client=client, batch_size=4, progress=False)
    assert result.uris == URIS[:10]
    assert [(f.uri, f.attempts) for f in result.failures] == [(MISSING, 1), (None, 0)]
    assert result.failures[0].reason.startswith("FileNotFoundError")
    with pytest.raises(TutorialError, match="2 of 12 files could not be measured"):
        result.check()


def test_a_transient_failure_is_retried(client, photometry, tmp_path) -> None:
    flaky = FailsFirstTime(tmp_path, photometry)
    result = measure_files(URIS[:12], flaky, client=client, batch_size=1, retries=1, progress=False)
    assert result.failures == []
    assert result.values == [photometry(uri) for uri in URIS[:12]]
    assert len(list(tmp_path.iterdir())) == 12, "every file failed once before it was measured"


def test_files_that_keep_failing_are_each_reported_with_their_attempts(client) -> None:
    result = measure_files(URIS[:6], always_drops, client=client, batch_size=3, retries=2, progress=False)
    assert result.uris == []
    assert [f.uri for f in result.failures] == URIS[:6], "a failed batch is split: each file is reported"
    assert all(
        f.attempts == 3 and f.reason == "ConnectionError: connection reset by peer" for f in result.failures
    )


def test_the_cluster_never_holds_more_than_the_bound(client) -> None:
    bound = 3
    result = measure_files(
        URIS[:90], tasks_the_scheduler_holds, client=client, batch_size=2, max_in_flight=bound, progress=False
    )
    held = [row["held"] for row in result.values]
    assert len(held) == 90 and result.peak_in_flight <= bound
    assert max(held) <= 2 * bound < 45, "45 tasks in all, never more than a handful at once"


def test_the_default_local_cluster_measures_in_threads(photometry) -> None:
    with connect() as own:
        assert own.cluster.processes is LOCAL_CLUSTER["processes"] is False
        assert sum(own.nthreads().values()) == LOCAL_CLUSTER["threads_per_worker"]
        result = measure_files(URIS[:40], photometry, client=own, progress=False)
    assert result.values == [photometry(uri) for uri in URIS[:40]]
    assert own.status == "closed"


def test_worker_processes_inherit_the_archive_environment(photometry) -> None:
    # Worker processes are started by the local cluster from this process's environment.
    with connect(processes=True, n_workers=1, threads_per_worker=2) as own:
        result = measure_files(URIS[:4], photometry, client=own, progress=False)
    assert result.values == [photometry(uri) for uri in URIS[:4]]


def test_the_scheduler_address_in_the_environment_is_used(monkeypatch, client) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, client.scheduler.address)
    with connect() as other:
        assert other.scheduler.address == client.scheduler.address
        assert other.nthreads() == client.nthreads()


def test_bad_input_is_refused(client, photometry) -> None:
    with pytest.raises(NoProductsError, match="no files to measure"):
        measure_files([], photometry, client=client)
    for option in ({"batch_size": 0}, {"max_in_flight": 0}, {"retries": -1}):
        with pytest.raises(ValueError, match="must be at least"):
            measure_files(URIS[:2], photometry, client=client, **option)
