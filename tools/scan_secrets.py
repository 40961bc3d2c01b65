"""Look for credentials in the repository and in executed notebooks, with detect-secrets.

``python tools/scan_secrets.py`` scans every file git tracks and every executed notebook under
``build/`` (``make run`` writes them), and exits with status 1 listing what it found.
``make test`` runs the same scan through ``tests/test_secrets.py``.

Notebooks are scanned as what a reader sees: cell sources and text outputs.  Images and other
binary outputs are left out (base64 pixels look like random keys to an entropy detector), and so
are binary payloads embedded in text outputs: a run of 256 or more base64 characters (bokeh's
gzipped arrays, inline images) is replaced by a placeholder.  No credential format is one unbroken
base64 run that long (AWS secrets are 40 characters, Azure keys 88; JWTs have dots; PEM private
keys have line breaks and a ``BEGIN`` line that is detected on its own).  BokehJS, which ``make
run`` puts inline, carries an unsigned session token, base64 of ``{"session_id": "default"}``:
a base64 string that decodes to a JSON object holding nothing but a ``session_id`` is replaced
too (a signed token has dots and a signature, and is still scanned).  matplotlib's HTML
animations name their elements and script variables with a random ``uuid4().hex``
(``_anim_loop_select<hex>``, ``anim<hex>``), which now and then scores as a high-entropy string:
the hex of each animation's ``_anim_img`` is replaced by ``<id>`` wherever it stands; the frames
themselves are PNG data URIs whose base64 is wrapped every 76 characters (JavaScript string lines
ending in a backslash), and each is replaced whole.  BokehJS itself, some 4 MB of JavaScript that
``output_notebook`` puts inline, is left out line by line: a line equal, whitespace aside, to a line
of the installed bokeh's own library files is the library, not something a notebook printed.  A line
that must hold something credential-shaped on purpose would carry detect-secrets' inline
``pragma: allowlist secret`` comment (none does today); nothing else is allowed.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

ROOT = Path(__file__).resolve().parents[1]
#: Output types whose content a reader sees as text.
TEXT_MIMETYPES = (
    "text/plain",
    "text/html",
    "text/markdown",
    "text/latex",
    "application/json",
    "application/javascript",
)
#: An unbroken run of base64 this long is a binary payload, not a credential.
BINARY_RUN = re.compile(r"[A-Za-z0-9+/]{256,}={0,2}")
#: matplotlib's HTML animations (``to_jshtml``) name their image ``_anim_img`` plus a random
#: ``uuid4().hex``, and reuse that hex in every element and script name of the animation.
ANIMATION_ID = re.compile(r"_anim_img([0-9a-f]{32})")
#: An image as a data URI whose base64 is wrapped as a JavaScript string: ``\\`` and a line break.
WRAPPED_DATA_URI = re.compile(r"data:image/[\w.+-]+;base64,(?:[A-Za-z0-9+/]+\\\n)*[A-Za-z0-9+/]*={0,2}")
#: Lines shorter than this are never taken for BokehJS (``});`` could stand anywhere).
LIBRARY_LINE_MIN = 40
#: Base64 (or base64url) of a JSON object: it starts with ``{"``.
JSON_TOKEN = re.compile(r"eyJ[A-Za-z0-9_\-+/]+={0,2}")


@dataclass(frozen=True)
class Finding:
    """Something that looks like a credential: where, and what kind."""

    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def notebook_text(path: Path) -> str:
    """A notebook's cell sources and text outputs, one after the other."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb.get("cells", []):
        parts.append("".join(cell.get("source", [])))
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append("".join(output["text"]))
            for mimetype, value in output.get("data", {}).items():
                if mimetype in TEXT_MIMETYPES:
                    parts.append(
                        value
                        if isinstance(value, str)
                        else "".join(value)
                        if isinstance(value, list)
                        else json.dumps(value)
                    )
            if output.get("output_type") == "error":
                parts.append(output.get("evalue", ""))
    text = "\n".join(_without_bokehjs("\n".join(parts).split("\n")))
    text = WRAPPED_DATA_URI.sub("<image data>", text)
    text = BINARY_RUN.sub(lambda m: f"<{len(m.group())} characters of base64 data>", text)
    for animation in set(ANIMATION_ID.findall(text)):
        text = text.replace(animation, "<id>")
    return JSON_TOKEN.sub(_session_token_elided, text)


@functools.cache
def _bokehjs_lines() -> frozenset[str]:
    """The lines of the installed BokehJS (``bokeh.resources.INLINE``), stripped of indentation."""
    from bokeh.resources import INLINE

    return frozenset(
        stripped
        for source in INLINE.js_raw
        for line in source.splitlines()
        if len(stripped := line.strip()) >= LIBRARY_LINE_MIN
    )


def _without_bokehjs(lines: list[str]) -> list[str]:
    """``lines`` with each line of the BokehJS library replaced by a placeholder (line count kept)."""
    library = _bokehjs_lines()
    return ["<a line of BokehJS>" if line.strip() in library else line for line in lines]


def _session_token_elided(match: re.Match) -> str:
    """A bokeh session token (JSON with only a ``session_id``) as a placeholder; else unchanged."""
    token = match.group()
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):  # not base64 of JSON after all
        return token
    return "<bokeh session token>" if isinstance(payload, dict) and set(payload) == {"session_id"} else token


def _scan(paths: list[Path]) -> SecretsCollection:
    secrets = SecretsCollection()
    with default_settings():
        secrets.scan_files(*(str(p) for p in paths), num_processors=1)
    return secrets


def scan_files(paths: list[Path], root: Path = ROOT) -> list[Finding]:
    """Scan files; notebooks (``.ipynb``) through :func:`notebook_text`.

    Parameters
    ----------
    paths : list of pathlib.Path
        The files.
    root : pathlib.Path
        Findings name paths relative to this directory when they lie inside it.

    Returns
    -------
    list of Finding
    """
    plain = [p for p in paths if p.suffix != ".ipynb" and p.is_file()]
    notebooks = [p for p in paths if p.suffix == ".ipynb" and p.is_file()]
    findings = []
    for filename, secret in _scan(plain):
        findings.append(Finding(_shown(Path(filename), root), secret.line_number, secret.type))
    with tempfile.TemporaryDirectory(prefix="scan-notebooks-") as tmp:
        texts = {}
        for index, notebook in enumerate(notebooks):
            text_file = Path(tmp) / f"{index}-{notebook.stem}.txt"
            text_file.write_text(notebook_text(notebook), encoding="utf-8")
            texts[text_file.resolve()] = notebook
        for filename, secret in _scan(list(texts)):
            # detect-secrets names files relative to the working directory: resolve to look up.
            findings.append(
                Finding(
                    _shown(texts[Path(filename).resolve()], root) + " (text of cells and outputs)",
                    secret.line_number,
                    secret.type,
                )
            )
    return sorted(findings, key=lambda f: (f.path, f.line))


def _shown(path: Path, root: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def tracked_files(root: Path = ROOT) -> list[Path]:
    """The files git tracks in ``root``'s repository."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [root / name for name in names.decode().split("\0") if name]


def executed_notebooks(root: Path = ROOT) -> list[Path]:
    """Executed notebooks ``make run`` left in ``build/`` (none on a fresh clone)."""
    return sorted((root / "build").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="scan these instead of the repository and build/")
    args = parser.parse_args(argv)
    paths = args.paths or tracked_files() + executed_notebooks()
    findings = scan_files(paths)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} possible credential(s) in {len(paths)} file(s).")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
