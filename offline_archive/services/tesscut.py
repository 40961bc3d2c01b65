"""TESScut on ``mast.stsci.edu/tesscut``: which sectors cover a position, and cutouts cut by astrocut.

``/tesscut/api/v0.1/sector`` (form ``ra``, ``dec``, ``radius`` in degrees, or with a unit: ``0m``, ``30s``)
    ``{"results": [{"sectorName": "tess-s0001-1-2", "sector": "0001", "camera": "1", "ccd": "2"}]}``:
    the full-frame-image observations of the catalogue whose footprint comes within ``radius``
    of the position (every value a string, the sector zero-padded, as the live service sends it).
``/tesscut/api/v0.1/astrocut`` (form ``ra``, ``dec``, ``x`` columns, ``y`` rows, ``units``, optionally ``sector``)
    A zip of target-pixel files, one per sector, cut by ``astrocut.TessCubeCutout`` from the data
    cubes the archive built from its simulated full-frame images
    (:mod:`offline_archive.generate.ffi`).  When no cube covers the position the answer is JSON
    ``{"msg": ...}`` (status 200), which astroquery turns into a ``NoResultsWarning``.

Malformed parameters answer 400 with ``{"msg": ...}``.  astrocut and astropy are imported on the
first cutout, not when the archive starts: importing them takes seconds.
"""

from __future__ import annotations

import math
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flask import Flask, Response, jsonify, request

from ..sky import catalogue
from ..store import StoredFile

if TYPE_CHECKING:
    import astropy.units as u

__all__ = ["FfiSector", "TesscutError", "cube_paths", "cutout_zip", "register", "sectors_at"]

MAST = "mast.stsci.edu"
#: The longest side of a cutout the service makes, in pixels (TESScut's own limit is similar).
MAX_SIDE_PX = 100


