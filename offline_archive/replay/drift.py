"""Drift: ask the generated archive the questions a cassette recorded and compare the answers' shapes.

A shape is what a client's code relies on, not the values: JSON keys and value types (the portal's
table columns and their types among them), FITS HDU names, header keywords and column formats,
ASDF tree keys, an S3 listing's keys and an object's metadata.  :func:`compare` lists each
difference as ``(what, where, recorded, generated)``; :func:`report` prints them as a table.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import requests

from .cassette import Cassette, Exchange

#: Elements of a JSON list whose shapes are merged (the rest are the same shape again).
LIST_SAMPLE = 50
#: How deep an ASDF tree's keys are compared.
ASDF_DEPTH = 4


@dataclass(frozen=True)
class Difference:
    """One way a generated answer differs from the recorded one."""

    what: str
    where: str
    recorded: str
    generated: str


def json_shape(value: Any, path: str = "") -> dict[str, set[str]]:
    """Every path of a JSON document with the types found there (``null`` counts as ``"null"``)."""
    found: dict[str, set[str]] = {}

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            found.setdefault(where or "/", set()).add("object")
            for key, child in node.items():
                walk(child, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            found.setdefault(where or "/", set()).add("array")
            for child in node[:LIST_SAMPLE]:
                walk(child, f"{where}[]")
        elif node is None:
            found.setdefault(where, set()).add("null")
        else:
            kind = (
                "number"
                if isinstance(node, (int, float)) and not isinstance(node, bool)
                else type(node).__name__
            )
            found.setdefault(where, set()).add({"str": "string", "bool": "boolean"}.get(kind, kind))

    walk(value, path)
    return found


def portal_columns(value: Any) -> dict[str, str] | None:
    """The portal's table columns (``fields``: name and type), when the answer is a portal table."""
    if isinstance(value, dict) and isinstance(value.get("fields"), list):
        return {f.get("name"): str(f.get("type")) for f in value["fields"] if isinstance(f, dict)}
    return None


def fits_shape(data: bytes) -> dict[str, Any] | None:
    """HDU names, header keywords and column formats of a FITS file (None if it is not one)."""
    from astropy.io import fits

    if not data.startswith(b"SIMPLE  ="):
        return None
    try:
        with fits.open(io.BytesIO(data), lazy_load_hdus=False) as hdus:
            shape = {}
            for index, hdu in enumerate(hdus):
                name = f"{index}:{hdu.name}"
                columns = {}
                if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
                    columns = {c.name: f"{c.format} {c.disp or ''}".strip() for c in hdu.columns}
                shape[name] = {
                    "keywords": set(hdu.header.keys()) - {"COMMENT", "HISTORY", ""},
                    "columns": columns,
                }
            return shape
    except (OSError, ValueError):
        return None


def asdf_keys(data: bytes) -> set[str] | None:
    """Paths of an ASDF file's tree, to :data:`ASDF_DEPTH` levels (None if it is not one)."""
    import asdf

    if not data.startswith(b"#ASDF"):
        return None
    try:
        with asdf.open(io.BytesIO(data), lazy_load=True, memmap=False, lazy_tree=True) as af:
            tree = af.tree
            keys: set[str] = set()

            def walk(node: Any, where: str, depth: int) -> None:
                if depth > ASDF_DEPTH or not hasattr(node, "keys"):
                    return
                for key in node.keys():
                    if str(key).startswith("asdf_library") or key == "history":
                        continue
                    keys.add(f"{where}/{key}")
                    walk(node[key], f"{where}/{key}", depth + 1)

            walk(tree, "", 1)
            return keys
    except Exception:  # a truncated or partial read: no tree to compare
        return None


def s3_listing(data: bytes) -> set[str] | None:
    """Keys and common prefixes of an S3 listing (None if it is not one)."""
    if b"<ListBucketResult" not in data[:500]:
        return None
    root = ElementTree.fromstring(data)
    names = set()
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("Key", "Prefix") and element.text:
            names.add(element.text)
    return names


