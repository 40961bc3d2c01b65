"""Read access to the built data: which file answers which data URI or S3 key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .build import is_current, read_manifest
from .paths import data_dir


class DataNotBuiltError(RuntimeError):
    """The archive's data is missing or was built by another version of the generator."""


@dataclass(frozen=True)
class StoredFile:
    """A built file: its data URI (``mast:...`` or ``s3://...``), where it is and where it is served.

    ``public`` objects are readable anonymously; the others only by signed requests.
    """

    uri: str
    path: Path
    size: int
    bucket: str | None
    key: str | None
    public: bool = True


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
                self._objects.append(
                    StoredFile(
                        uri,
                        path,
                        int(entry["size"]),
                        entry["bucket"],
                        entry["key"],
                        bool(entry.get("public", True)),
                    )
                )

    def get(self, uri: str) -> StoredFile | None:
        """The stored file of a data URI (``mast:TESS/product/...``), or None."""
        return self._files.get(uri)

    def cloud_objects(self) -> Iterator[StoredFile]:
        """Every file that also lives in an S3 bucket: MAST's cloud copy, then the other buckets."""
        yield from (f for f in self._files.values() if f.bucket and f.key)
        yield from self._objects

    def __len__(self) -> int:
        return len(self._files)