class TesscutError(Exception):
    """A request TESScut cannot answer: ``status`` is the HTTP status, ``msg`` the explanation."""

    def __init__(self, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.msg = msg
        self.status = status


class _Store(Protocol):
    """The part of :class:`offline_archive.store.DataStore` used here."""

    def get(self, uri: str) -> StoredFile | None: ...


@dataclass(frozen=True)
class FfiSector:
    """One camera and CCD of one sector, as the sector service lists it."""

    sector: int
    camera: int
    ccd: int

    @property
    def name(self) -> str:
        return f"tess-s{self.sector:04d}-{self.camera}-{self.ccd}"

    def result(self) -> dict[str, str]:
        return {
            "sectorName": self.name,
            "sector": f"{self.sector:04d}",
            "camera": str(self.camera),
            "ccd": str(self.ccd),
        }


def _ffi_observations() -> list[tuple[FfiSector, catalogue.Observation]]:
    found = []
    for obs in catalogue.observations():
        parts = obs.obs_id.split("-")
        if obs.obs_collection == "TESS" and obs.dataproduct_type == "image" and len(parts) == 4:
            found.append((FfiSector(int(parts[1][1:]), int(parts[2]), int(parts[3])), obs))
    return found


def sectors_at(ra: float, dec: float, radius_deg: float = 0.0) -> list[FfiSector]:
    """The sectors, cameras and CCDs whose footprints come within ``radius_deg`` of a position."""
    hits = {ffi for ffi, obs in _ffi_observations() if obs.distance_arcsec(ra, dec) <= radius_deg * 3600.0}
    return sorted(hits, key=lambda ffi: (ffi.sector, ffi.camera, ffi.ccd))


def cube_paths(ffis: list[FfiSector], store: _Store) -> dict[FfiSector, Path]:
    """The built data cubes of those sectors (the archive keeps cubes for some CCDs only)."""
    paths = {}
    for ffi, obs in _ffi_observations():
        if ffi not in ffis:
            continue
        for product in obs.products:
            stored = store.get(obs.data_uri(product)) if product.kind == "tess_ffi_cube" else None
            if stored is not None:
                paths[ffi] = stored.path
    return paths


def _number(name: str, low: float, high: float) -> float:
    text = request.values.get(name)
    if text is None:
        raise TesscutError(f"Missing parameter '{name}'.")
    try:
        value = float(text)
    except ValueError:
        raise TesscutError(f"'{name}' must be a number, not {text!r}.") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise TesscutError(f"'{name}' must lie between {low} and {high}, not {text}.")
    return value


#: Units a TESScut radius may carry ("0m" in STScI's own request, tests/fidelity/test_tesscut_answers.py),
#: in degrees; a bare number is in degrees.
_RADIUS_UNITS = {
    "": 1.0,
    "d": 1.0,
    "deg": 1.0,
    "m": 1 / 60,
    "arcmin": 1 / 60,
    "s": 1 / 3600,
    "arcsec": 1 / 3600,
}
_RADIUS = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*$")
MAX_RADIUS_DEG = 30.0


def _radius_deg() -> float:
    """The ``radius`` of a sector request in degrees: a number, or a number with d, m or s."""
    text = request.values.get("radius")
    if not text:
        return 0.0
    match = _RADIUS.match(text[:40])
    if match is None or match.group(2) not in _RADIUS_UNITS:
        raise TesscutError(
            f"'radius' must be a number of degrees or a number with a unit (0.1d, 5m, 30s), not {text[:40]!r}."
        )
    value = float(match.group(1)) * _RADIUS_UNITS[match.group(2)]
    if not (math.isfinite(value) and 0.0 <= value <= MAX_RADIUS_DEG):
        raise TesscutError(f"'radius' must lie between 0 and {MAX_RADIUS_DEG} degrees, not {text[:40]}.")
    return value


def _position() -> tuple[float, float]:
    return _number("ra", -360.0, 360.0) % 360.0, _number("dec", -90.0, 90.0)


def _cutout_size() -> list[int] | u.Quantity:
    import astropy.units as u  # slow to import: see the module docstring

    # x is the cutout's number of columns (NAXIS1), y its rows, as on the live service: x=35, y=45
    # gives ..._35x45_astrocut.fits with an APERTURE image of (35, 45) (tests/fidelity/test_tesscut_answers.py).
    # TessCubeCutout takes the two in this order.
    units = request.values.get("units", "px")
    if units == "px":
        return [round(_number(axis, 1.0, MAX_SIDE_PX)) for axis in ("x", "y")]
    if units in ("d", "deg"):
        most = MAX_SIDE_PX * catalogue.TESS_PIXEL_DEG
        return [_number(axis, 1e-6, most) for axis in ("x", "y")] * u.deg
    raise TesscutError(f"'units' must be 'px' or 'd', not {units!r}.")


def _sector() -> int | None:
    text = request.values.get("sector")
    if not text:
        return None
    if not text.isdigit():
        raise TesscutError(f"'sector' must be a sector number, not {text!r}.")
    return int(text)


def cutout_zip(
    ra: float, dec: float, size: list[int] | u.Quantity, sector: int | None, store: _Store
) -> bytes | str:
    """A zip of cutouts around a position, or the message explaining why there is none.

    Parameters
    ----------
    ra, dec : float
        The centre of the cutouts (degrees).
    size : list of int or astropy.units.Quantity
        ``[ny, nx]`` in pixels, or an angular size.
    sector : int or None
        Only this sector.
    store : DataStore
        Where the cubes are.

    Returns
    -------
    bytes or str
        The zip file's bytes, or a message when no cube covers the position.
    """
    from astrocut import TessCubeCutout  # slow to import: see the module docstring
    from astrocut.exceptions import DataWarning, InvalidQueryError
    from astropy.coordinates import SkyCoord

    where = f"({ra:.6f}, {dec:.6f})" + (f" in sector {sector}" if sector else "")
    ffis = [ffi for ffi in sectors_at(ra, dec) if sector is None or ffi.sector == sector]
    if not ffis:
        return f"No TESS full-frame images cover the position {where}: there is nothing to cut out."
    cubes = cube_paths(ffis, store)
    if not cubes:
        names = ", ".join(ffi.name for ffi in ffis)
        return (
            f"The offline archive holds no data cube for {names}, which cover{'s' if len(ffis) == 1 else ''} "
            f"{where}: it keeps the full-frame images of a few tutorial targets only."
        )
    coordinates = SkyCoord(ra, dec, unit="deg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # a cube that misses the position is skipped
        try:
            cutout = TessCubeCutout([str(path) for path in cubes.values()], coordinates, size)
        except InvalidQueryError:
            return (
                f"The full-frame images of {', '.join(ffi.name for ffi in cubes)} hold no pixels at {where}."
            )
    with tempfile.TemporaryDirectory(prefix="tesscut-") as tmp:
        path = cutout.write_as_zip(output_dir=tmp, filename="astrocut.zip", legacy_filenames=True)
        return Path(path).read_bytes()


def _message(msg: str, status: int) -> Response:
    response = jsonify({"msg": msg})
    response.status_code = status
    return response


def register(app: Flask, store: _Store) -> None:
    """Add the TESScut routes to the archive's application (host ``mast.stsci.edu``)."""

    @app.route("/tesscut/api/v0.1/sector", host=MAST, methods=["GET", "POST"])
    def tesscut_sector() -> Response:
        try:
            ra, dec = _position()
            radius = _radius_deg()
        except TesscutError as exc:
            return _message(exc.msg, exc.status)
        return jsonify({"results": [ffi.result() for ffi in sectors_at(ra, dec, radius)]})

    @app.route("/tesscut/api/v0.1/astrocut", host=MAST, methods=["GET", "POST"])
    def tesscut_astrocut() -> Response:
        try:
            ra, dec = _position()
            answer = cutout_zip(ra, dec, _cutout_size(), _sector(), store)
        except TesscutError as exc:
            return _message(exc.msg, exc.status)
        if isinstance(answer, str):
            return _message(answer, 200)
        name = f"astrocut_{ra:.6f}_{dec:.6f}.zip"
        return Response(
            answer,
            mimetype="application/zip",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
