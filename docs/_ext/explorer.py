"""Interactive figures over numbers the library computes at build time (docs/explorer/).

A page places one figure with the ``explorer`` directive::

    ```{explorer} flow
    activation
    : Activation function
    grid
    : Width {width}, batch {batch} ...
    ```

The content is a definition list: each term is a label key (not translated), each
definition its text (translated through the page's gettext catalog like any paragraph).
The HTML writer turns the translated list into the controls, and hands the figure's own
labels to the browser as a JSON attribute, so one English source gives both languages.
``{placeholders}`` in a definition are filled from the data (grids, sizes).

The data (docs/_ext/explorer_data.py) is computed once and cached in
``docs/_build/explorer/`` under a digest of the library's and this code's sources: by
``python docs/_ext/explorer.py``, which docs/build.py runs beside the galleries, before
either language reads its pages (docs/_ext/read_after.py), so that both builds and
unchanged rebuilds find it. At ``env-before-read-docs`` (not earlier: after that wait)
each build loads it, computing it only if it is missing, and writes it as
``_static/explorer/*.js`` files together with Plotly's bundle from the ``plotly`` Python
package, so the pages work offline and from ``file://`` (no fetch of JSON, no CDN).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import time
from collections.abc import Callable
from importlib.util import find_spec
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import explorer_data as data
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent / "src" / "vanishing"
OUT = HERE.parent / "_build" / "explorer"
#: Added to html_static_path: its explorer/ folder becomes _static/explorer/.
STATIC_ROOT = OUT / "static"
STATIC = STATIC_ROOT / "explorer"

#: name -> function computing that explorer's data.
EXPLORERS: dict[str, Callable[..., dict]] = {
    "flow": data.flow_data,
    "phase": data.phase_data,
    "rnn": data.rnn_data,
}
#: Activation names shown as written in every language (vanishing.activations.LABELS).
from vanishing.activations import LABELS  # noqa: E402

#: Label keys each explorer's controls and figures read (a missing one is a build error).
REQUIRED = {
    "flow": ["activation", "init", *(f"init-{k}" for k in data.FLOW_INITS), "init-sigma", "sw2",
             "sb2", "depth", "batch_norm", "residual", "layer", "rms", "forward", "backward",
             "measured", "predicted", "sigmas", "no-edge-negative_bias", "no-edge-unstable",
             "no-meanfield", "sigma-plain", "figure", "noscript", "grid"],
    "phase": ["activation", "sw2", "sb2", "chi1", "xi_c", "q_star", "no-fixed-point", "diagram",
              "colorbar", "critical", "chosen", "layer", "correlation", "simulated", "predicted",
              "figure", "noscript", "grid"],
    "rnn": ["activation", "activation-identity", "norm", "clip", "step", "grad_norm",
            "unclipped", "clipped", "factor", "figure", "noscript", "grid"],
}  # fmt: skip


class explorer_node(nodes.General, nodes.Element):
    """An explorer figure; its child is the (translated) definition list of labels."""


class ExplorerDirective(SphinxDirective):
    """``{explorer} NAME`` with a definition list of labels as content."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in EXPLORERS:
            raise self.error(f"unknown explorer {name!r}; known: {', '.join(EXPLORERS)}")
        node = explorer_node(explorer=name)
        self.state.nested_parse(self.content, self.content_offset, node)
        lists = [child for child in node.children if isinstance(child, nodes.definition_list)]
        if len(lists) != 1 or len(node.children) != 1:
            raise self.error("the content of an explorer must be one definition list of labels")
        for term in node.findall(nodes.term):
            term["translatable"] = False  # a key, not text
        missing = set(REQUIRED[name]) - set(labels_of(node))
        if missing:
            raise self.error(f"explorer {name!r} needs labels for: {', '.join(sorted(missing))}")
        return [node]


def labels_of(node: explorer_node) -> dict[str, str]:
    """The (translated) definition list as ``{key: text}``."""
    out = {}
    for item in node.findall(nodes.definition_list_item):
        key = item.next_node(nodes.term).astext().strip()
        out[key] = item.next_node(nodes.definition).astext().strip()
    return out


# --------------------------------------------------------------------------------------
# HTML: the controls, from the labels
# --------------------------------------------------------------------------------------
def _select(uid: str, key: str, label: str, options: list[tuple[str, str]]) -> str:
    opts = "".join(
        f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in options
    )
    return (
        f'<div class="explorer-control"><label for="{uid}-{key}">{html.escape(label)}</label>'
        f'<select id="{uid}-{key}" data-control="{key}">{opts}</select></div>'
    )