def _compare_sets(what: str, where: str, recorded: set[str], generated: set[str]) -> Iterator[Difference]:
    for item in sorted(recorded - generated):
        yield Difference(what, where, item, "(missing)")
    for item in sorted(generated - recorded):
        yield Difference(what, where, "(absent)", item)


def compare_bodies(where: str, recorded: bytes, generated: bytes, content_type: str) -> list[Difference]:
    """The differences in shape between two answers to one request."""
    if zipfile.is_zipfile(io.BytesIO(recorded)) and zipfile.is_zipfile(io.BytesIO(generated)):
        with zipfile.ZipFile(io.BytesIO(recorded)) as a, zipfile.ZipFile(io.BytesIO(generated)) as b:
            out = (
                []
                if len(a.namelist()) == len(b.namelist())
                else [Difference("zip members", where, str(len(a.namelist())), str(len(b.namelist())))]
            )
            if a.namelist() and b.namelist():
                out += compare_bodies(
                    f"{where} [{a.namelist()[0]}]", a.read(a.namelist()[0]), b.read(b.namelist()[0]), ""
                )
            return out
    fits_a, fits_b = fits_shape(recorded), fits_shape(generated)
    if fits_a is not None or fits_b is not None:
        if fits_a is None or fits_b is None:
            return [
                Difference(
                    "format", where, "FITS" if fits_a else "not FITS", "FITS" if fits_b else "not FITS"
                )
            ]
        return list(_compare_fits(where, fits_a, fits_b))
    asdf_a, asdf_b = asdf_keys(recorded), asdf_keys(generated)
    if asdf_a is not None and asdf_b is not None:
        return list(_compare_sets("ASDF key", where, asdf_a, asdf_b))
    list_a, list_b = s3_listing(recorded), s3_listing(generated)
    if list_a is not None and list_b is not None:
        return list(_compare_sets("S3 listing", where, list_a, list_b))
    if "json" in content_type:
        try:
            a, b = json.loads(recorded), json.loads(generated)
        except ValueError:
            return []
        out = []
        columns_a, columns_b = portal_columns(a), portal_columns(b)
        if columns_a is not None and columns_b is not None:
            for name in sorted(set(columns_a) | set(columns_b)):
                ra, gb = columns_a.get(name, "(missing)"), columns_b.get(name, "(missing)")
                if ra != gb:
                    out.append(Difference("column", f"{where} {name}", ra, gb))
        shape_a, shape_b = json_shape(a), json_shape(b)
        for path in sorted(set(shape_a) | set(shape_b)):
            if path.startswith("data[]."):
                continue  # a portal table's rows: their columns are compared above
            ra, gb = shape_a.get(path), shape_b.get(path)
            if ra is not None and gb is not None and (ra <= {"null"} or gb <= {"null"}):
                continue  # a null on one side says nothing about the type on the other
            if ra != gb and not (ra and gb and ra & gb):
                out.append(
                    Difference(
                        "JSON",
                        f"{where} {path}",
                        "|".join(sorted(ra or {"(missing)"})),
                        "|".join(sorted(gb or {"(missing)"})),
                    )
                )
        return out
    return []


def _compare_fits(where: str, a: dict, b: dict) -> Iterator[Difference]:
    names_a = [n.split(":", 1)[1] for n in a]
    names_b = [n.split(":", 1)[1] for n in b]
    if names_a != names_b:
        yield Difference("HDUs", where, ", ".join(names_a), ", ".join(names_b))
    for (ka, ha), (kb, hb) in zip(a.items(), b.items(), strict=False):
        if ka != kb:
            continue
        yield from _compare_sets("header keyword", f"{where} {ka}", ha["keywords"], hb["keywords"])
        for column in sorted(set(ha["columns"]) | set(hb["columns"])):
            fa, fb = ha["columns"].get(column, "(missing)"), hb["columns"].get(column, "(missing)")
            if fa != fb:
                yield Difference("column format", f"{where} {ka} {column}", fa, fb)


