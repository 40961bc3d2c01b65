"""The web layer: one Flask application answering for every archive host, routed by ``Host``."""

from __future__ import annotations

import json
import logging
from pathlib import PurePosixPath

from flask import Flask, Response, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

from ..network.hosts import HTTP_HOSTS, TLS_HOSTS, refusal_message
from ..network.webserver import ArchiveRequestHandler
from ..store import DataStore
from . import exomast, mast, resolver, tesscut

MAST = "mast.stsci.edu"
RESOLVER = "mastresolver.stsci.edu"
#: The largest request body accepted (bytes); the clients send a few kilobytes at most.
MAX_BODY = 1024 * 1024


def _error(msg: str, status: int) -> Response:
    response = jsonify(mast.error_result(msg))
    response.status_code = status
    return response


class PortalRequestHandler(ArchiveRequestHandler):
    """The web services' request handler: errors the request parser raises get the portal's JSON shape."""

    def error_document(self, code: int, text: str) -> tuple[str, bytes]:
        return "application/json", json.dumps(mast.error_result(text)).encode()


def create_app(store: DataStore) -> Flask:
    """Build the application over a data store.

    Parameters
    ----------
    store : DataStore
        The built data the services answer from.

    Returns
    -------
    flask.Flask
    """
    app = Flask("offline_archive", host_matching=True, static_folder=None)
    app.json.sort_keys = False  # keep field order as the portal sends it
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # a larger body is refused with 413 (error shape)
    known_hosts = TLS_HOSTS | HTTP_HOSTS

    @app.before_request
    def refuse_unknown_hosts() -> Response | None:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        if host not in known_hosts:  # in the error shape, as every answer of the services
            return _error(refusal_message(host or "(no Host header)"), 403)
        return None

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(f"{exc.code} {exc.name}: {exc.description}", exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:  # never crash: the archive's error shape instead
        app.logger.exception("unexpected error")
        return _error(f"Internal error in the offline archive: {type(exc).__name__}: {exc}", 500)

    @app.errorhandler(mast.ServiceError)
    def service_error(exc: mast.ServiceError) -> Response:
        return _error(exc.msg, exc.status)

    @app.post("/api/v0/invoke", host=MAST)
    def invoke() -> Response:
        portal_request = mast.decode_request(request.form.get("request"))
        return jsonify(mast.invoke(portal_request, store))

    @app.post("/portal/Mashup/Mashup.asmx/columnsconfig", host=MAST)
    def columnsconfig() -> Response:
        return jsonify(mast.column_config(request.form.get("colConfigId", "")))

    @app.route("/api/v0.1/Download/file", host=MAST, methods=["GET", "HEAD"])
    def download() -> Response:
        uri = request.args.get("uri", "")
        stored = store.get(uri)
        if stored is None:
            return _error(f"File not found: {uri!r} is not a product of this archive.", 404)
        return send_file(
            stored.path,
            as_attachment=True,
            download_name=PurePosixPath(stored.path).name,
            conditional=True,
            max_age=0,
        )

    @app.get("/api/v0.1/path_lookup/", host=MAST)
    def path_lookup() -> Response:
        uris = request.args.getlist("uri")
        if not uris:
            return _error("path_lookup needs one or more 'uri' parameters.", 400)
        return jsonify(mast.path_lookup(uris, store))

    @app.get("/Santa-war/query", host=RESOLVER)
    def resolve() -> Response:
        names = request.args.getlist("name")
        if not names:
            return _error("The resolver needs a 'name' parameter.", 400)
        resolve_all = request.args.get("resolveAll", "false").lower() == "true"
        return jsonify(resolver.resolve(names, resolve_all, request.args.get("resolver")))

    exomast.register(app, store)
    tesscut.register(app, store)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app
