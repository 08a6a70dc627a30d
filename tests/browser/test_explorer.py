"""The Explorer pages in headless Chromium, in both languages, over HTTP and from file://.

Every control changes the figure (driven from the keyboard), the plotted numbers equal the
library's (recomputed here with the library's public functions, not with the build's
data code), nothing is requested from outside the site, no console error, labels are in
the page's language, and the figure fits a phone-width screen.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import LANGUAGES, ROOT, Recorder
from vanishing import meanfield
from vanishing.clipping import clip_by_global_norm, global_norm
from vanishing.layers import Dense, Residual
from vanishing.network import MLP
from vanishing.rnn import VanillaRNN, gradient_through_time

# The grids and sizes the pages state (not the code that computes the data).
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import explorer_data as grid

PAGES = {"flow": "gradient-flow", "phase": "order-and-chaos", "rnn": "gradients-through-time"}
SCHEMES = ("http", "file")
#: One pytest-xdist group per explorer (``--dist loadgroup``): its tests run on one worker
#: and share its page loads (fixture ``opened``).
GROUP = {name: pytest.mark.xdist_group(f"explorer:{name}") for name in PAGES}
BY_NAME = [pytest.param(name, marks=GROUP[name]) for name in PAGES]
#: Relative tolerance: the pages carry 4 significant digits.
RTOL = 1e-3

#: Every plotted number and the status line: a change in any of them is a change in the figure.
FIGURE_JS = """(root) => JSON.stringify({
  status: root.querySelector('.explorer-status').textContent,
  plots: [...root.querySelectorAll('.explorer-plot')].map((gd) =>
    (gd.data || []).map((t) => [t.name, t.x, t.y, t.z]))
})"""


@pytest.fixture(scope="module")
def context_for(browser: Browser) -> Iterator[Callable[[int], BrowserContext]]:
    """One browser context per viewport width for the module: its cache keeps Plotly warm."""
    made: dict[int, BrowserContext] = {}

    def _get(width: int) -> BrowserContext:
        if width not in made:
            made[width] = browser.new_context(viewport={"width": width, "height": 900})
        return made[width]

    yield _get
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def opened() -> Iterator[dict[tuple[str, str, str, int], tuple[Page, Recorder]]]:
    """The module's explorer pages by (name, language, scheme, width), loaded once each."""
    pages: dict[tuple[str, str, str, int], tuple[Page, Recorder]] = {}
    yield pages
    for page, _ in pages.values():
        page.close()


