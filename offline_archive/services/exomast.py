"""ExoMAST's data-validation services on ``exo.mast.stsci.edu``, answered from the archive's DV files.

``/api/v0.1/dvdata/tess/<TIC>/tces/``
    ``{"TCE": ["s0001-s0001:TCE_1", ...]}``: every TCE of every data-validation run of the star,
    named by the run's sector range and the TCE's extension in the ``_dvt.fits`` file.
``/api/v0.1/dvdata/tess/<TIC>/info/?tce=TCE_1&sector=s0001-s0001``
    ``{"DV Primary Header": {...}, "DV Data Header": {...}}``: the cards of the file's primary
    header and of the TCE's table header.
``/api/v0.1/dvdata/tess/<TIC>/table/?tce=TCE_1&sector=s0001-s0001``
    ``{"fields": [{"colname", "datatype", "description"}], "data": [{column: value}, ...]}``:
    the TCE's folded light curve (PHASE, LC_DETREND, MODEL_INIT, as in 2024; no TIME), one
    object per cadence, with JSON ``null`` for missing values.

A TCE is named by number (``TCE_1`` or ``1``, or in full as ``s0001-s0001:TCE_1``) with a
``sector`` parameter (``s0001-s0001``, or ``1`` for a single sector), which is required.  As on the live service, a
star with no TCEs and an unknown TCE answer 404, and a request that lacks the TCE or its sector
answers 400.  Every error is ``{"msg": ...}``.  astropy is imported on the first request, not when
the archive starts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from flask import Flask, Response, jsonify, request

from ..sky import catalogue
from ..store import StoredFile

if TYPE_CHECKING:
    from astropy.io import fits

__all__ = [
    "EXOMAST",
    "TABLE_COLUMNS",
    "DvRun",
    "ExoMastError",
    "dv_info",
    "dv_runs",
    "dv_table",
    "register",
    "tce_names",
]

EXOMAST = "exo.mast.stsci.edu"
#: What each DV time-series column holds (the live service describes its columns in ``fields``).
DESCRIPTIONS = {
    "TIME": "time of the cadence, BJD - 2457000 (BTJD), days",
    "TIMECORR": "barycentric correction applied to the time, days",
    "CADENCENO": "cadence number",
    "PHASE": "days from the nearest transit of the TCE's ephemeris",
    "LC_INIT": "initial light curve: relative flux before detrending",
    "LC_INIT_ERR": "uncertainty of the initial light curve",
    "LC_WHITE": "whitened light curve: detrended flux divided by its noise",
    "LC_DETREND": "detrended light curve searched for transits, relative flux",
    "MODEL_INIT": "fitted transit model, relative flux",
    "MODEL_WHITE": "fitted transit model, whitened",
}
#: The columns of the ``table`` answer in 2024: source spacetelescope/mast_notebooks@246ffd90
#: _sources/notebooks/TESS/beginner_tess_exomast/beginner_tess_exomast.ipynb, executed 2024-07-10
#: (``pd.DataFrame.from_dict(tce_data['data']).columns`` is PHASE, LC_DETREND, MODEL_INIT).  The
#: time series with TIME is in the run's ``dvt.fits`` file.
TABLE_COLUMNS = ("PHASE", "LC_DETREND", "MODEL_INIT")
_FULL_NAME = re.compile(r"^(s\d{4}-s\d{4}):(TCE_\d+)$")
_SHORT_NAME = re.compile(r"^(?:TCE_)?(\d+)$", re.IGNORECASE)
_SECTORS = re.compile(r"^s\d{4}-s\d{4}$")
_SKIPPED_CARDS = {"", "COMMENT", "HISTORY"}


class ExoMastError(Exception):
    """A request ExoMAST cannot answer: ``status`` is the HTTP status, ``msg`` the explanation."""

    def __init__(self, msg: str, status: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.status = status


@dataclass(frozen=True)
class DvRun:
    """One data-validation run of a star: its sector range (``s0001-s0013``) and its stored file."""

    sectors: str
    path: Path


class _Store(Protocol):
    """The part of :class:`offline_archive.store.DataStore` used here."""

    def get(self, uri: str) -> StoredFile | None: ...


#: TIC numbers have at most 10 digits; the archive's S3 keys pad them to 16.
_TIC_DIGITS = 16


def _tic(text: str) -> int:
    # isdecimal, not isdigit: superscripts are digits that int() refuses.  The length check comes
    # before int(), which refuses (ValueError) strings of more than 4300 digits.
    if not text.isdecimal() or not text.isascii() or len(text) > _TIC_DIGITS or int(text) == 0:
        raise ExoMastError(f"'{text[:40]}' is not a TESS Input Catalog number.", 404)
    return int(text)


def dv_runs(tic: int, store: _Store) -> list[DvRun]:
    """The stored DV time-series files of a star, one per run, in catalogue order."""
    runs = []
    for obs, product in catalogue.all_products():
        if product.kind != "tess_dvt" or obs.target_name != str(tic):
            continue
        stored = store.get(obs.data_uri(product))
        if stored is not None:
            first, last = product.param("first_sector"), product.param("last_sector")
            runs.append(DvRun(f"s{first:04d}-s{last:04d}", stored.path))
    return list({run.sectors: run for run in runs}.values())


def _tce_extensions(path: Path) -> list[str]:
    from astropy.io import fits  # slow to import: see the module docstring

    with fits.open(path, lazy_load_hdus=True) as hdul:
        return [hdu.name for hdu in hdul[1:] if re.fullmatch(r"TCE_\d+", hdu.name)]


def tce_names(tic: int, store: _Store) -> list[str]:
    """Every TCE of the star, named ``<sectors>:TCE_<n>``.

    Raises
    ------
    ExoMastError
        404 when the star has no data-validation results.
    """
    names = [f"{run.sectors}:{ext}" for run in dv_runs(tic, store) for ext in _tce_extensions(run.path)]
    if not names:
        raise ExoMastError(
            f"No TCEs found for TIC {tic}: the TESS pipeline reported no threshold-crossing "
            "event for this star.",
            404,
        )
    return names


def _sector_range(sector: str) -> str:
    sectors = f"s{int(sector):04d}-s{int(sector):04d}" if sector.isdecimal() and len(sector) < 5 else sector
    if not _SECTORS.match(sectors):
        raise ExoMastError(f"'{sector[:40]}' is not a sector (s0001-s0013, or 1 for a single sector).", 400)
    return sectors


def _resolve(tic: int, tce: str | None, sector: str | None, store: _Store) -> tuple[DvRun, str]:
    """The run and extension a TCE parameter names (see the module docstring for the forms)."""
    names = tce_names(tic, store)  # a star without DV results is 404 whatever the parameters
    if not tce:
        raise ExoMastError(
            "This request needs a 'tce' parameter, e.g. tce=TCE_1&sector=s0001-s0001 "
            "(the /tces/ request lists them as <sectors>:TCE_n).",
            400,
        )
    full = _FULL_NAME.match(tce)
    short = _SHORT_NAME.match(tce)
    if not (full or short) or len(tce) > 40:
        raise ExoMastError(
            f"'{tce[:40]}' is not a TCE name: use the names the /tces/ request lists, e.g. "
            "tce=TCE_1&sector=s0001-s0001 for s0001-s0001:TCE_1.",
            400,
        )
    number = full.group(2)[4:] if full else short.group(1)
    if not sector:
        # Since 2019 the sector is a required argument (spacetelescope/notebooks@85bcd4a, 2019-04-26,
        # "updating for the new required sector argument"); no later record shows a TESS request
        # answered without it, so the archive refuses it rather than answer what MAST may not.
        raise ExoMastError(
            f"TESS TCEs need a sector: add sector=<sectors>, e.g. tce=TCE_{int(number)}&sector=s0001-s0001 "
            "(or sector=1 for a single sector), as the /tces/ request names them.",
            400,
        )
    sectors = _sector_range(sector)
    if full and full.group(1) != sectors:
        raise ExoMastError(f"tce={tce} names sectors {full.group(1)}, but sector={sector}.", 400)
    extension = f"TCE_{int(number)}"
    wanted = f"{sectors}:{extension}"
    if wanted not in names:
        raise ExoMastError(f"TIC {tic} has no TCE {wanted}; its TCEs are {', '.join(names)}.", 404)
    run = next(run for run in dv_runs(tic, store) if run.sectors == sectors)
    return run, extension


def _header_dict(header: fits.Header) -> dict[str, object]:
    cards = {}
    for card in header.cards:
        if card.keyword in _SKIPPED_CARDS or card.keyword in cards:
            continue
        value = card.value
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        cards[card.keyword] = value
    return cards


def dv_info(tic: int, tce: str | None, sector: str | None, store: _Store) -> dict[str, dict[str, object]]:
    """The ``info`` answer: the primary header and the TCE's table header, as JSON objects."""
    from astropy.io import fits

    run, extension = _resolve(tic, tce, sector, store)
    with fits.open(run.path) as hdul:
        return {
            "DV Primary Header": _header_dict(hdul[0].header),
            "DV Data Header": _header_dict(hdul[extension].header),
        }


