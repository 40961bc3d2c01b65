"""The MAST portal services (``/api/v0/invoke``), the name resolver and ``path_lookup``.

Pure functions over the catalogue and the data store: the web layer (:mod:`offline_archive.services.app`)
only decodes requests and encodes answers.  Field names, types, paging and the error shape
follow the live services as astroquery sees them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from urllib.parse import unquote_plus

from ..sky import catalogue
from ..sky.columns import (
    CAOM_COLUMNS,
    CONE_OMITS,
    DISTANCE,
    PRODUCT_COLUMNS,
    TIC_COLUMNS,
    Column,
    columns_config,
    fields,
)
from ..sky.targets import TARGETS, Observation
from ..store import DataStore

#: The largest page the portal hands out in one response.
MAX_PAGESIZE = 50_000
#: Services whose configuration is the CAOM observation table.
CAOM_SERVICES = ("Mast.Caom.Cone", "Mast.Caom.Filtered", "Mast.Caom.Filtered.Position")
#: The TIC criteria services astroquery's ``Catalogs.query_criteria(catalog="TIC")`` calls.
TIC_SERVICES = (
    "Mast.Catalogs.Filtered.Tic",
    "Mast.Catalogs.Filtered.Tic.Rows",
    "Mast.Catalogs.Filtered.Tic.Position",
    "Mast.Catalogs.Filtered.Tic.Position.Rows",
)
#: The column configuration astroquery fetches for the TIC (``colConfigId``).
TIC_CONFIG = "Mast.Catalogs.Tess.Cone"


class ServiceError(Exception):
    """A request the service cannot answer: ``status`` is the HTTP status to send."""

    def __init__(self, msg: str, status: int = 200) -> None:
        super().__init__(msg)
        self.msg = msg
        self.status = status


def error_result(msg: str) -> dict[str, object]:
    """The portal's error shape (astroquery raises ``RemoteServiceError(msg)`` on it)."""
    return {
        "status": "ERROR",
        "msg": msg,
        "fields": [],
        "data": [],
        "paging": {
            "page": 1,
            "pageSize": 0,
            "pagesFiltered": 0,
            "rows": 0,
            "rowsFiltered": 0,
            "rowsTotal": 0,
        },
    }


# --------------------------------------------------------------------------------------------
# Decoding a portal request
# --------------------------------------------------------------------------------------------


def decode_request(form_value: str | None) -> dict[str, object]:
    """The JSON object of a portal request's ``request=`` form field.

    Raises
    ------
    ServiceError
        With HTTP status 400 when the field is missing or is not a JSON object naming a service.
    """
    if not form_value:
        raise ServiceError("The request has no 'request' form field: send request=<JSON> in the body.", 400)
    try:
        try:
            request = json.loads(form_value)
        except ValueError:
            request = json.loads(unquote_plus(form_value))
    except ValueError as exc:
        raise ServiceError(f"The request is not valid JSON: {exc}", 400) from None
    except RecursionError:
        raise ServiceError("The request's JSON is nested too deeply.", 400) from None
    if not isinstance(request, dict) or not isinstance(request.get("service"), str):
        raise ServiceError("The request must be a JSON object with a 'service' name.", 400)
    params = request.get("params", {})
    if not isinstance(params, dict):
        raise ServiceError("'params' must be a JSON object.", 400)
    return request


def _page_args(request: dict[str, object]) -> tuple[int, int]:
    try:
        pagesize = int(request.get("pagesize") or MAX_PAGESIZE)  # type: ignore[arg-type]
        page = int(request.get("page") or 1)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity
        raise ServiceError("'pagesize' and 'page' must be integers.", 400) from None
    if pagesize < 1 or page < 1:
        raise ServiceError("'pagesize' and 'page' must be positive.", 400)
    return min(pagesize, MAX_PAGESIZE), page