def _range(uid: str, key: str, label: str, values: list[Any], start: int = 0) -> str:
    return (
        f'<div class="explorer-control"><label for="{uid}-{key}">{html.escape(label)}</label>'
        f'<input type="range" id="{uid}-{key}" data-control="{key}" min="0" '
        f'max="{len(values) - 1}" step="1" value="{start}" '
        f"data-values='{json.dumps(values)}' aria-valuetext=\"{values[start]}\">"
        f'<output for="{uid}-{key}" data-output="{key}">{values[start]}</output></div>'
    )


def _check(uid: str, key: str, label: str) -> str:
    return (
        f'<div class="explorer-control explorer-check"><input type="checkbox" id="{uid}-{key}" '
        f'data-control="{key}"><label for="{uid}-{key}">{html.escape(label)}</label></div>'
    )


def _controls(name: str, uid: str, labels: dict[str, str]) -> str:
    """The form controls of one explorer, in reading order."""
    if name == "flow":
        inits = [(k, labels[f"init-{k}"]) for k in data.FLOW_INITS] + [
            ("sigma", labels["init-sigma"])
        ]
        return "".join([
            _select(uid, "activation", labels["activation"],
                    [(a, LABELS[a]) for a in data.FLOW_ACTIVATIONS]),
            _select(uid, "init", labels["init"], inits),
            _range(uid, "sw2", labels["sw2"], list(data.FLOW_SW2), 1),
            _range(uid, "sb2", labels["sb2"], list(data.FLOW_SB2)),
            _range(uid, "depth", labels["depth"], list(data.FLOW_DEPTHS),
                   len(data.FLOW_DEPTHS) - 1),
            _check(uid, "batch_norm", labels["batch_norm"]),
            _check(uid, "residual", labels["residual"]),
        ])  # fmt: skip
    if name == "phase":
        sw2, sb2 = data.phase_points()
        return "".join([
            _select(uid, "activation", labels["activation"],
                    [(a, LABELS[a]) for a in data.PHASE_ACTIVATIONS]),
            _range(uid, "sw2", labels["sw2"], [float(v) for v in sw2], 2),
            _range(uid, "sb2", labels["sb2"], [float(v) for v in sb2], 1),
        ])  # fmt: skip
    return "".join([
        _select(uid, "activation", labels["activation"],
                [(a, labels.get(f"activation-{a}", LABELS[a])) for a in data.RNN_ACTIVATIONS]),
        _range(uid, "norm", labels["norm"], list(data.RNN_NORMS), data.RNN_NORMS.index(1.0)),
        _check(uid, "clip", labels["clip"]),
    ])  # fmt: skip


def grid_facts(name: str) -> dict[str, Any]:
    """Numbers the page's grid sentence states, from the data module."""
    if name == "flow":
        return {
            "width": data.FLOW_WIDTH, "batch": data.FLOW_BATCH,
            "depths": ", ".join(map(str, data.FLOW_DEPTHS)),
            "sw2": ", ".join(f"{v:g}" for v in data.FLOW_SW2),
            "sb2": ", ".join(f"{v:g}" for v in data.FLOW_SB2),
        }  # fmt: skip
    if name == "phase":
        sw2, sb2 = data.phase_points()
        return {
            "sw2_lo": f"{data.PHASE_SW2[0]:g}", "sw2_hi": f"{data.PHASE_SW2[-1]:g}",
            "sw2_step": f"{data.PHASE_SW2[1] - data.PHASE_SW2[0]:g}",
            "sb2_lo": f"{data.PHASE_SB2[0]:g}", "sb2_hi": f"{data.PHASE_SB2[-1]:g}",
            "sb2_step": f"{data.PHASE_SB2[1] - data.PHASE_SB2[0]:g}",
            "n_sw2": len(sw2), "n_sb2": len(sb2), "width": data.PHASE_WIDTH,
            "depth": data.PHASE_DEPTH, "pairs": data.PHASE_PAIRS, "c0": f"{data.PHASE_C0:g}",
        }  # fmt: skip
    return {
        "lo": f"{data.RNN_NORMS[0]:g}", "hi": f"{data.RNN_NORMS[-1]:g}",
        "step": f"{data.RNN_NORMS[1] - data.RNN_NORMS[0]:g}", "steps": data.RNN_STEPS,
        "hidden": data.RNN_HIDDEN, "batch": data.RNN_BATCH, "max_norm": f"{data.RNN_MAX_NORM:g}",
    }  # fmt: skip