@pytest.fixture
def explorer_page(
    context_for: Callable[[int], BrowserContext],
    base_url: str,
    opened: dict[tuple[str, str, str, int], tuple[Page, Recorder]],
) -> Callable[..., tuple[Page, Recorder]]:
    """``explorer_page(name, lang, scheme, width=1200, fresh=False) -> (page, recorder)``.

    The page of that explorer, ready to use. Loading one costs seconds (Plotly and the
    data), so tests that set every control they read share one load (the recorder keeps
    everything since it); ``fresh=True`` loads it anew, with the controls as a reader
    first sees them, and later tests share that one.
    """

    def _open(
        name: str, lang: str, scheme: str, width: int = 1200, fresh: bool = False
    ) -> tuple[Page, Recorder]:
        key = (name, lang, scheme, width)
        if key in opened and not fresh:
            return opened[key]
        root = base_url if scheme == "http" else (ROOT / "docs" / "_build" / "site").as_uri() + "/"
        page = context_for(width).new_page()
        recorder = Recorder(root)
        page.on("request", recorder._request)
        page.on("console", recorder._console)
        page.on("pageerror", lambda exc: recorder.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", lambda req: recorder.failed.append(req.url))
        page.on("response", recorder._response)
        page.goto(f"{root}{lang}/explorer/{PAGES[name]}.html", wait_until="load")
        page.wait_for_selector(f"#explorer-{name}[data-ready=true]", timeout=60_000)
        if key in opened:
            opened[key][0].close()
        opened[key] = page, recorder
        return page, recorder

    return _open


def figure(page: Page, name: str) -> str:
    return page.eval_on_selector(f"#explorer-{name}", FIGURE_JS)


def traces(page: Page, name: str, plot: int = 0) -> dict[str, dict[str, Any]]:
    """The traces of one plot by name."""
    data = page.evaluate(
        "([n, i]) => document.querySelectorAll(`#explorer-${n} .explorer-plot`)[i].data"
        ".map((t) => ({name: t.name, x: t.x, y: t.y}))",
        [name, plot],
    )
    return {t["name"]: t for t in data}


def labels(page: Page, name: str) -> dict[str, str]:
    return page.evaluate(f"JSON.parse(document.querySelector('#explorer-{name}').dataset.labels)")


def control(page: Page, name: str, key: str) -> Any:
    return page.locator(f'#explorer-{name} [data-control="{key}"]')


def choose(page: Page, name: str, key: str, value: str) -> None:
    """Select an option (as the keyboard's arrow keys on a focused select would)."""
    control(page, name, key).select_option(value)


def slide(page: Page, name: str, key: str, index: int) -> None:
    """Move a range control to a grid index with the arrow keys."""
    el = control(page, name, key)
    el.focus()
    current = int(el.input_value())
    for _ in range(abs(index - current)):
        page.keyboard.press("ArrowRight" if index > current else "ArrowLeft")
    assert int(el.input_value()) == index


def tick(page: Page, name: str, key: str, on: bool) -> None:
    """Set a checkbox with the space bar."""
    el = control(page, name, key)
    if el.is_checked() != on:
        el.focus()
        page.keyboard.press("Space")
    assert el.is_checked() == on


def set_controls(page: Page, name: str, **values: str | int | bool) -> None:
    """Set controls in order: a str is chosen, a bool ticked, an int slid to that index."""
    for key, value in values.items():
        if isinstance(value, bool):
            tick(page, name, key, value)
        elif isinstance(value, int):
            slide(page, name, key, value)
        else:
            choose(page, name, key, value)


def assert_clean(recorder: Recorder) -> None:
    assert not recorder.foreign, f"requests outside the site: {recorder.foreign}"
    assert not recorder.errors, f"console errors: {recorder.errors}"
    assert not recorder.failed, f"failed loads: {recorder.failed}"


# --------------------------------------------------------------------------------------
# every control changes the figure
# --------------------------------------------------------------------------------------
#: (control, action) in order; each action must change the figure. The order puts the
#: explorer where the next control matters (sigma_w^2 and sigma_b^2 need "set directly").
STEPS: dict[str, list[tuple[str, Callable[[Page, str], None]]]] = {
    "flow": [
        ("activation", lambda p, n: choose(p, n, "activation", "relu")),
        ("init", lambda p, n: choose(p, n, "init", "he_normal")),
        ("depth", lambda p, n: slide(p, n, "depth", 1)),
        ("batch_norm", lambda p, n: tick(p, n, "batch_norm", True)),
        ("residual", lambda p, n: tick(p, n, "residual", True)),
        ("init", lambda p, n: choose(p, n, "init", "sigma")),
        ("sw2", lambda p, n: slide(p, n, "sw2", 3)),
        ("sb2", lambda p, n: slide(p, n, "sb2", 1)),
    ],
    "phase": [
        ("sw2", lambda p, n: slide(p, n, "sw2", 6)),
        ("sb2", lambda p, n: slide(p, n, "sb2", 4)),
        ("activation", lambda p, n: choose(p, n, "activation", "relu")),
    ],
    "rnn": [
        ("norm", lambda p, n: slide(p, n, "norm", 15)),
        ("clip", lambda p, n: tick(p, n, "clip", True)),
        ("activation", lambda p, n: choose(p, n, "activation", "identity")),
    ],
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", BY_NAME)
def test_every_control_changes_the_figure(
    explorer_page: Callable[..., tuple[Page, Recorder]], name: str, lang: str, scheme: str
) -> None:
    page, recorder = explorer_page(name, lang, scheme, fresh=True)
    keys = page.eval_on_selector_all(
        f"#explorer-{name} [data-control]", "els => els.map(e => e.dataset.control)"
    )
    assert set(keys) == {key for key, _ in STEPS[name]}, "a control is not tested"
    before = figure(page, name)
    for key, step in STEPS[name]:
        step(page, name)
        after = figure(page, name)
        assert after != before, f"{name}: {key} did not change the figure"
        before = after
    assert_clean(recorder)


@GROUP["phase"]
def test_plot_click_chooses_a_point(explorer_page: Callable[..., tuple[Page, Recorder]]) -> None:
    page, recorder = explorer_page("phase", "en", "http", fresh=True)
    before = control(page, "phase", "sw2").input_value()
    diagram = page.locator("#explorer-phase .explorer-plot").first
    diagram.scroll_into_view_if_needed()
    box = diagram.locator(".nsewdrag").bounding_box()
    assert box is not None
    x, y = box["x"] + 0.9 * box["width"], box["y"] + 0.5 * box["height"]
    page.mouse.move(x, y)  # Plotly clicks on what the pointer hovers
    page.wait_for_timeout(500)
    page.mouse.click(x, y)
    page.wait_for_function(
        "v => document.querySelector('#explorer-phase [data-control=sw2]').value !== v", arg=before
    )
    assert int(control(page, "phase", "sw2").input_value()) > int(before)
    assert_clean(recorder)


# --------------------------------------------------------------------------------------
# the plotted numbers are the library's
# --------------------------------------------------------------------------------------
def rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(a))))


