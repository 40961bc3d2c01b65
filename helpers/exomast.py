"""Reading TESS data-validation (DV) results from ExoMAST's web API.

ExoMAST (https://exo.mast.stsci.edu) is MAST's exoplanet service.  Three of its requests give
what the TESS pipeline's data validation found for a star:

``dvdata/tess/<TIC>/tces/``
    the star's threshold-crossing events (TCEs), named like ``s0001-s0001:TCE_1``: the sectors
    the transit search covered, a colon, and the TCE;
``dvdata/tess/<TIC>/info/?tce=TCE_1&sector=s0001-s0001``
    the headers of the DV file: ``"DV Primary Header"`` (the star) and ``"DV Data Header"``
    (the TCE: period, epoch, depth, planet radius ...);
``dvdata/tess/<TIC>/table/?tce=TCE_1&sector=s0001-s0001``
    the TCE's folded light curve, as a list of column descriptions (``fields``) and one JSON
    object per cadence (``data``): ``PHASE``, ``LC_DETREND`` and ``MODEL_INIT`` since 2024, no
    times (those are in the run's ``dvt.fits`` file: :mod:`helpers.dv_files`).

The ``info`` and ``table`` requests take the TCE as its number and its sector range, split out
of the name ``tces`` gives (:func:`split_tce`), as STScI's own ExoMAST tutorial sends them.

Every request goes through :func:`helpers.http.get_json`, so it has a timeout and retries;
answers that mean "no such TCE" become :class:`~helpers.errors.NoTcesError` or
:class:`~helpers.errors.UnknownTceError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import requests
from astropy.table import MaskedColumn, Table

from .errors import ArchiveUnavailableError, NoTcesError, UnknownTceError
from .http import get_json

__all__ = [
    "EXOMAST_API",
    "column_dtype",
    "dv_metadata",
    "dv_timeseries",
    "dvdata_url",
    "list_tces",
    "split_tce",
    "table_from_fields",
    "tic_number",
]

#: The root of ExoMAST's web API.
EXOMAST_API = "https://exo.mast.stsci.edu/api/v0.1/"

_TCE_NAME = re.compile(r"^(s\d{4}-s\d{4}):(TCE_\d+)$")
_VARCHAR = re.compile(r"^varchar\((\d+)\)$")
_INTEGER = {"int", "integer", "smallint", "bigint", "long"}
_REAL = {"real", "float", "double"}
_FILL = {"i": 0, "f": np.nan, "b": False, "U": ""}


def tic_number(tic: int | str) -> int:
    """A TESS Input Catalog number from ``214568914``, ``"00214568914"`` or ``"TIC 214568914"``.

    Raises
    ------
    NoTcesError
        If the value is not a TIC number.
    """
    text = str(tic).strip()
    digits = re.sub(r"^TIC\s*", "", text, flags=re.IGNORECASE)
    if not digits.isdigit() or int(digits) == 0:
        raise NoTcesError(
            f"{tic!r} is not a TESS Input Catalog (TIC) number.",
            "Give the star's TIC number, e.g. 214568914 or 'TIC 214568914'.",
        )
    return int(digits)


def dvdata_url(tic: int | str, request: str) -> str:
    """The address of one of ExoMAST's DV requests (``"tces"``, ``"info"`` or ``"table"``) for a star."""
    return f"{EXOMAST_API}dvdata/tess/{tic_number(tic)}/{request}/"


