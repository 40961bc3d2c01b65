"""Build the suite's static website from executed notebooks (``make run`` calls this).

    python tools/build_site.py build/*.ipynb --output build/site

The pages come from ``site/`` (``conf.py``, the landing page and the launch instructions) and
from the executed notebooks, rendered by Sphinx with myst-nb and the sphinx-book-theme, all
installed from pip and run offline.  The landing page's learning path is written from the
notebooks themselves (title, first paragraph, learning goals, time to run), so a new notebook
appears on it without editing anything.

The site must work opened from disk and never make a request to another machine, so:

* bokeh plots must carry BokehJS inline: the notebooks are executed with
  ``BOKEH_RESOURCES=inline`` (``make run`` sets it); a notebook whose bokeh output loads BokehJS
  from a CDN is refused here, with that advice;
* matplotlib's ``to_jshtml()`` animations link Font Awesome 4 from a CDN for their button icons;
  that ``<link>`` is dropped from the copies of the outputs, and the theme's own Font Awesome
  (bundled in the site) draws the same ``fa`` icons.

The site is built in a staging folder and moved into place only when Sphinx succeeds, so a
failed build never leaves a half-written site behind.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlparse

import nbformat
from nbformat import NotebookNode

import notebook_parts

ROOT = Path(__file__).resolve().parents[1]
SITE_SOURCES = ROOT / "site"
LEARNING_PATH_MARK = "<!-- learning-path -->"
BINDERHUB = "https://mybinder.org"

# matplotlib's HTMLWriter (to_jshtml) writes this stylesheet link before its player.
_REMOTE_ICON_CSS = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*"\s*/?>\s*', re.IGNORECASE
)
# bokeh's output_notebook() lists the BokehJS files it fetches; empty when inlined.
_BOKEH_JS_URLS = re.compile(r"const js_urls = \[([^\]]*)\]")


class SiteBuildError(Exception):
    """The site cannot be built from these notebooks; the message says why and what to do."""


def repository_settings(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, str]:
    """The repository's public address and branch, from ``[project.urls]`` and ``[tool.tutorial-site]``.

    Returns
    -------
    tuple of str
        ``(repository_url, branch)``.
    """
    data = tomllib.loads(pyproject.read_text())
    url = data.get("project", {}).get("urls", {}).get("Repository")
    if not url:
        raise SiteBuildError(
            f"{pyproject} has no [project.urls] Repository address; add the repository's "
            "public URL there (the site's Binder and repository links are made from it)."
        )
    branch = data.get("tool", {}).get("tutorial-site", {}).get("branch", "main")
    return url.rstrip("/"), branch


def binder_url(repository_url: str, branch: str, path: str | None = None) -> str:
    """The mybinder.org address that builds ``repository_url`` at ``branch`` and opens ``path`` in JupyterLab.

    Parameters
    ----------
    repository_url : str
        For example ``https://github.com/owner/repo``.  GitHub and GitLab addresses get Binder's
        short forms; any other git address is passed whole.
    branch : str
    path : str, optional
        A file or folder inside the repository; by default the ``notebooks`` folder.
    """
    parsed = urlparse(repository_url)
    parts = parsed.path.strip("/").removesuffix(".git").split("/")
    if parsed.netloc == "github.com" and len(parts) == 2:
        base = f"{BINDERHUB}/v2/gh/{parts[0]}/{parts[1]}/{branch}"
    elif parsed.netloc == "gitlab.com" and len(parts) == 2:
        base = f"{BINDERHUB}/v2/gl/{parts[0]}%2F{parts[1]}/{branch}"
    else:
        base = f"{BINDERHUB}/v2/git/{quote(repository_url, safe='')}/{branch}"
    return f"{base}?urlpath=lab/tree/{path or 'notebooks'}"


def check_executed(nb: NotebookNode, name: str) -> None:
    """Refuse a notebook that was not executed (no code cell has an execution count)."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if code and not any(cell.get("execution_count") for cell in code):
        raise SiteBuildError(
            f"{name} has not been executed: the site shows notebooks with their outputs. "
            "Build it with `make run`, which executes every notebook first."
        )


def localise_outputs(nb: NotebookNode, name: str) -> int:
    """Make the outputs of ``nb`` load nothing remote; returns how many outputs were changed.

    Raises
    ------
    SiteBuildError
        If a bokeh output fetches BokehJS from a CDN (the notebook was executed without
        ``BOKEH_RESOURCES=inline``).
    """
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("application/javascript", "application/vnd.bokehjs_load.v0+json"):
                urls = _BOKEH_JS_URLS.search(data.get(mime, ""))
                if urls and "http" in urls.group(1):
                    raise SiteBuildError(
                        f"{name} loads BokehJS from the internet ({urls.group(1).split(',')[0]} ...). "
                        "Execute the notebooks with BOKEH_RESOURCES=inline in the environment, as "
                        "`make run` does, so the site carries BokehJS itself."
                    )
            html = data.get("text/html")
            if html and _REMOTE_ICON_CSS.search(html):
                data["text/html"] = _REMOTE_ICON_CSS.sub("", html)
                changed += 1
    return changed


