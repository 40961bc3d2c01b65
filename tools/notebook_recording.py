"""A notebook's test execution recorded as it runs: the baseline of the replay round trip.

The test session's archive answers every notebook from the generated data.  When a notebook's
execution is to be replayed later (``tests/offline_archive/replay/test_round_trip.py``), its kernel
talks to a recorder instead: ``offline_archive.serve.start(record=...)``, the same recorder as
``make record``, whose upstream is the session's archive.  So one execution is both the test of
the notebook against the generated archive and the recording the replay runs from.
"""

from __future__ import annotations

import os
from pathlib import Path

from offline_archive.paths import archive_root
from offline_archive.replay.cassette import Cassette
from offline_archive.replay.recorder import Upstream
from offline_archive.serve import RunningArchive, start


class Recording:
    """A recorder in front of this session's archive, keeping every exchange in one cassette.

    Parameters
    ----------
    cassette : pathlib.Path
        The cassette's folder (created; it must not hold a cassette already).
    upstream_env : dict of str to str
        The environment that points clients at the session's archive (its ``HTTPS_PROXY``,
        ``REQUESTS_CA_BUNDLE`` and ``AWS_ENDPOINT_URL_S3``).

    Raises
    ------
    KeyError
        When ``upstream_env`` does not name the session's archive (no archive is running).
    """

    def __init__(self, cassette: Path, upstream_env: dict[str, str]) -> None:
        upstream = Upstream.of_archive(upstream_env)
        self.path = cassette
        self._cassette = Cassette.create(cassette, upstream.describe())
        try:
            self._archive: RunningArchive | None = start(archive_root(), record=(self._cassette, upstream))
        except BaseException:
            self._cassette.abandon()
            raise

    def kernel_env(self) -> dict[str, str]:
        """The environment for a kernel whose requests are to be recorded."""
        if self._archive is None:
            raise RuntimeError(f"The recording into {self.path} is closed; nothing more can be recorded.")
        return dict(os.environ) | self._archive.env

    def close(self) -> Path:
        """Stop the recorder and write the cassette's index; returns the cassette's folder."""
        if self._archive is not None:
            self._archive.stop()
            self._archive = None
            self._cassette.close()
        return self.path
