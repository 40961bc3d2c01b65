"""The credential scan of `make test`: the repository and executed notebooks hold no secrets.

The scanner (tools/scan_secrets.py, detect-secrets underneath) is shown to catch a planted
AWS-style key, in a plain file and in a notebook's output, before it is trusted to say "none".
"""

from __future__ import annotations

import importlib.util
import json
import random
import string
import sys
from pathlib import Path

import nbformat
import pytest

import notebook_parts

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("scan_secrets", ROOT / "tools" / "scan_secrets.py")
scan_secrets = sys.modules.setdefault("scan_secrets", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(scan_secrets)


def _fake_aws_key() -> tuple[str, str]:
    """An access key id and secret shaped like AWS's, made up now (so that none sits in this file)."""
    rng = random.Random()
    key_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    secret = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return key_id, secret


def test_a_planted_aws_key_is_caught(tmp_path):
    key_id, secret = _fake_aws_key()
    planted = tmp_path / "settings.py"
    # The two settings boto3 reads, with the made-up values: a settings file as a leak looks.
    settings = {"aws_access_key_id": key_id, "aws_secret_access_key": secret}
    planted.write_text("".join(f'{name} = "{value}"\n' for name, value in settings.items()))
    found = scan_secrets.scan_files([planted], root=tmp_path)
    assert {f.kind for f in found} >= {"AWS Access Key"}
    assert {f.line for f in found} == {1, 2}


def test_a_key_printed_by_a_notebook_is_caught_and_pictures_are_not(tmp_path):
    key_id, secret = _fake_aws_key()
    picture = "".join(
        random.Random(1).choice(string.ascii_letters + string.digits + "+/") for _ in range(4000)
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print(credentials)",
                outputs=[
                    nbformat.v4.new_output("display_data", data={"image/png": picture}),
                    nbformat.v4.new_output("stream", name="stdout", text=f"{key_id} {secret}\n"),
                ],
            )
        ]
    )
    nbformat.write(nb, tmp_path / "leaky.ipynb")
    found = scan_secrets.scan_files([tmp_path / "leaky.ipynb"], root=tmp_path)
    assert found and all(f.path.startswith("leaky.ipynb") for f in found)
    assert "AWS Access Key" in {f.kind for f in found}

    nb.cells[0].outputs.pop()  # only the picture is left
    nbformat.write(nb, tmp_path / "picture.ipynb")
    assert scan_secrets.scan_files([tmp_path / "picture.ipynb"], root=tmp_path) == []


def test_the_allowlist_is_one_line_wide(tmp_path):
    """A credential-shaped line passes only when it carries detect-secrets' pragma itself."""
    key_id, secret = _fake_aws_key()
    pragma = "  # pragma: allowlist secret"
    (tmp_path / "allowed.py").write_text(f'KEY = "{key_id}"{pragma}\nSECRET = "{secret}"{pragma}\n')
    assert scan_secrets.scan_files([tmp_path / "allowed.py"], root=tmp_path) == []
    (tmp_path / "copy.py").write_text(f'KEY = "{key_id}"{pragma}\nSECRET = "{secret}"\n')
    found = scan_secrets.scan_files([tmp_path / "copy.py"], root=tmp_path)
    assert found and {f.line for f in found} == {2}, "the pragma of one line does not cover the next"


def test_the_repository_holds_no_credentials():
    files = scan_secrets.tracked_files()
    assert len(files) > 20 and ROOT / "pyproject.toml" in files
    assert scan_secrets.scan_files(files) == []


@pytest.mark.parametrize(
    "notebook",
    [
        pytest.param(p, id=p.name, marks=pytest.mark.notebook(p))
        for p in notebook_parts.suite_notebooks(ROOT / "notebooks")
    ],
)
def test_the_test_executions_print_no_credentials(notebook, executed_notebook, tmp_path):
    """Each notebook's execution in this session, scanned in its group as soon as it has run."""
    executed = executed_notebook(notebook)
    copy = tmp_path / notebook.name
    nbformat.write(executed.nb, copy)
    assert any(cell.get("outputs") for cell in executed.nb.cells), "an executed notebook"
    assert scan_secrets.scan_files([copy], root=tmp_path) == []


@pytest.mark.parametrize(
    "notebook", scan_secrets.executed_notebooks() or [None], ids=lambda p: p.name if p else "none-in-build"
)
def test_executed_notebooks_print_no_credentials(notebook):
    """Notebooks `make run` executed into build/ (`make test-site` alone; `make test` scans its own
    executions above, and the load test the ones it executes)."""
    if notebook is None:
        assert not list((ROOT / "build").glob("*.ipynb"))
        return
    assert json.loads(notebook.read_text())["cells"], "an executed notebook"
    assert scan_secrets.scan_files([notebook]) == []


def test_findings_in_several_notebooks_name_each_notebook(tmp_path, monkeypatch):
    """detect-secrets names files relative to the working directory when it scans several."""
    key_id, secret = _fake_aws_key()
    for name, text in (("clean", "nothing to see\n"), ("leaky", f"{key_id} {secret}\n")):
        cell = nbformat.v4.new_code_cell(
            "print(x)", outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)]
        )
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / f"{name}.ipynb")
    elsewhere = tmp_path / "a" / "b" / "c"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    found = scan_secrets.scan_files([tmp_path / "clean.ipynb", tmp_path / "leaky.ipynb"], root=tmp_path)
    assert found and {f.path.split(" ")[0] for f in found} == {"leaky.ipynb"}