def _number(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ServiceError(f"{what} must be a number, not {value!r}.") from None
    if not math.isfinite(number):
        raise ServiceError(f"{what} must be finite, not {value!r}.")
    return number


def _position(ra: object, dec: object, radius: object) -> tuple[float, float, float]:
    ra_, dec_, radius_ = _number(ra, "ra"), _number(dec, "dec"), _number(radius, "radius")
    if not -90.0 <= dec_ <= 90.0:
        raise ServiceError(f"dec must lie between -90 and 90 degrees, not {dec_}.")
    if not 0.0 <= radius_ <= 30.0:
        raise ServiceError(f"radius must lie between 0 and 30 degrees, not {radius_}.")
    return ra_ % 360.0, dec_, radius_


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


def _column(name: object, columns: Iterable[Column]) -> Column:
    if isinstance(name, str):
        for column in columns:
            if column.name.lower() == name.lower():
                return column
    raise ServiceError(f"Unknown column in filter: {name!r}.")


def _like(pattern: str) -> re.Pattern[str]:
    parts = (re.escape(p) for p in pattern.split("%"))
    return re.compile("^" + ".*".join(parts) + "$", re.IGNORECASE | re.DOTALL)


def _filter(spec: object, columns: tuple[Column, ...] = CAOM_COLUMNS) -> Callable[[dict[str, object]], bool]:
    """A predicate over result rows for one portal filter entry."""
    if not isinstance(spec, dict):
        raise ServiceError(f"Each filter must be an object with paramName and values, not {spec!r}.")
    column = _column(spec.get("paramName"), columns)
    values = spec.get("values", [])
    if not isinstance(values, list):
        raise ServiceError(f"The values of filter {column.name!r} must be a list.")
    free = spec.get("freeText")
    if column.continuous:
        ranges = []
        for v in values:
            if not isinstance(v, dict) or "min" not in v or "max" not in v:
                raise ServiceError(
                    f"{column.name} is continuous: give its values as {{'min': .., 'max': ..}}."
                )
            ranges.append((_number(v["min"], f"{column.name} min"), _number(v["max"], f"{column.name} max")))

        def match_range(row: dict[str, object]) -> bool:
            value = row.get(column.name)
            return isinstance(value, (int, float)) and any(lo <= value <= hi for lo, hi in ranges)

        return match_range
    wanted = {str(v).lower() for v in values}
    pattern = _like(str(free)) if free else None

    def match_value(row: dict[str, object]) -> bool:
        value = row.get(column.name)
        if value is None:
            return False
        text = str(value).lower()
        parts = text.split(column.separator.lower()) if column.separator else [text]
        if wanted and any(part in wanted for part in parts):
            return True
        return bool(pattern and pattern.match(str(value)))

    return match_value


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _select_columns(spec: object, base: tuple[Column, ...]) -> tuple[Column, ...] | None:
    """The requested columns; None means a COUNT_BIG(*) request."""
    if spec is None or spec == "*":
        return base
    if not isinstance(spec, str):
        raise ServiceError(f"'columns' must be a string, not {spec!r}.")
    if spec.replace(" ", "").upper() == "COUNT_BIG(*)":
        return None
    return tuple(_column(name.strip(), base) for name in spec.split(",") if name.strip())


def _table(
    rows: list[dict[str, object]], columns: tuple[Column, ...] | None, pagesize: int, page: int
) -> dict[str, object]:
    if columns is None:
        return {
            "status": "COMPLETE",
            "msg": "",
            "fields": [{"name": "Column1", "type": "string"}],
            "data": [{"Column1": len(rows)}],
            "paging": {
                "page": 1,
                "pageSize": 1,
                "pagesFiltered": 1,
                "rows": 1,
                "rowsFiltered": 1,
                "rowsTotal": 1,
            },
        }
    total = len(rows)
    pages = max(1, math.ceil(total / pagesize))
    chunk = rows[(page - 1) * pagesize : page * pagesize]
    data = [{c.name: row.get(c.name) for c in columns} | {"_selected_": None} for row in chunk]
    return {
        "status": "COMPLETE",
        "msg": "",
        "fields": fields(columns),
        "data": data,
        "paging": {
            "page": page,
            "pageSize": pagesize,
            "pagesFiltered": pages,
            "rows": len(data),
            "rowsFiltered": total,
            "rowsTotal": total,
        },
    }


def _caom_rows(
    params: dict[str, object], position: tuple[float, float, float] | None, with_filters: bool
) -> list[dict[str, object]]:
    filters = params.get("filters", []) if with_filters else []
    if not isinstance(filters, list):
        raise ServiceError("'filters' must be a list.")
    predicates = [_filter(f) for f in filters]
    if with_filters and not predicates and position is None:
        raise ServiceError("At least one filter is required by Mast.Caom.Filtered.")
    rows = []
    for obs in catalogue.observations():
        row = obs.row()
        if position is not None:
            distance = obs.distance_arcsec(position[0], position[1])
            if distance > position[2] * 3600.0 + 1e-9:
                continue
            row["distance"] = round(distance, 6)
        if all(p(row) for p in predicates):
            rows.append(row)
    if position is not None:
        rows.sort(key=lambda r: r["distance"])  # stable: catalogue order within a distance
    return rows


def caom_query(service: str, params: dict[str, object], pagesize: int, page: int) -> dict[str, object]:
    """Answer one of the CAOM observation services."""
    if service == "Mast.Caom.Cone":
        position = _position(params.get("ra"), params.get("dec"), params.get("radius", 0.2))
        rows = _caom_rows(params, position, with_filters=False)
    elif service == "Mast.Caom.Filtered.Position":
        text = params.get("position")
        parts = text.split(",") if isinstance(text, str) else []
        if len(parts) != 3:
            raise ServiceError(f"'position' must be 'ra, dec, radius' in degrees, not {text!r}.")
        rows = _caom_rows(params, _position(*parts), with_filters=True)
    else:
        rows = _caom_rows(params, None, with_filters=True)
    # Position searches add the computed `distance` column to the table they can return; a cone
    # search leaves out objID (see offline_archive.sky.columns).
    if service == "Mast.Caom.Filtered":
        offered = CAOM_COLUMNS
    elif service == "Mast.Caom.Cone":
        offered = tuple(c for c in CAOM_COLUMNS if c.name not in CONE_OMITS) + (DISTANCE,)
    else:
        offered = CAOM_COLUMNS + (DISTANCE,)
    return _table(rows, _select_columns(params.get("columns"), offered), pagesize, page)


def _histogram(values: Iterable[str]) -> dict[str, object]:
    """A discrete column's histogram as the portal's extjs answers carry it (``hist`` plus one entry per key)."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    entries = [{"count": n, "key": k} for k, n in counts.items()]
    return {"hist": entries, **{e["key"]: e for e in entries}}


def _extjs(
    columns: list[dict[str, object]], properties: dict[str, object], status: str = "COMPLETE", msg: str = ""
) -> dict:
    """A portal answer in the ``extjs`` format: one table of column descriptions, no rows."""
    paging = {"page": 0, "pageSize": 0, "pagesFiltered": 0, "rows": 0, "rowsFiltered": 0, "rowsTotal": 0}
    table = {
        "name": "Table",
        "ExtendedProperties": {"Paging": paging, **properties},
        "Columns": columns,
        "Rows": [],
    }
    return {"status": status, "msg": msg, "data": {"name": "NewDataSet", "Tables": [table]}}


def caom_all() -> dict[str, object]:
    """``Mast.Caom.All`` (extjs): every CAOM column with, for discrete ones, the histogram of its values.

    ``Observations.list_missions`` reads the keys of ``obs_collection``'s histogram (the format of
    astroquery's recorded ``missions.extjs``); here they are the collections the archive holds.
    """
    rows = [obs.row() for obs in catalogue.observations()]
    described = []
    for order, column in enumerate(CAOM_COLUMNS):
        properties = {k: v for k, v in column.config(order).items() if k != "text"} | {
            "cc.text": column.label
        }
        if not column.continuous and column.datatype != "boolean":
            values = []
            for row in rows:
                value = row.get(column.name)
                if value is not None:
                    text = str(value)
                    values += text.split(column.separator) if column.separator else [text]
            properties["histObj"] = _histogram(values)
        described.append({"text": column.name, "dataIndex": column.name, "ExtendedProperties": properties})
    return _extjs(described, {})


def tic_rows() -> list[dict[str, object]]:
    """The TIC entries of the stars of the archive's sky that have a TIC number."""
    return [
        {
            "ID": target.tic,
            "ra": target.ra,
            "dec": target.dec,
            "objType": "STAR",
            "Tmag": target.tmag,
            "Teff": target.teff,
            "rad": target.radius_rsun,
        }
        for target in TARGETS
        if target.tic
    ]


def tic_all() -> dict[str, object]:
    """``Mast.Catalogs.All.Tic`` (extjs): the histograms astroquery merges into the TIC's column config."""
    rows = tic_rows()
    discrete = {
        c.name: _histogram(str(r[c.name]) for r in rows if r[c.name] is not None)
        for c in TIC_COLUMNS
        if not c.continuous
    }
    continuous = {}
    for column in TIC_COLUMNS:
        if column.continuous:
            values = [r[column.name] for r in rows if r[column.name] is not None]
            continuous[column.name] = (
                {"type": "double", "min": min(values), "max": max(values)} if values else {"type": "double"}
            )
    return _extjs([], {"discreteHistogram": discrete, "continuousHistogram": continuous})


def tic_query(service: str, params: dict[str, object], pagesize: int, page: int) -> dict[str, object]:
    """The TIC criteria services: the filters over :func:`tic_rows`, with a cone when ``.Position``."""
    filters = params.get("filters", [])
    if not isinstance(filters, list) or not filters:
        raise ServiceError(f"{service} needs at least one filter.")
    predicates = [_filter(f, TIC_COLUMNS) for f in filters]
    rows = [r for r in tic_rows() if all(p(r) for p in predicates)]
    if ".Position" in service:
        ra, dec, radius = _position(params.get("ra"), params.get("dec"), params.get("radius", 0.2))
        centre = (math.radians(ra), math.radians(dec))
        kept = []
        for row in rows:
            a, d = math.radians(float(row["ra"])), math.radians(float(row["dec"]))
            cos = math.sin(centre[1]) * math.sin(d) + math.cos(centre[1]) * math.cos(d) * math.cos(
                a - centre[0]
            )
            if math.degrees(math.acos(max(-1.0, min(1.0, cos)))) <= radius:
                kept.append(row)
        rows = kept
    return _table(rows, _select_columns(params.get("columns"), TIC_COLUMNS), pagesize, page)


def unknown_service(service: str, wanted_format: str) -> dict[str, object]:
    """The answer to a service the archive does not serve, in the format the request asked for."""
    served = ", ".join(
        (*CAOM_SERVICES, "Mast.Caom.All", "Mast.Caom.Products", *TIC_SERVICES, "Mast.Catalogs.All.Tic")
    )
    msg = f"Unknown service: '{service}'. This offline archive answers {served}."
    if wanted_format == "extjs":
        return _extjs([], {"discreteHistogram": {}, "continuousHistogram": {}}, status="ERROR", msg=msg)
    return error_result(msg)


def product_rows(obsids: list[str], store: DataStore) -> list[dict[str, object]]:
    """Rows of ``Mast.Caom.Products`` for the given observation ids (unknown ids give nothing)."""
    by_id: dict[str, Observation] = {str(o.obsid): o for o in catalogue.observations()}
    rows = []
    for obsid in obsids:
        obs = by_id.get(obsid.strip())
        if obs is None:
            continue
        for product in obs.products:
            uri = obs.data_uri(product)
            stored = store.get(uri)
            if stored is None:  # list only what exists
                continue
            # A product may carry its own calibration level and project (an HST drz is level 3 and
            # its flt inputs level 2, all made by CALWF3); otherwise it inherits its observation's.
            rows.append(
                {
                    "obsID": str(obs.obsid),
                    "obs_collection": obs.obs_collection,
                    "dataproduct_type": obs.dataproduct_type,
                    "obs_id": obs.obs_id,
                    "description": product.description,
                    "type": product.param("type", "S"),
                    "dataURI": uri,
                    "productType": product.product_type,
                    "productGroupDescription": product.group,
                    "productSubGroupDescription": product.subgroup,
                    "productDocumentationURL": "",
                    "project": product.param("project", obs.project),
                    "prvversion": "",
                    "proposal_id": obs.proposal_id,
                    "productFilename": product.filename,
                    "size": stored.size,
                    "parent_obsid": str(obs.obsid),
                    "dataRights": obs.data_rights,
                    "calib_level": product.param("calib_level", obs.calib_level),
                    "filters": obs.filters,
                }
            )
    return rows


def invoke(request: dict[str, object], store: DataStore) -> dict[str, object]:
    """Answer a decoded portal request; semantic errors come back in the portal's error shape."""
    service = str(request["service"])
    params = request.get("params") or {}
    assert isinstance(params, dict)
    try:
        pagesize, page = _page_args(request)
        if service in CAOM_SERVICES:
            return caom_query(service, params, pagesize, page)
        if service == "Mast.Caom.All":
            return caom_all()
        if service == "Mast.Catalogs.All.Tic":
            return tic_all()
        if service in TIC_SERVICES:
            return tic_query(service, params, pagesize, page)
        if service == "Mast.Caom.Products":
            obsid = params.get("obsid")
            ids = (
                obsid.split(",")
                if isinstance(obsid, str)
                else [str(x) for x in obsid]
                if isinstance(obsid, list)
                else None
            )
            if not ids:
                raise ServiceError(
                    "Mast.Caom.Products needs params.obsid: one or more comma-separated obsids."
                )
            return _table(product_rows(ids, store), PRODUCT_COLUMNS, pagesize, page)
    except ServiceError as exc:
        if exc.status != 200:
            raise
        return error_result(exc.msg)
    return unknown_service(service, str(request.get("format", "json")))


def column_config(config_id: str) -> dict[str, object]:
    """The ``columnsconfig`` answer for a service (an empty object for unknown ids, as the portal)."""
    if config_id in CAOM_SERVICES:
        return columns_config(CAOM_COLUMNS + (DISTANCE,))
    if config_id == "Mast.Caom.Products":
        return columns_config(PRODUCT_COLUMNS)
    if config_id == TIC_CONFIG:
        return columns_config(TIC_COLUMNS)
    return {}


# --------------------------------------------------------------------------------------------
# Path lookup (name resolution is in :mod:`.resolver`)
# --------------------------------------------------------------------------------------------


def path_lookup(uris: list[str], store: DataStore) -> dict[str, dict[str, object]]:
    """Cloud paths of data URIs: ``{"status_code": 200, "path": "/tess/public/..."}`` or a null path."""
    answer: dict[str, dict[str, object]] = {}
    for uri in uris:
        stored = store.get(uri)
        if stored is not None and stored.key:
            answer[uri] = {"status_code": 200, "path": "/" + stored.key}
        else:
            answer[uri] = {"status_code": 404, "path": None}
    return answer
