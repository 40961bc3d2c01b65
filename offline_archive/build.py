"""``offline_archive build``: generate the archive's files, atomically and only when needed."""

from __future__ import annotations

import fcntl
import hashlib
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

from . import catalogue
from .certs import ensure_tls
from .generate import GENERATOR_VERSION, write_product
from .paths import astropy_config_dir, data_dir, tls_dir
from .sky import Observation, Product

#: The public bucket that holds MAST's cloud copy.
PUBLIC_BUCKET = "stpubdata"

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


def build_version() -> str:
    """A digest of the generator version and the catalogue: data is rebuilt when it changes."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for obs in catalogue.observations():
        digest.update(repr(obs).encode())
        digest.update(repr(obs.products).encode())
    return f"{GENERATOR_VERSION}-{digest.hexdigest()[:16]}"


def storage_path(obs: Observation, product: Product) -> tuple[str | None, str | None, str]:
    """Where a product lives: (bucket, key, path relative to the data directory).

    Products of missions with a cloud copy live under their real ``stpubdata`` key; the others
    are served only by the MAST download service.
    """
    if product.s3_dir:
        key = f"{product.s3_dir}/{product.filename}"
        return PUBLIC_BUCKET, key, f"{PUBLIC_BUCKET}/{key}"
    return None, None, f"mast/{obs.obs_collection.lower()}/{product.filename}"


def read_manifest(root: Path) -> dict | None:
    """The manifest of the built data, or None when there is none (or it is unreadable)."""
    try:
        return json.loads((data_dir(root) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def is_current(root: Path) -> bool:
    """True when the data in ``root`` was built by this generator from this catalogue."""
    manifest = read_manifest(root)
    return bool(manifest) and manifest.get("version") == build_version()


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


def _write_one(staging: Path, pair: tuple[Observation, Product]) -> tuple[str, dict]:
    """Write one product under the staging directory; returns its manifest entry."""
    obs, product = pair
    bucket, key, rel = storage_path(obs, product)
    path = staging / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    write_product(obs, product, path)
    return obs.data_uri(product), {"path": rel, "size": path.stat().st_size, "bucket": bucket, "key": key}


def _generate(staging: Path, progress: bool) -> dict:
    pairs = catalogue.all_products()
    products: dict[str, dict] = {}
    # Processes, not threads: the PDF reports are drawn with matplotlib, whose state is global.
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
        results = pool.map(_write_one, [staging] * len(pairs), pairs)
        for uri, entry in tqdm(
            results, total=len(pairs), desc="Building the offline archive", unit="file", disable=not progress
        ):
            products[uri] = entry
    return {"version": build_version(), "generator": GENERATOR_VERSION, "products": products}


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
    sizes = [entry["size"] for entry in manifest["products"].values()]
    return BuildResult(built, time.perf_counter() - start, len(sizes), sum(sizes), target)