def test_embedded_binary_payloads_are_skipped_but_a_key_beside_them_is_not(tmp_path):
    """A bokeh document carries gzipped arrays as base64 inside its HTML; they are not keys."""
    import base64
    import gzip

    payload = base64.b64encode(gzip.compress(random.Random(2).randbytes(3000))).decode()
    html = f'<script>const docs_json = {{"array": {{"type": "bytes", "data": "{payload}"}}}};</script>'
    cell = nbformat.v4.new_code_cell(
        "show(p)", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})]
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "bokeh.ipynb")
    assert scan_secrets.scan_files([tmp_path / "bokeh.ipynb"], root=tmp_path) == []

    key_id, secret = _fake_aws_key()
    cell.outputs[0]["data"]["text/html"] = html.replace("</script>", f"</script>{key_id} {secret}")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "bokeh.ipynb")
    found = scan_secrets.scan_files([tmp_path / "bokeh.ipynb"], root=tmp_path)
    assert "AWS Access Key" in {f.kind for f in found}


def test_bokehs_session_token_is_skipped_but_a_token_with_more_in_it_is_not(tmp_path):
    """BokehJS inline carries base64 of {"session_id": "default"}; other JSON tokens are scanned."""
    import base64

    def token(payload: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    bundle = f'n.DEFAULT_TOKEN="{token({"session_id": "default"})}";'
    key_id, secret = _fake_aws_key()
    leaky = f'n.TOKEN="{token({"aws_secret_access_key": secret, "session_id": key_id})}";'
    for name, text in (("bokeh", bundle), ("leaky", leaky)):
        cell = nbformat.v4.new_code_cell(
            "show(p)", outputs=[nbformat.v4.new_output("display_data", data={"application/javascript": text})]
        )
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / f"{name}.ipynb")
    assert scan_secrets.scan_files([tmp_path / "bokeh.ipynb"], root=tmp_path) == []
    assert scan_secrets.scan_files([tmp_path / "leaky.ipynb"], root=tmp_path) != []


def test_matplotlib_animation_ids_are_skipped_but_a_key_beside_them_is_not(tmp_path):
    """to_jshtml names its elements with a random uuid4 hex, which sometimes scores as a key."""
    import re

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1, 1))
    image = ax.imshow([[0.0, 1.0]])
    html = FuncAnimation(fig, lambda i: image.set_data([[i, 1.0]]), frames=2).to_jshtml()
    plt.close(fig)
    ids = re.findall(r"_anim_[a-z0-9_]*?[0-9a-f]{32}", html)
    assert ids, "matplotlib's animation still names its elements with a uuid"
    cell = nbformat.v4.new_code_cell(
        "HTML(anim.to_jshtml())", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})]
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "animation.ipynb")
    text = scan_secrets.notebook_text(tmp_path / "animation.ipynb")
    assert not any(i[-32:] in text for i in ids) and "_anim_loop_select<id>" in text
    assert "<image data>" in text and "data:image/png;base64" not in text, "each frame left out whole"
    assert scan_secrets.scan_files([tmp_path / "animation.ipynb"], root=tmp_path) == []

    key_id, secret = _fake_aws_key()
    cell.outputs[0]["data"]["text/html"] = html + f"<p>{key_id} {secret}</p>"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "animation.ipynb")
    found = scan_secrets.scan_files([tmp_path / "animation.ipynb"], root=tmp_path)
    assert "AWS Access Key" in {f.kind for f in found}


def test_inline_bokehjs_is_left_out_but_a_key_inside_it_is_not(tmp_path):
    """output_notebook() puts the 4 MB library inline; its lines are the installed bokeh's own."""
    from bokeh.resources import INLINE

    library = "\n".join(INLINE.js_raw)
    # As the notebook shows it: the library indented inside the loader's script.
    shown = (
        "(function(root) {\n" + "\n".join("    " + line for line in library.splitlines()) + "\n}(window));"
    )
    cell = nbformat.v4.new_code_cell(
        "output_notebook()",
        outputs=[nbformat.v4.new_output("display_data", data={"application/javascript": shown})],
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "bokeh.ipynb")
    text = scan_secrets.notebook_text(tmp_path / "bokeh.ipynb")
    assert len(library) > 1_000_000 and len(text) < len(library) / 20
    assert scan_secrets.scan_files([tmp_path / "bokeh.ipynb"], root=tmp_path) == []

    key_id, secret = _fake_aws_key()
    lines = shown.splitlines()
    middle = max(range(len(lines)), key=lambda i: len(lines[i]))  # the longest line of the library
    lines[middle] = lines[middle][:5000] + f"{key_id} {secret}" + lines[middle][5000:]
    cell.outputs[0]["data"]["application/javascript"] = "\n".join(lines)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "bokeh.ipynb")
    found = scan_secrets.scan_files([tmp_path / "bokeh.ipynb"], root=tmp_path)
    assert "AWS Access Key" in {f.kind for f in found}