def library_flow(act: str, init: str, depth: int, bn: bool, res: bool) -> tuple[list, list]:
    """RMS of each Dense layer's output (a residual block's output) and of its delta."""
    net = MLP([grid.FLOW_WIDTH] * (depth + 1), act, init=init, batch_norm=bn, residual=res,
              bias=False, rng=grid.FLOW_SEED)  # fmt: skip
    x = np.random.default_rng(grid.FLOW_SEED + 1).standard_normal(
        (grid.FLOW_BATCH, grid.FLOW_WIDTH)
    )
    dy = np.random.default_rng(grid.FLOW_SEED + 2).standard_normal(x.shape)
    _, cache = net.forward(x)
    back = net.backward(cache, dy)
    keep = [i for i, layer in enumerate(net.layers) if isinstance(layer, (Dense, Residual))]
    return [rms(cache.outputs[i]) for i in keep], [rms(back.deltas[i]) for i in keep]


def library_meanfield(sw2: float, sb2: float, act: str, depth: int) -> tuple[list, list]:
    q = [sw2 + sb2]
    while len(q) < depth:
        q.append(float(meanfield.variance_map(q[-1], sw2, sb2, act)))
    d2 = [1.0]
    for layer in range(depth - 2, -1, -1):
        d2.insert(0, d2[0] * float(meanfield.chi1(sw2, sb2, act, q=q[layer])))
    return [math.sqrt(v) for v in q], [math.sqrt(v) for v in d2]


FLOW_CASES = [
    # activation, init, depth index, batch norm, residual
    ("relu", "he_normal", 2, False, False),
    ("tanh", "xavier_normal", 4, False, False),
    ("sigmoid", "xavier_normal", 1, True, False),
    ("relu", "he_normal", 0, False, True),
]


@GROUP["flow"]
@pytest.mark.parametrize(("act", "init", "depth_index", "bn", "res"), FLOW_CASES)
def test_flow_numbers_are_the_library_s(
    explorer_page: Callable[..., tuple[Page, Recorder]],
    act: str, init: str, depth_index: int, bn: bool, res: bool,
) -> None:  # fmt: skip
    page, _ = explorer_page("flow", "en", "http")
    set_controls(
        page, "flow", activation=act, init=init, depth=depth_index, batch_norm=bn, residual=res
    )
    depth = grid.FLOW_DEPTHS[depth_index]
    lab, shown = labels(page, "flow"), traces(page, "flow")
    fwd, bwd = library_flow(act, init, depth, bn, res)
    measured = f" · {lab['measured']}"
    np.testing.assert_allclose(shown[lab["forward"] + measured]["y"], fwd, rtol=RTOL)
    np.testing.assert_allclose(shown[lab["backward"] + measured]["y"], bwd, rtol=RTOL)
    predicted = f" · {lab['predicted']}"
    if bn or res:
        assert lab["forward"] + predicted not in shown  # no mean field drawn
    else:
        sw2 = {"he_normal": 2.0, "xavier_normal": 1.0}[init]
        mf_fwd, mf_bwd = library_meanfield(sw2, 0.0, act, depth)
        np.testing.assert_allclose(shown[lab["forward"] + predicted]["y"], mf_fwd, rtol=RTOL)
        np.testing.assert_allclose(shown[lab["backward"] + predicted]["y"], mf_bwd, rtol=RTOL)


