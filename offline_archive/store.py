"""The built data: its manifest and which file answers which data URI or S3 key.

The manifest says what was built and by which generator; :mod:`offline_archive.build` writes it,
everything else reads it here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .generate import GENERATOR_VERSION
from .paths import data_dir
from .sky import catalogue, catalogue_roman, targets


def build_version() -> str:
    """A digest of the generator version and the catalogues: data is rebuilt when they change."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for obs in catalogue.observations():
        digest.update(repr(obs).encode())
        digest.update(repr(obs.products).encode())
    digest.update(repr(catalogue_roman.objects()).encode())
    # The sky the photometry is drawn from (magnitudes, eclipses, flybys) changes files too.
    digest.update(repr((targets.TARGETS, targets.FLYBYS, targets.SECTORS)).encode())
    return f"{GENERATOR_VERSION}-{digest.hexdigest()[:16]}"


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


class DataNotBuiltError(RuntimeError):
    """The archive's data is missing or was built by another version of the generator."""


@dataclass(frozen=True)
class StoredFile:
    """A built file: its data URI (``mast:...`` or ``s3://...``), where it is and where it is served."""

    uri: str
    path: Path
    size: int
    bucket: str | None
    key: str | None


class DataStore:
    """The archive's files, looked up only through the manifest (never from a request's path).

    Parameters
    ----------
    root : pathlib.Path
        The archive's cache directory.
    """

    def __init__(self, root: Path) -> None:
        manifest = read_manifest(root)
        if manifest is None or not is_current(root):
            state = "missing" if manifest is None else "out of date"
            raise DataNotBuiltError(
                f"The offline archive's data in {data_dir(root)} is {state}. "
                "Build it first: python -m offline_archive build"
            )
        base = data_dir(root).resolve()
        self._files: dict[str, StoredFile] = {}
        for uri, entry in manifest["products"].items():
            path = (base / entry["path"]).resolve()
            if not path.is_relative_to(base):  # a manifest can only point inside the data directory
                continue
            self._files[uri] = StoredFile(
                uri, path, int(entry["size"]), entry.get("bucket"), entry.get("key")
            )
        # Objects of other buckets (the Roman simulations) are not MAST products: no data URI.
        self._objects: list[StoredFile] = []
        for uri, entry in manifest.get("objects", {}).items():
            path = (base / entry["path"]).resolve()
            if path.is_relative_to(base):
                self._objects.append(StoredFile(uri, path, int(entry["size"]), entry["bucket"], entry["key"]))

    def get(self, uri: str) -> StoredFile | None:
        """The stored file of a data URI (``mast:TESS/product/...``), or None."""
        return self._files.get(uri)

    def cloud_objects(self) -> Iterator[StoredFile]:
        """Every file that also lives in an S3 bucket: MAST's cloud copy, then the other buckets."""
        yield from (f for f in self._files.values() if f.bucket and f.key)
        yield from self._objects

    def __len__(self) -> int:
        return len(self._files)
