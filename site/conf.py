"""Sphinx configuration of the suite's website (built by ``tools/build_site.py``, never by hand).

The builder copies this folder and the executed notebooks into a staging folder and writes
``site_settings.json`` beside this file: the repository's address, its branch and the Binder link.
Everything the pages need is served from the site itself; nothing is fetched from the internet,
neither at build time nor when a page is viewed.
"""

import json
from pathlib import Path

_settings = json.loads((Path(__file__).parent / "site_settings.json").read_text())

project = "Cloud archive tutorials"
author = "The cloud archive tutorials authors"
copyright = "the cloud archive tutorials authors"

extensions = ["myst_nb"]

# The notebooks arrive executed (by `make run`, against the offline archive): render their
# stored outputs, never run them again.
nb_execution_mode = "off"
# myst-nb would add require.js and the ipywidgets bundle from CDNs to pages with widgets;
# the suite has no widgets, and the site must not load anything remote.
nb_ipywidgets_js = {}
nb_merge_streams = True

myst_enable_extensions = ["substitution", "colon_fence"]
myst_heading_anchors = 3
myst_substitutions = {
    "binder_link": f"[Launch the suite on Binder]({_settings['binder_url']})",
    "clone_command": f"`git clone {_settings['repository_url']}`",
}

exclude_patterns = ["_build", "site_settings.json", "**/.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": _settings["repository_url"],
    "repository_branch": _settings["branch"],
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "show_toc_level": 2,
}
# The theme reads the colour mode from the page context; without a value it logs a console
# error on a reader's first visit.  "auto" follows the reader's system setting.
html_context = {"default_mode": "auto"}
# A favicon of our own: without one, browsers ask the server for /favicon.ico and log a 404.
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