def _datatype(array: np.ndarray) -> str:
    """ExoMAST's word for a column's type: ``int``, ``real``, ``boolean`` or ``varchar(N)``."""
    kind = array.dtype.kind
    if kind in "iu":
        return "int"
    if kind == "f":
        return "real"
    if kind == "b":
        return "boolean"
    return f"varchar({array.dtype.itemsize // (4 if kind == 'U' else 1)})"


def _json_values(array: np.ndarray) -> list[object]:
    """Column values as JSON-ready Python objects, with None where a float is not finite."""
    if array.dtype.kind == "f":
        values = array.astype(np.float64).astype(object)
        values[~np.isfinite(array)] = None
        return values.tolist()
    if array.dtype.kind in "SU":
        return [str(v).strip() for v in array]
    return array.tolist()


def dv_table(tic: int, tce: str | None, sector: str | None, store: _Store) -> dict[str, list]:
    """The ``table`` answer: the column descriptions and one object per cadence."""
    from astropy.io import fits

    run, extension = _resolve(tic, tce, sector, store)
    with fits.open(run.path) as hdul:
        hdu = hdul[extension]
        fields, columns = [], []
        for column in (hdu.columns[name] for name in TABLE_COLUMNS):
            fields.append(
                {
                    "colname": column.name,
                    "datatype": _datatype(hdu.data[column.name]),
                    "description": DESCRIPTIONS.get(column.name, column.unit or column.name),
                }
            )
            columns.append(_json_values(hdu.data[column.name]))
    names = [f["colname"] for f in fields]
    return {
        "fields": fields,
        "data": [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)],
    }


def _error(exc: ExoMastError) -> Response:
    response = jsonify({"msg": exc.msg})
    response.status_code = exc.status
    return response


def register(app: Flask, store: _Store) -> None:
    """Add the ExoMAST routes to the archive's application (host ``exo.mast.stsci.edu``)."""
    base = "/api/v0.1/dvdata/tess/<tic>"

    @app.get(f"{base}/tces/", host=EXOMAST)
    def exomast_tces(tic: str) -> Response:
        try:
            return jsonify({"TCE": tce_names(_tic(tic), store)})
        except ExoMastError as exc:
            return _error(exc)

    @app.get(f"{base}/info/", host=EXOMAST)
    def exomast_info(tic: str) -> Response:
        try:
            return jsonify(dv_info(_tic(tic), request.args.get("tce"), request.args.get("sector"), store))
        except ExoMastError as exc:
            return _error(exc)

    @app.get(f"{base}/table/", host=EXOMAST)
    def exomast_table(tic: str) -> Response:
        try:
            return jsonify(dv_table(_tic(tic), request.args.get("tce"), request.args.get("sector"), store))
        except ExoMastError as exc:
            return _error(exc)