def visit_explorer_html(self: Any, node: explorer_node) -> None:
    name = node["explorer"]
    labels = labels_of(node)
    facts = grid_facts(name)
    labels["grid"] = labels["grid"].format(**facts)  # other {placeholders} are the browser's
    uid = f"explorer-{name}"
    self.body.append(
        f'<div class="explorer" id="{uid}" data-explorer="{name}" '
        f"data-labels='{html.escape(json.dumps(labels, ensure_ascii=False), quote=True)}'>"
        f'<form class="explorer-controls" onsubmit="return false">{_controls(name, uid, labels)}'
        "</form>"
        f'<p class="explorer-status" role="status" aria-live="polite"></p>'
        f'<div class="explorer-plots"></div>'
        f'<p class="explorer-grid">{html.escape(labels["grid"])}</p>'
        "<noscript><p>" + html.escape(labels["noscript"]) + "</p></noscript></div>"
    )
    raise nodes.SkipNode


def skip_node(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


# --------------------------------------------------------------------------------------
# data, computed once and cached in docs/_build
# --------------------------------------------------------------------------------------
def source_digest() -> str:
    """Digest of everything the numbers depend on: the library, this code and NumPy."""
    import numpy

    h = hashlib.sha256(numpy.__version__.encode())
    for path in [*sorted(SRC.glob("*.py")), HERE / "explorer_data.py"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def compute_all() -> tuple[dict[str, dict], dict[str, float]]:
    """Every explorer's data and the seconds each took (the gradient flow on two processes)."""
    out, seconds = {}, {}
    with get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
        for name, fn in EXPLORERS.items():
            start = time.perf_counter()
            out[name] = fn(pool.map) if name == "flow" else fn()
            seconds[name] = time.perf_counter() - start
    return out, seconds


def ensure_data() -> tuple[dict[str, Any], str]:
    """Every explorer's data: from the cache if it was computed from these sources, else
    computed now and cached; and how (``"cached"`` or the seconds per explorer)."""
    cache = OUT / f"data-{source_digest()}.json"
    if cache.is_file():
        return json.loads(cache.read_text()), "cached"
    all_data, seconds = compute_all()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("data-*.json"):
        old.unlink()
    text = json.dumps(all_data, separators=(",", ":"))
    _write_atomically(cache, lambda path: path.write_text(text))
    return all_data, ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """``write(path)`` `target`'s new content beside it, then move it into place: a process
    reading `target` meanwhile (the other language's build) sees the old file or the new
    one, never a part of one."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    write(partial)
    partial.replace(target)


def write_static(app: Sphinx) -> None:
    """Compute or load the data; write the data scripts and Plotly into the static folder."""
    if app.builder.format != "html":
        return
    all_data, how = ensure_data()
    if how != "cached":
        logger.info(f"[explorer] computed the explorers' data: {how}")
    STATIC.mkdir(parents=True, exist_ok=True)
    for name, value in all_data.items():
        text = json.dumps(value, separators=(",", ":"))
        script = (
            f"(window.vanishingExplorerData=window.vanishingExplorerData||{{}}).{name}={text};\n"
        )
        target = STATIC / f"{name}.js"
        if not target.is_file() or target.read_text() != script:
            _write_atomically(target, lambda path, text=script: path.write_text(text))
    spec = find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the explorers need the plotly package (pip install plotly)")
    bundle = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    target = STATIC / "plotly.min.js"
    if not target.is_file() or target.stat().st_size != bundle.stat().st_size:
        _write_atomically(target, lambda path: shutil.copyfile(bundle, path))


def add_static_path(app: Sphinx, config: Any) -> None:
    """Serve docs/_build/explorer/static/explorer/ as _static/explorer/."""
    STATIC.mkdir(parents=True, exist_ok=True)
    config.html_static_path = [*config.html_static_path, str(STATIC_ROOT)]


def page_scripts(app: Sphinx, pagename: str, templatename: str, context: Any, doctree: Any) -> None:
    """Load Plotly, the data and the glue only on pages that hold an explorer."""
    if doctree is None:
        return
    names = {node["explorer"] for node in doctree.findall(explorer_node)}
    if not names:
        return
    app.add_js_file("explorer/plotly.min.js")
    for name in sorted(names):
        app.add_js_file(f"explorer/{name}.js")
    app.add_js_file("explorer.js")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(
        explorer_node,
        html=(visit_explorer_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("explorer", ExplorerDirective)
    app.connect("config-inited", add_static_path)
    # after read_after's wait (priority 2)
    app.connect("env-before-read-docs", lambda app, env, docnames: write_static(app), priority=1000)
    app.connect("html-page-context", page_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # docs/build.py: compute the data before the builds read
    import mplsetup  # docs/_ext: the build's timing record

    started = time.perf_counter()
    _, how = ensure_data()
    mplsetup.record_process("explorer-data", started)
    if how != "cached":
        print(f"[explorer] computed the explorers' data: {how}", flush=True)
