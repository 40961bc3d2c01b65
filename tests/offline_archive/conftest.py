"""Fixtures for the archive's unit tests: a data store stand-in that needs no build."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_archive.build import storage_path
from offline_archive.sky import catalogue
from offline_archive.store import StoredFile


class FakeStore:
    """Every catalogue product 'stored' as a tiny file under tmp_path."""

    def __init__(self, root: Path) -> None:
        self._files = {}
        for obs, product in catalogue.all_products():
            bucket, key, rel = storage_path(obs, product)
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(product.filename.encode())
            self._files[obs.data_uri(product)] = StoredFile(
                obs.data_uri(product), path, path.stat().st_size, bucket, key
            )

    def get(self, uri: str) -> StoredFile | None:
        return self._files.get(uri)

    def cloud_objects(self):
        return (f for f in self._files.values() if f.key)


@pytest.fixture
def store(tmp_path: Path) -> FakeStore:
    return FakeStore(tmp_path)