@GROUP["flow"]
def test_flow_edge_of_chaos_is_the_library_s(
    explorer_page: Callable[..., tuple[Page, Recorder]],
) -> None:
    """Where the library has an edge-of-chaos point, it is plotted; where not, the page says why."""
    page, _ = explorer_page("flow", "en", "http", fresh=True)
    choose(page, "flow", "init", "edge_of_chaos")
    for act in grid.FLOW_ACTIVATIONS:
        choose(page, "flow", "activation", act)
        status = page.locator("#explorer-flow .explorer-status").text_content() or ""
        try:
            init = meanfield.edge_of_chaos(act)
        except ValueError:
            assert "edge-of-chaos" in status, f"{act}: no reason given, status {status!r}"
            assert not traces(page, "flow"), f"{act}: a figure without data"
            continue
        assert f"σ_w² = {float(f'{init.sw2:.3g}'):g}" in status, status
        shown = traces(page, "flow")
        assert len(shown) == 4, f"{act}: expected measured and predicted traces"


PHASE_CASES = [("tanh", 2, 1), ("tanh", 6, 0), ("relu", 4, 2), ("relu", 7, 3)]


@GROUP["phase"]
@pytest.mark.parametrize(("act", "i", "j"), PHASE_CASES)
def test_phase_numbers_are_the_library_s(
    explorer_page: Callable[..., tuple[Page, Recorder]], act: str, i: int, j: int
) -> None:
    page, _ = explorer_page("phase", "en", "http")
    set_controls(page, "phase", activation=act, sw2=i, sb2=j)
    sw2 = grid.PHASE_SW2[i * grid.PHASE_STEP]
    sb2 = grid.PHASE_SB2[j * grid.PHASE_STEP]
    lab = labels(page, "phase")
    status = page.locator("#explorer-phase .explorer-status").text_content() or ""
    q_star = float(meanfield.fixed_point(sw2, sb2, act))
    if math.isinf(q_star):
        assert status == lab["no-fixed-point"]
    else:
        chi = float(meanfield.chi1(sw2, sb2, act))
        assert f"{lab['chi1']} = {float(f'{chi:.3g}'):g}" in status, (status, chi)
    # the correlation curves: simulated in a network with the library, and the mean field
    n, depth = grid.PHASE_WIDTH, grid.PHASE_DEPTH
    init = meanfield.GaussianInit(sw2, sb2)
    net = MLP([n] * (depth + 1), act, init=init, bias=sb2 > 0, rng=grid.PHASE_SEED)
    g = np.random.default_rng(grid.PHASE_SEED + 1).standard_normal((2 * grid.PHASE_PAIRS, n))
    c0 = grid.PHASE_C0
    x = np.empty_like(g)
    x[0::2], x[1::2] = g[0::2], c0 * g[0::2] + math.sqrt(1 - c0 * c0) * g[1::2]
    _, cache = net.forward(x)
    simulated = []
    for k in net.dense_indices:
        a, b = cache.outputs[k][0::2], cache.outputs[k][1::2]
        cos = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
        simulated.append(cos.mean())
    q, c = sw2 + sb2, (sw2 * c0 + sb2) / (sw2 + sb2)
    predicted = [c]
    for _ in range(depth - 1):
        q_next = float(meanfield.variance_map(q, sw2, sb2, act))
        c = min(1.0, float(meanfield.correlation_map(c, sw2, sb2, act, q=q)) * q / q_next)
        q = q_next
        predicted.append(c)
    shown = traces(page, "phase", plot=1)
    np.testing.assert_allclose(shown[lab["simulated"]]["y"], simulated, rtol=RTOL)
    # the page used the coarse quadrature (1e-5): a hair wider than the rounding
    np.testing.assert_allclose(shown[lab["predicted"]]["y"], predicted, rtol=2e-3)


