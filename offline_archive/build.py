"""``offline_archive build``: generate the archive's files, atomically and only when needed."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from .generate import GENERATOR_VERSION, SLOW_KINDS, write_product
from .network.certs import ensure_tls
from .paths import astropy_config_dir, data_dir, tls_dir
from .sky import catalogue, catalogue_roman
from .sky.catalogue_roman import BucketObject
from .sky.targets import Observation, Product
from .store import build_version, is_current, read_manifest

#: The public bucket that holds MAST's cloud copy.
PUBLIC_BUCKET = "stpubdata"

#: astropy's configuration while the archive is used.  ``auto_download = False`` is what keeps
#: astropy from fetching its own tables (IERS Earth orientation, leap seconds) from hosts the
#: archive does not answer for; ``iers_degraded_accuracy = warn`` lets times beyond the tables it
#: ships work with a warning.  ``allow_internet = False`` stays for another reason: a download a
#: user asks astropy for (``fits.open(url)``, ``download_file(url)``, ``lightkurve.read(url)`` of a
#: MAST URL) could not work through the archive anyway, since astropy verifies TLS against certifi's
#: bundle, which cannot hold the archive's private authority; refused here, it fails with a
#: message that names the setting instead of a certificate error (tests/fidelity/test_clients.py).
ASTROPY_CFG = """\
# Written by offline_archive: keep astropy from reaching the internet while the archive is used.
[utils.data]
allow_internet = False

[utils.iers.iers]
auto_download = False
iers_degraded_accuracy = warn
"""


@dataclass(frozen=True)
class BuildResult:
    """What a build did: whether it generated anything, how long it took and how big the data is."""

    built: bool
    seconds: float
    files: int
    bytes: int
    path: Path


def storage_path(obs: Observation, product: Product) -> tuple[str | None, str | None, str]:
    """Where a product lives: (bucket, key, path relative to the data directory).

    Products of missions with a cloud copy live under their real ``stpubdata`` key; the others
    are served only by the MAST download service.
    """
    if product.s3_dir:
        key = f"{product.s3_dir}/{product.filename}"
        return PUBLIC_BUCKET, key, f"{PUBLIC_BUCKET}/{key}"
    return None, None, f"mast/{obs.obs_collection.lower()}/{product.filename}"


@contextmanager
def _lock(root: Path) -> Iterator[None]:
    """Serialise builds of one cache directory between processes."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_one(staging: Path, index: int) -> tuple[str, dict]:
    """Write product number ``index`` of the catalogue under the staging directory; returns its manifest entry.

    Workers get an index, not the product: an observation pickles with all its products (1,284
    for an FFI observation), which would cost more to send than most files cost to write.
    """
    obs, product = catalogue.all_products()[index]
    bucket, key, rel = storage_path(obs, product)
    path = staging / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    write_product(obs, product, path)
    return obs.data_uri(product), {"path": rel, "size": path.stat().st_size, "bucket": bucket, "key": key}


def write_object(obj: BucketObject, path: Path) -> None:
    """Write one bucket object (:func:`offline_archive.generate.roman.write_object`, imported on use)."""
    from .generate.roman import write_object as write

    write(obj, path)


def _write_objects(staging: Path, objects: tuple[BucketObject, ...]) -> dict[str, dict]:
    """Write the bucket objects that are not MAST products; returns their manifest entries by URI.

    One task for all of them, so that only one worker process imports roman_datamodels.
    """
    entries = {}
    for obj in objects:
        rel = f"{obj.bucket}/{obj.key}"
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_object(obj, path)
        entries[obj.uri] = {
            "path": rel,
            "size": path.stat().st_size,
            "bucket": obj.bucket,
            "key": obj.key,
        }
    return entries


def _generate(staging: Path, progress: bool) -> dict:
    pairs = catalogue.all_products()
    # Longest first: a slow file started last would leave one worker busy after the other is done.
    order = sorted(range(len(pairs)), key=lambda i: pairs[i][1].kind not in SLOW_KINDS)
    products: dict[str, dict] = {}
    # Processes, not threads: the PDF reports are drawn with matplotlib, whose state is global.
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
        objects = pool.submit(_write_objects, staging, catalogue_roman.objects())  # the longest task first
        results = pool.map(_write_one, [staging] * len(order), order, chunksize=8)
        for uri, entry in tqdm(
            results, total=len(order), desc="Building the offline archive", unit="file", disable=not progress
        ):
            products[uri] = entry
        bucket_objects = objects.result()
    return {
        "version": build_version(),
        "generator": GENERATOR_VERSION,
        "products": products,
        "objects": bucket_objects,
    }


def _write_astropy_config(root: Path) -> None:
    directory = astropy_config_dir(root)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "astropy.cfg").write_text(ASTROPY_CFG)


def build(root: Path, *, force: bool = False, progress: bool = True) -> BuildResult:
    """Generate the archive's data into ``root`` unless it is already current.

    The files are written to a staging directory that replaces the old data in one rename, so
    an interrupted build never leaves half-written files where complete ones are expected.

    Parameters
    ----------
    root : pathlib.Path
        The archive's cache directory.
    force : bool
        Rebuild even when the data is current.
    progress : bool
        Show a progress bar.

    Returns
    -------
    BuildResult
    """
    start = time.perf_counter()
    with _lock(root):
        ensure_tls(tls_dir(root))
        _write_astropy_config(root)
        target = data_dir(root)
        if force or not is_current(root):
            staging = root / f".data-staging-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            try:
                manifest = _generate(staging, progress)
                (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
                old = root / f".data-old-{os.getpid()}"
                if target.exists():
                    target.rename(old)
                staging.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            built = True
        else:
            built = False
    manifest = read_manifest(root) or {"products": {}}
    entries = list(manifest["products"].values()) + list(manifest.get("objects", {}).values())
    sizes = [entry["size"] for entry in entries]
    return BuildResult(built, time.perf_counter() - start, len(sizes), sum(sizes), target)