def caption_text(cell: NotebookNode) -> str:
    """A caption cell's text on one line, without its "Figure:" label or markdown emphasis."""
    text = notebook_parts.CAPTION.sub("", cell.source, count=1)
    text = re.sub(r"^\s*(\*{1,2}|_{1,2})\s*", "", text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def describe_figures(nb: NotebookNode) -> int:
    """Give each figure image the text of the caption that follows its cell, as its alt text.

    myst-nb names an output image by its file name unless the cell's metadata sets ``alt``; the
    caption under the figure is the description a screen reader should read.  Returns how many
    cells got one.
    """
    described = 0
    for cell, following in zip(nb.cells, nb.cells[1:], strict=False):
        has_image = any(
            mime.startswith("image/") for output in cell.get("outputs", []) for mime in output.get("data", {})
        )
        if cell.cell_type == "code" and has_image and notebook_parts.is_caption(following):
            options = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
            options["alt"] = caption_text(following)
            described += 1
    return described


def launch_cell(binder: str) -> NotebookNode:
    """The note placed under each notebook's title on its page: where to run it."""
    return nbformat.v4.new_markdown_cell(
        f"*Run this notebook yourself:* [open it on Binder]({binder}) (nothing to install; it reaches the "
        "real MAST archive), or follow the [steps for TIKE, the Roman Research Nexus or your own "
        "computer](launch.md)."
    )


def learning_path(notebooks: list[tuple[str, NotebookNode]]) -> str:
    """The landing page's learning path: one section per notebook, in order, and the table of contents."""
    blocks = []
    for step, (name, nb) in enumerate(notebooks, start=1):
        title = notebook_parts.title(nb)
        lines = [f"### Step {step}: {title}", "", notebook_parts.introduction(nb), ""]
        goals = notebook_parts.bullets(notebook_parts.section(nb, "Learning goals"))
        if goals:
            lines += ["You will learn to:", ""] + [f"- {goal}" for goal in goals] + [""]
        time_to_run = " ".join(notebook_parts.section(nb, "Time to run").split())
        if time_to_run:
            lines += [f"*Time to run:* {time_to_run}", ""]
        lines += [f"Read [{title}]({name}).", ""]
        blocks.append("\n".join(lines))
    toctree = ["```{toctree}", ":hidden:", ":maxdepth: 1", ""]
    toctree += [name.removesuffix(".ipynb") for name, _ in notebooks] + ["launch", "```", ""]
    return "\n".join(blocks) + "\n" + "\n".join(toctree)


def stage(notebook_paths: list[Path], staging: Path, repository_url: str, branch: str) -> None:
    """Write the Sphinx sources: ``site/``, the settings, the landing page and the notebooks."""
    shutil.copytree(SITE_SOURCES, staging, ignore=shutil.ignore_patterns("__pycache__"))
    (staging / "site_settings.json").write_text(
        json.dumps(
            {
                "repository_url": repository_url,
                "branch": branch,
                "binder_url": binder_url(repository_url, branch),
            },
            indent=1,
        )
    )
    notebooks = []
    for path in notebook_paths:
        nb = nbformat.read(path, as_version=4)
        check_executed(nb, path.name)
        localise_outputs(nb, path.name)
        describe_figures(nb)
        nb.cells.insert(1, launch_cell(binder_url(repository_url, branch, f"notebooks/{path.name}")))
        nbformat.write(nb, staging / path.name)
        notebooks.append((path.name, nb))
    index = staging / "index.md"
    text = index.read_text()
    if LEARNING_PATH_MARK not in text:
        raise SiteBuildError(
            f"{SITE_SOURCES / 'index.md'} lacks the line {LEARNING_PATH_MARK!r} "
            "that marks where the learning path goes; put it back."
        )
    index.write_text(text.replace(LEARNING_PATH_MARK, learning_path(notebooks)))


def build(
    notebook_paths: list[Path], output: Path, repository_url: str, branch: str, work: Path | None = None
) -> Path:
    """Build the site into ``output`` (replacing it only on success); returns ``output``.

    Parameters
    ----------
    notebook_paths : list of pathlib.Path
        Executed notebooks, in learning order.
    output : pathlib.Path
        The site's folder; ``index.html`` is its entry page.
    repository_url, branch : str
        Where the launch and repository links point.
    work : pathlib.Path, optional
        Folder for the staging sources and Sphinx's caches (default: ``<output>.work``).
    """
    if not notebook_paths:
        raise SiteBuildError(
            "No notebooks were given; run `make run`, which executes them and builds the site."
        )
    missing = [str(p) for p in notebook_paths if not p.is_file()]
    if missing:
        raise SiteBuildError(f"These notebooks do not exist: {', '.join(missing)}. Run `make run` first.")
    work = work or output.with_name(output.name + ".work")
    shutil.rmtree(work, ignore_errors=True)
    staging, html = work / "src", work / "html"
    stage(notebook_paths, staging, repository_url, branch)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-W",
            "--keep-going",
            "-d",
            str(work / "doctrees"),
            str(staging),
            str(html),
        ],
        check=False,
    )
    if result.returncode != 0:
        raise SiteBuildError(
            f"Sphinx failed (exit code {result.returncode}); its messages are above. "
            f"The sources it read are in {staging}."
        )
    old = output.with_name(output.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    html.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="executed notebooks, in learning order")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "site")
    args = parser.parse_args(argv)
    try:
        repository_url, branch = repository_settings()
        site = build(sorted(args.notebooks, key=lambda p: p.name), args.output, repository_url, branch)
    except SiteBuildError as exc:
        print(f"build_site: {exc}", file=sys.stderr)
        return 1
    print(f"The site is in {site.resolve()}/ (open index.html, or serve the folder).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