def _ask(
    exchange: Exchange, env: dict[str, str], sessions: dict[str, requests.Session]
) -> requests.Response | None:
    """Ask the generated archive what the exchange asked (None: the request cannot be rebuilt)."""
    query = [tuple(pair) for pair in exchange.query]
    data = None
    if isinstance(exchange.body, dict) and "form" in exchange.body:
        if any(isinstance(v, dict) and "file" in v for _, v in exchange.body["form"]):
            return None  # an uploaded file is kept by its digest only
        data = urlencode([(k, v if isinstance(v, str) else json.dumps(v)) for k, v in exchange.body["form"]])
    elif isinstance(exchange.body, dict) and "json" in exchange.body:
        data = json.dumps(exchange.body["json"])
    elif exchange.body is not None:
        return None
    headers = {"Range": exchange.range} if exchange.range else {}
    if data is not None:
        kind = "json" if "json" in exchange.body else "x-www-form-urlencoded"
        headers["Content-Type"] = f"application/{kind}"
    if exchange.kind == "s3":
        url = env["AWS_ENDPOINT_URL_S3"] + exchange.path
    else:
        url = f"{exchange.scheme}://{exchange.host}{exchange.path}"
    return sessions[exchange.kind].request(
        exchange.method, url, params=query, data=data, headers=headers, timeout=120
    )


def compare(cassette: Cassette, env: dict[str, str]) -> list[Difference]:
    """Every difference in shape between the cassette's answers and the generated archive's.

    Parameters
    ----------
    cassette : Cassette
    env : dict
        The running generated archive's client environment (proxy, CA, S3 endpoint).
    """
    sessions = {"web": requests.Session(), "s3": requests.Session()}  # S3 is reached directly
    for session in sessions.values():
        session.trust_env = False
    sessions["web"].proxies = {"http": env["HTTP_PROXY"], "https": env["HTTPS_PROXY"]}
    sessions["web"].verify = env["REQUESTS_CA_BUNDLE"]
    differences: list[Difference] = []
    seen: set[str] = set()
    for exchange in cassette.exchanges:
        key = exchange.key()
        if key in seen:
            continue
        seen.add(key)
        where = _where(exchange)
        answer = _ask(exchange, env, sessions)
        if answer is None:
            differences.append(Difference("not re-askable", where, "uploaded body", "(not asked)"))
            continue
        if answer.status_code != exchange.status:
            differences.append(Difference("status", where, str(exchange.status), str(answer.status_code)))
            continue
        recorded_type = exchange.headers.get("content-type", "").split(";")[0]
        generated_type = answer.headers.get("content-type", "").split(";")[0]
        if recorded_type != generated_type and exchange.method != "HEAD":
            differences.append(Difference("content type", where, recorded_type, generated_type))
        if exchange.method == "HEAD":
            names = {"etag", "last-modified", "content-length", "content-type"}
            differences += _compare_sets(
                "object metadata",
                where,
                names & set(exchange.headers),
                names & {k.lower() for k in answer.headers},
            )
            continue
        if exchange.range:
            continue  # a part of a file: its bytes differ by design, its shape cannot be read
        differences += compare_bodies(where, cassette.read_body(exchange), answer.content, recorded_type)
    return differences


def _where(exchange: Exchange) -> str:
    if exchange.kind == "s3":
        return f"{exchange.method} s3:/{exchange.path}"
    service = ""
    if isinstance(exchange.body, dict):
        for name, value in exchange.body.get("form", []):
            if name == "request" and isinstance(value, dict):
                service = f" {value.get('service', '')}"
    return f"{exchange.method} {exchange.host}{exchange.path}{service}"


def report(differences: list[Difference], cassette: Cassette) -> str:
    """A table of the differences (what, where, recorded, generated), or a line saying there are none."""
    asked = len({e.key() for e in cassette.exchanges})
    if not differences:
        return (
            f"No drift: the generated archive answers the {asked} recorded requests in the recorded shapes."
        )
    from astropy.table import Table

    table = Table(
        rows=[(d.what, d.where, d.recorded, d.generated) for d in differences],
        names=("what", "where", "recorded", "generated"),
    )
    lines = table.pformat(max_lines=-1, max_width=-1)
    return "\n".join([f"{len(differences)} differences over {asked} recorded requests:", *lines])
