"""Where the offline archive keeps its data, its certificate authority and its settings."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that overrides the archive's cache directory.
ENV_DIR = "OFFLINE_ARCHIVE_DIR"


def archive_root() -> Path:
    """The archive's cache directory (``$OFFLINE_ARCHIVE_DIR`` or the user's cache dir).

    Returns
    -------
    pathlib.Path
        An absolute path; it is not created here.
    """
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_cache_dir("offline-archive", appauthor=False))


def data_dir(root: Path) -> Path:
    """Directory of the built data (files and ``manifest.json``)."""
    return root / "data"


def tls_dir(root: Path) -> Path:
    """Private directory (mode 0700) of the certificate authority and the server certificate."""
    return root / "tls"


def astropy_config_dir(root: Path) -> Path:
    """An astropy configuration directory that keeps astropy from reaching the internet."""
    return root / "astropy-config"
