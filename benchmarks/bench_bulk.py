"""Bulk access to a sector of FFIs: the source's download loop against the helpers' streaming Dask path.

The benchmark starts its own offline archive with 30 ms of latency on every request (as from a
laptop to AWS), then measures the same star in every calibrated FFI of tess-s0001-1-1 twice:

* **serial**, the source's way: download each file with boto3, then measure the local copy;
* **parallel**: :func:`helpers.bulk.measure_files` with :class:`helpers.ffi.AperturePhotometry`,
  reading the headers and a few rows of each file from S3, on the default local cluster
  (:data:`helpers.bulk.LOCAL_CLUSTER`, threads in this process), whose start-up is included.

Figures: the wall-time ratio, the ratio of bytes fetched (downloads against the bytes the
streaming reads fetched), the peak memory of the parallel run summed over its processes, and,
to justify the local cluster's choice of threads, the wall-time ratio and peak memory of the
same run on two worker processes of eight threads each.

The archive's FFIs are 64 x 64-pixel stand-ins, so their headers are a third of each file and
the bytes ratio is small.  ``bulk_bytes_ratio_full_size`` measures the same read on one FFI of
the real CCD's size (a stand-in's headers over a 2136 x 2078 image and its uncertainties),
served by moto on the loopback interface: the file's size over the bytes the measurement
fetched from it.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self
from unittest import mock

import boto3
import fsspec
import numpy as np
import psutil
import s3fs
from astropy.io import fits
from botocore import UNSIGNED
from botocore.config import Config
from moto.server import ThreadedMotoServer

from helpers.bulk import connect, measure_files
from helpers.ffi import AperturePhotometry, FfiLayout
from helpers.files import split_s3_uri
from offline_archive.serve import parse_export_lines
from offline_archive.sky import catalogue_ffi

LATENCY_MS = 30
READY_TIMEOUT_S = 120


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target}


@contextmanager
def archive_with_latency(latency_ms: float) -> Iterator[subprocess.Popen]:
    """An archive of its own (``serve --latency-ms``), its environment set in this process meanwhile."""
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        env_file = Path(tmp) / "archive.env"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "offline_archive",
                "serve",
                "--latency-ms",
                str(latency_ms),
                "--env-file",
                str(env_file),
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not env_file.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the offline archive did not start")
                time.sleep(0.05)
            with mock.patch.dict(os.environ, parse_export_lines(env_file.read_text())):
                yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)


class PeakMemory:
    """Samples the summed resident memory of this process and its children, except ``exclude``."""

    def __init__(self, exclude: int, interval: float = 0.05) -> None:
        self.exclude, self.interval = exclude, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _rss(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                if child.pid != self.exclude and self.exclude not in {p.pid for p in child.parents()}:
                    total += child.memory_info().rss
            except psutil.Error:  # a process that just ended
                continue
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def serial_download_loop(
    uris: list[str], measure: AperturePhotometry, directory: Path
) -> tuple[float, int, list]:
    """The source's loop: download each file (anonymously), then measure the local copy."""
    s3 = boto3.client("s3", config=Config(signature_version=UNSIGNED))
    fetched = 0
    values = []
    start = time.perf_counter()
    for uri in uris:
        bucket, key = split_s3_uri(uri)
        local = directory / key.rsplit("/", 1)[-1]
        s3.download_file(bucket, key, str(local))
        fetched += local.stat().st_size
        values.append(measure(str(local)))
    return time.perf_counter() - start, fetched, values


def parallel_run(uris: list[str], measure: AperturePhotometry, **cluster: object) -> tuple[float, int, list]:
    """The helpers' way, cluster start-up included."""
    start = time.perf_counter()
    with connect(**cluster) as client:
        result = measure_files(uris, measure, client=client, progress=False)
    seconds = time.perf_counter() - start
    if result.failures:
        raise RuntimeError(f"the parallel run failed on {len(result.failures)} files: {result.failures[:3]}")
    return seconds, sum(v["bytes_read"] for v in result.values), result.values


#: The real calibrated FFI's image: rows, columns.
FULL_SIZE = (2078, 2136)


def full_size_copy(uri: str) -> bytes:
    """The FFI at ``uri`` with its two images replaced by images of the real CCD's size."""
    with fits.open(io.BytesIO(fsspec.filesystem("s3", anon=True).cat(uri))) as hdul:
        rng = np.random.default_rng(5)
        for hdu in hdul[1:]:
            hdu.data = rng.normal(hdu.data.mean(), 1.0, FULL_SIZE).astype(np.float32)
        out = io.BytesIO()
        hdul.writeto(out)
    return out.getvalue()


