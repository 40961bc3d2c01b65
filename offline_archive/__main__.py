"""Command line: ``python -m offline_archive {build,serve,exec,record,drift,info}``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .build import build
from .paths import ENV_DIR, archive_root, data_dir
from .replay.cassette import Cassette, CassetteError
from .replay.recorder import REAL_S3, Upstream
from .serve import run_command, serve
from .store import DataNotBuiltError, is_current
from .traffic.faults import FAULTS_ENV, FaultPlan
from .traffic.requestlog import REQUEST_LOG_ENV
from .traffic.shaping import BANDWIDTH_ENV, LATENCY_ENV, Shaping


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m offline_archive",
        description="A local stand-in for the MAST services and S3 buckets the tutorials use. "
        f"Data lives in the user's cache directory (override with ${ENV_DIR}).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the archive's data (only when missing or out of date)")
    b.add_argument("--force", action="store_true", help="rebuild even when the data is current")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    s = sub.add_parser("serve", help="serve on 127.0.0.1 until terminated")
    s.add_argument("--env-file", type=Path, help="once ready, write the client's `export` lines here")
    e = sub.add_parser("exec", help="run a command with the archive up and its environment set")
    for p in (s, e):
        p.add_argument(
            "--latency-ms",
            type=float,
            help=f"wait this long before answering each request (default: ${LATENCY_ENV} or 0)",
        )
        p.add_argument(
            "--bandwidth-mbps",
            type=float,
            help=f"send each response at most this fast, in Mbit/s (default: ${BANDWIDTH_ENV} or no cap)",
        )
        p.add_argument(
            "--faults",
            metavar="SPEC",
            default=os.environ.get(FAULTS_ENV),
            help=f"inject faults: a JSON plan or the path of one (default ${FAULTS_ENV}); "
            "see offline_archive/traffic/faults.py",
        )
        p.add_argument(
            "--request-log",
            metavar="PATH",
            type=Path,
            default=os.environ.get(REQUEST_LOG_ENV),
            help=f"append one JSON line per web request here (default ${REQUEST_LOG_ENV})",
        )
    r = sub.add_parser(
        "record",
        help="run a command against the real services through the archive's proxy and S3 endpoint, "
        "keeping every exchange in a cassette",
    )
    r.add_argument("--cassette", type=Path, required=True, help="the cassette directory to write")
    r.add_argument("--upstream-proxy", metavar="URL", help="forward the web hosts through this HTTP proxy")
    r.add_argument(
        "--upstream-ca", metavar="FILE", help="trust this CA for the web hosts (default: the system's)"
    )
    r.add_argument(
        "--upstream-s3", metavar="URL", default=REAL_S3, help=f"the S3 endpoint (default {REAL_S3})"
    )
    for p in (s, e):
        p.add_argument("--replay", metavar="DIR", type=Path, help="answer from this cassette alone")
    for p in (e, r):
        p.add_argument("argv", nargs=argparse.REMAINDER, help="the command (after --)")
    d = sub.add_parser("drift", help="compare a cassette's answers with the generated archive's")
    d.add_argument("--cassette", type=Path, required=True)
    sub.add_parser("info", help="say where the data is and whether it is current")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = archive_root()
    if args.command == "build":
        result = build(root, force=args.force, progress=not args.quiet)
        what = "Built" if result.built else "Already current:"
        print(
            f"{what} {result.files} files, {result.bytes / 1e6:.1f} MB in {result.path} "
            f"({result.seconds:.1f} s)."
        )
        return 0
    if args.command == "info":
        state = (
            "current" if is_current(root) else "missing or out of date (run: python -m offline_archive build)"
        )
        print(f"data: {data_dir(root)} ({state})")
        return 0
    if args.command == "drift":
        return _drift(root, args.cassette)
    if args.command == "record":
        return _record(root, args)
    options = {"request_log": Path(args.request_log).resolve() if args.request_log else None}
    if args.replay is not None:
        try:
            options["replay"] = Cassette.open(args.replay)
        except CassetteError as exc:
            print(f"offline_archive: {exc}", file=sys.stderr)
            return 2
    for name, option, parse in (
        ("shaping", "--latency-ms/--bandwidth-mbps", lambda: _shaping(args)),
        ("faults", "--faults plan", lambda: FaultPlan.load(args.faults) if args.faults else None),
    ):
        try:
            options[name] = parse()
        except (OSError, TypeError, ValueError) as exc:  # a malformed value: say which option
            print(f"offline_archive: bad {option}: {exc}", file=sys.stderr)
            return 2
    try:
        if args.command == "serve":
            serve(root, args.env_file, **options)
            return 0
        command = _command(args)
        if not command:
            print("offline_archive exec: give the command to run after --", file=sys.stderr)
            return 2
        return run_command(root, command, **options)
    except DataNotBuiltError as exc:
        print(f"offline_archive: {exc}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace) -> list[str]:
    return args.argv[1:] if args.argv[:1] == ["--"] else args.argv


def _upstream(args: argparse.Namespace) -> Upstream:
    """What ``record``'s ``--upstream-*`` options name (``Upstream.options`` writes them)."""
    return Upstream(proxy=args.upstream_proxy, ca=args.upstream_ca, s3=args.upstream_s3)


def _record(root: Path, args: argparse.Namespace) -> int:
    """``record``: the command against the upstreams, every exchange kept; a summary at the end."""
    command = _command(args)
    if not command:
        print("offline_archive record: give the command to run after --", file=sys.stderr)
        return 2
    upstream = _upstream(args)
    cassette = Cassette.create(args.cassette, upstream.describe())
    try:
        code = run_command(root, command, record=(cassette, upstream))
    except BaseException:
        cassette.abandon()
        raise
    cassette.close()
    print(f"Recorded {cassette.summary()}; the command exited with {code}.", flush=True)
    return code


def _drift(root: Path, path: Path) -> int:
    """``drift``: the cassette's questions asked of the generated archive, their shapes compared."""
    from .replay.drift import compare, report
    from .serve import running_archive

    try:
        cassette = Cassette.open(path)
        with running_archive(root) as archive:
            differences = compare(cassette, archive.env)
    except (CassetteError, DataNotBuiltError) as exc:
        print(f"offline_archive drift: {exc}", file=sys.stderr)
        return 2
    print(report(differences, cassette), flush=True)
    return 1 if differences else 0


def _shaping(args: argparse.Namespace) -> Shaping:
    """The command line's latency and bandwidth, each falling back on its environment variable."""
    from_env = Shaping.from_env()
    latency = args.latency_ms if args.latency_ms is not None else from_env.latency_ms
    bandwidth = args.bandwidth_mbps if args.bandwidth_mbps is not None else from_env.bandwidth_mbps
    return Shaping(latency_ms=latency, bandwidth_mbps=bandwidth)


if __name__ == "__main__":
    sys.exit(main())