@GROUP["rnn"]
@pytest.mark.parametrize(("act", "k", "clip"), [("identity", 12, True), ("tanh", 20, False)])
def test_rnn_numbers_are_the_library_s(
    explorer_page: Callable[..., tuple[Page, Recorder]], act: str, k: int, clip: bool
) -> None:
    page, _ = explorer_page("rnn", "en", "http")
    set_controls(page, "rnn", activation=act, norm=k, clip=clip)
    s = grid.RNN_NORMS[k]
    rnn = VanillaRNN(grid.RNN_INPUTS, grid.RNN_HIDDEN, activation=act, spectral_norm=s,
                     rng=grid.RNN_SEED)  # fmt: skip
    shape = (grid.RNN_STEPS, grid.RNN_BATCH, grid.RNN_INPUTS)
    x = np.random.default_rng(grid.RNN_SEED + 1).standard_normal(shape)
    u = np.random.default_rng(grid.RNN_SEED + 2).standard_normal(grid.RNN_HIDDEN)
    norms = gradient_through_time(rnn, x, direction=u)
    lab, shown = labels(page, "rnn"), traces(page, "rnn")
    np.testing.assert_allclose(shown[lab["unclipped"]]["y"], norms, rtol=RTOL)
    if clip:
        _, cache = rnn.forward(x)
        dout = np.zeros_like(cache.h)
        dout[-1] = u / np.linalg.norm(u)
        grads = rnn.backward(cache, dout).grads
        clipped, before = clip_by_global_norm(grads, grid.RNN_MAX_NORM)
        factor = global_norm(clipped) / before
        np.testing.assert_allclose(shown[lab["clipped"]]["y"], norms * factor, rtol=2 * RTOL)
    else:
        assert lab["clipped"] not in shown


# --------------------------------------------------------------------------------------
# language, phone width
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BY_NAME)
def test_korean_labels(explorer_page: Callable[..., tuple[Page, Recorder]], name: str) -> None:
    """Every control label and the figure's axis titles are Korean on /ko/."""
    page, _ = explorer_page(name, "ko", "http")
    texts = page.eval_on_selector_all(
        f"#explorer-{name} label", "els => els.map(e => e.textContent)"
    )
    axes = page.eval_on_selector_all(
        f"#explorer-{name} .xtitle, #explorer-{name} .ytitle", "els => els.map(e => e.textContent)"
    )
    # symbols kept as written (σ_w², RMS, ‖∂L/∂h_t‖) need no Hangul; words do
    english = [
        t
        for t in texts + axes
        if re.search(r"[A-Za-z]{4,}", t) and not any("\uac00" <= ch <= "\ud7a3" for ch in t)
    ]
    assert texts and axes, "no labels or axis titles found"
    assert not english, f"labels left in English on /ko/: {english}"


@pytest.mark.parametrize("name", BY_NAME)
def test_phone_width(explorer_page: Callable[..., tuple[Page, Recorder]], name: str) -> None:
    page, recorder = explorer_page(name, "en", "file", width=360)
    fits = page.eval_on_selector(
        f"#explorer-{name}",
        "el => el.scrollWidth <= el.clientWidth + 1 && [...el.querySelectorAll('.explorer-plot')]"
        ".every(p => p.getBoundingClientRect().width <= 360)",
    )
    assert fits, f"{name} overflows a 360 px wide screen"
    assert_clean(recorder)


def test_page_weight(site_dir: Path) -> None:
    """The explorers' scripts stay within budget (Plotly's bundle plus their data)."""
    static = site_dir / "en" / "_static" / "explorer"
    sizes = {p.name: p.stat().st_size for p in static.iterdir()}
    assert set(sizes) >= {"plotly.min.js", "flow.js", "phase.js", "rnn.js"}, sizes
    assert sizes["flow.js"] + sizes["phase.js"] + sizes["rnn.js"] < 1_500_000, sizes