def _message(response: requests.Response) -> str:
    """The explanation an ExoMAST error answer carries, or its status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("msg"), str):
        return body["msg"]
    return f"{response.status_code} {response.reason}"


def _json(response: requests.Response) -> Any:
    if response.status_code != 200:
        raise ArchiveUnavailableError(f"{response.url} answered {_message(response)}.")
    try:
        return response.json()
    except ValueError:
        raise ArchiveUnavailableError(f"{response.url} did not answer with JSON.") from None


def list_tces(tic: int | str, *, session: requests.Session | None = None) -> list[str]:
    """The names of a star's threshold-crossing events, e.g. ``["s0001-s0001:TCE_1"]``.

    Parameters
    ----------
    tic : int or str
        The star's TIC number.
    session : requests.Session, optional
        A session to reuse (see :func:`helpers.http.make_session`).

    Returns
    -------
    list of str

    Raises
    ------
    NoTcesError
        The star has no TCEs (ExoMAST answers 404), or ``tic`` is not a TIC number.
    """
    response = get_json(dvdata_url(tic, "tces"), session=session)
    if response.status_code == 404:
        raise NoTcesError(f"ExoMAST has no TCEs for TIC {tic_number(tic)}: {_message(response)}")
    names = _json(response).get("TCE") or []
    if not names:
        raise NoTcesError(f"ExoMAST lists no TCEs for TIC {tic_number(tic)}.")
    return list(names)


def split_tce(tce: str) -> tuple[str, str]:
    """Split a TCE name as ``tces`` lists it into its sector range and its number.

    >>> split_tce("s0001-s0013:TCE_2")
    ('s0001-s0013', 'TCE_2')

    Raises
    ------
    UnknownTceError
        If the name is not ``<sectors>:TCE_<n>``.
    """
    match = _TCE_NAME.match(str(tce).strip())
    if match is None:
        raise UnknownTceError(f"{tce!r} is not a TESS TCE name like 's0001-s0001:TCE_1'.")
    return match.group(1), match.group(2)


def _tce_request(tic: int | str, tce: str, request: str, session: requests.Session | None) -> Any:
    sectors, number = split_tce(tce)
    response = get_json(dvdata_url(tic, request), params={"tce": number, "sector": sectors}, session=session)
    if response.status_code in (400, 404):
        raise UnknownTceError(f"ExoMAST has no TCE {tce!r} for TIC {tic_number(tic)}: {_message(response)}")
    return _json(response)


def dv_metadata(tic: int | str, tce: str, *, session: requests.Session | None = None) -> dict[str, dict]:
    """The DV headers of one TCE: ``{"DV Primary Header": {...}, "DV Data Header": {...}}``.

    The primary header describes the star (``TICID``, ``TESSMAG``, ``RA_OBJ`` ...); the data
    header the TCE (``TPERIOD`` in days, ``TEPOCH`` in BTJD, ``TDEPTH`` in ppm, ``PRADIUS`` in
    Earth radii ...).

    Raises
    ------
    UnknownTceError
        The star has no TCE of that name.
    """
    return _tce_request(tic, tce, "info", session)


def column_dtype(datatype: str) -> np.dtype:
    """The numpy type of an ExoMAST column type: ``int``, ``real``, ``boolean`` or ``varchar(N)``.

    Raises
    ------
    ArchiveUnavailableError
        For a type word ExoMAST is not known to use.
    """
    word = datatype.strip().lower()
    if word in _INTEGER:
        return np.dtype(np.int64)
    if word in _REAL:
        return np.dtype(np.float64)
    if word in ("boolean", "bool"):
        return np.dtype(bool)
    varchar = _VARCHAR.match(word)
    if varchar:
        return np.dtype(f"U{max(int(varchar.group(1)), 1)}")
    raise ArchiveUnavailableError(
        f"ExoMAST described a column with an unknown datatype {datatype!r}.",
        "Read the answer's 'fields' and 'data' directly, and report the new "
        "type so that helpers.exomast can learn it.",
    )


def table_from_fields(fields: Sequence[Mapping[str, str]], data: Sequence[Mapping[str, Any]]) -> Table:
    """An astropy Table from ExoMAST's ``fields`` (column descriptions) and ``data`` (rows).

    Each column gets the type its ``datatype`` names (:func:`column_dtype`) and its
    ``description``; JSON ``null`` values are masked.  Columns keep the order of ``fields``.

    Parameters
    ----------
    fields : sequence of dict
        ``[{"colname": ..., "datatype": ..., "description": ...}, ...]``.
    data : sequence of dict
        ``[{colname: value, ...}, ...]``; a missing key counts as null.

    Returns
    -------
    astropy.table.Table
        A masked table with one row per element of ``data``.
    """
    table = Table(masked=True)
    for field in fields:
        name = field["colname"].strip()
        dtype = column_dtype(field["datatype"])
        raw = [row.get(name) for row in data]
        mask = np.fromiter((value is None for value in raw), dtype=bool, count=len(raw))
        fill = _FILL[dtype.kind]
        values = np.array([fill if value is None else value for value in raw], dtype=dtype)
        table[name] = MaskedColumn(values, mask=mask, description=field.get("description", ""))
    return table


def dv_timeseries(tic: int | str, tce: str, *, session: requests.Session | None = None) -> Table:
    """The folded DV light curve of one TCE as an astropy Table (see :func:`table_from_fields`).

    The columns are those ExoMAST sends: since 2024 ``PHASE`` (days from transit),
    ``LC_DETREND`` (the detrended light curve that was searched) and ``MODEL_INIT`` (the fitted
    transit model), without times; cadences without data are masked.  The whole time series,
    ``TIME`` among it, is in the DV file (:func:`helpers.dv_files.read_dv_timeseries`).

    Raises
    ------
    UnknownTceError
        The star has no TCE of that name.
    """
    answer = _tce_request(tic, tce, "table", session)
    table = table_from_fields(answer["fields"], answer["data"])
    table.meta.update({"TICID": tic_number(tic), "TCE": tce})
    return table