@contextmanager
def s3_endpoint(url: str) -> Iterator[None]:
    """Point new S3 clients (and fsspec's S3 filesystems) at ``url`` meanwhile."""
    s3fs.S3FileSystem.clear_instance_cache()  # cached filesystems keep the endpoint they were made with
    try:
        with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL_S3": url}):
            yield
    finally:
        s3fs.S3FileSystem.clear_instance_cache()


def full_size_bytes_ratio(stand_in: str, measure: AperturePhotometry) -> tuple[int, int]:
    """The size of a full-size FFI, and the bytes ``measure``'s read fetches from it (served by moto)."""
    body = full_size_copy(stand_in)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    requests_log = logging.getLogger("werkzeug")  # moto's server logs every request there
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    server.start()
    try:
        host, port = server.get_host_and_port()
        with s3_endpoint(f"http://{host}:{port}"):
            s3 = boto3.client("s3", config=Config(signature_version=UNSIGNED))
            s3.create_bucket(Bucket="full-size", ACL="public-read")
            s3.put_object(Bucket="full-size", Key="ffic.fits", Body=body, ACL="public-read")
            uri = "s3://full-size/ffic.fits"
            layout = FfiLayout.read(uri)
            fetched = AperturePhotometry(measure.x, measure.y, layout=layout)(uri)["bytes_read"]
    finally:
        server.stop()
        requests_log.setLevel(level)
    return len(body), fetched


def run() -> list[dict]:
    frames = catalogue_ffi.frames()
    uris = [f"s3://stpubdata/{f.s3_dir}/{f.filename}" for f in frames]
    star = catalogue_ffi.FIELD_STAR
    with archive_with_latency(LATENCY_MS) as archive, tempfile.TemporaryDirectory(prefix="bench-dl-") as tmp:
        measure = AperturePhotometry.at(uris[0], star.ra, star.dec)
        serial_s, serial_bytes, serial_values = serial_download_loop(uris, measure, Path(tmp))
        with PeakMemory(exclude=archive.pid) as memory:
            parallel_s, parallel_bytes, parallel_values = parallel_run(uris, measure)
        with PeakMemory(exclude=archive.pid) as processes_memory:
            processes_s, _, _ = parallel_run(uris, measure, processes=True, n_workers=2, threads_per_worker=8)
        full_size, full_size_fetched = full_size_bytes_ratio(uris[0], measure)
    same = [
        (a["time"], a["flux"], a["background"]) == (b["time"], b["flux"], b["background"])
        for a, b in zip(serial_values, parallel_values, strict=True)
    ]
    if not all(same):
        raise RuntimeError("the serial and parallel measurements differ")
    print(
        f"serial {serial_s:.1f} s, {serial_bytes / 1e6:.1f} MB; parallel (threads) {parallel_s:.1f} s, "
        f"{parallel_bytes / 1e6:.1f} MB; parallel (2 processes) {processes_s:.1f} s; "
        f"a full-size FFI: {full_size_fetched:,} of {full_size:,} bytes read",
        flush=True,
    )
    return [
        _entry("bulk_files", len(uris), "files", f"= {len(uris)}"),
        _entry("bulk_wall_ratio", serial_s / parallel_s, "x", ">= 4"),
        _entry("bulk_bytes_ratio", serial_bytes / parallel_bytes, "x", ">= 20"),
        _entry("bulk_peak_mem_mb", memory.peak / 2**20, "MB", "<= 1024"),
        _entry("bulk_serial_s", serial_s, "s", "-"),
        _entry("bulk_parallel_s", parallel_s, "s", "-"),
        _entry(
            "bulk_processes_wall_ratio",
            serial_s / processes_s,
            "x",
            "2 worker processes; cf. bulk_wall_ratio",
        ),
        _entry("bulk_processes_peak_mem_mb", processes_memory.peak / 2**20, "MB", "cf. bulk_peak_mem_mb"),
        _entry(
            "bulk_bytes_ratio_full_size",
            full_size / full_size_fetched,
            "x",
            "the same read on one FFI of the real size; cf. bulk_bytes_ratio",
        ),
    ]
