"""The numbers behind the Explorer pages, computed by the library at build time.

Each ``*_data()`` function returns a JSON-ready dict for one explorer page; the grids are
module constants so that the pages can state them (docs/_ext/explorer.py glues them into
the text) and the browser tests can recompute any point with the library.

Everything is seeded. The same seed gives every configuration the same standard-normal
draws, scaled by its own initializer: curves differ by the initialization, not by luck.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from vanishing import meanfield
from vanishing.clipping import clip_by_global_norm, global_norm
from vanishing.initializers import normal
from vanishing.layers import Dense
from vanishing.network import MLP, ForwardCache, Sequential
from vanishing.rnn import VanillaRNN, gradient_through_time

# ======================================================================================
# 1. Gradient flow through depth
# ======================================================================================
#: Activations offered by the gradient-flow explorer.
FLOW_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "selu", "gelu", "silu")
#: Named initializations: name -> (library initializer, sigma_w^2 = n Var[W] for the mean field).
FLOW_INITS = ("normal_1", "normal_001", "xavier_normal", "he_normal", "lecun_normal",
              "orthogonal", "edge_of_chaos")  # fmt: skip
#: Network depths (number of Dense layers) the depth slider offers.
FLOW_DEPTHS = (10, 20, 30, 40, 50)
#: Width of every layer, batch size and seeds (weights, inputs, output gradients).
FLOW_WIDTH = 64
FLOW_BATCH = 16
FLOW_SEED = 0
#: sigma_w^2 and sigma_b^2 offered when the weights are set directly.
FLOW_SW2 = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
FLOW_SB2 = (0.0, 0.1)
#: The four architectures: (batch norm, residual).
FLOW_ARCHS = ((False, False), (True, False), (False, True), (True, True))


def flow_initializer(name: str, activation: str) -> tuple[Any, float, float]:
    """The library initializer for a named scheme, with its ``(sigma_w^2, sigma_b^2)``.

    Raises ValueError for the edge of chaos where the activation has no usable point.
    """
    n = FLOW_WIDTH
    if name == "normal_1":
        return functools.partial(normal, std=1.0), float(n), 0.0
    if name == "normal_001":
        return functools.partial(normal, std=0.01), n * 1e-4, 0.0
    if name == "edge_of_chaos":
        init = meanfield.edge_of_chaos(activation)
        return init, init.sw2, init.sb2
    sw2 = {"xavier_normal": 1.0, "he_normal": 2.0, "lecun_normal": 1.0, "orthogonal": 1.0}
    return name, sw2[name], 0.0


def flow_network(
    activation: str, init: Any, depth: int, *, batch_norm: bool, residual: bool, bias: bool
) -> Sequential:
    """The network the explorer measures: ``depth`` Dense layers of width FLOW_WIDTH."""
    return MLP([FLOW_WIDTH] * (depth + 1), activation, init=init, batch_norm=batch_norm,
               residual=residual, bias=bias, rng=FLOW_SEED)  # fmt: skip


def flow_inputs() -> tuple[np.ndarray, np.ndarray]:
    """The batch ``x`` and the output gradient ``dL/dy``, both N(0, 1), the same at every depth."""
    x = np.random.default_rng(FLOW_SEED + 1).standard_normal((FLOW_BATCH, FLOW_WIDTH))
    dy = np.random.default_rng(FLOW_SEED + 2).standard_normal((FLOW_BATCH, FLOW_WIDTH))
    return x, dy


def rms(a: np.ndarray) -> float:
    """Root mean square of every entry."""
    return float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))


def _flow_rms(net: Sequential, cache: ForwardCache, deltas: Sequence[np.ndarray]) -> Any:
    """Per layer: RMS of its output and of the gradient there (forward, backward lists).

    A layer is a Dense layer (its output is the pre-activation z, its delta dL/dz) or a
    residual block, whose output is the residual stream and whose branch's last Dense layer
    receives ``scale`` times the stream's gradient.
    """
    fwd, bwd = [], []
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Dense):
            fwd.append(rms(cache.outputs[i]))
            bwd.append(rms(deltas[i]))
        elif hasattr(layer, "block"):  # Residual: x + s F(x); F ends with a Dense layer
            fwd.append(rms(cache.outputs[i]))
            bwd.append(rms(deltas[i]) * layer.scale)
    return fwd, bwd


def mean_field_flow(sw2: Any, sb2: Any, activation: str, depth: int) -> tuple[Any, Any]:
    r"""Mean-field RMS of z and of delta per layer of the plain network, for arrays of settings.

    :math:`q^{(1)} = \sigma_w^2 + \sigma_b^2` (unit-variance inputs), then the variance map
    :math:`q^{(l+1)} = \mathcal V(q^{(l)})`; going back from layer :math:`l + 1` to :math:`l`
    the delta's mean square is multiplied by :math:`\chi(q^{(l)}) = \sigma_w^2\,\mathbb
    E[\phi'(\sqrt{q^{(l)}} z)^2]`, starting from 1 at the output layer ``depth``.

    Returns arrays of shape ``(depth, n_settings)``.
    """
    sw2, sb2 = np.asarray(sw2, dtype=float), np.asarray(sb2, dtype=float)
    q = [sw2 + sb2]
    for _ in range(depth - 1):
        q.append(meanfield.variance_map(q[-1], sw2, sb2, activation))
    qs = np.array(q)
    chi = meanfield.chi1(sw2, sb2, activation, q=qs[:-1])
    d2 = np.ones_like(qs)
    for layer in range(depth - 2, -1, -1):
        d2[layer] = d2[layer + 1] * chi[layer]
    return np.sqrt(qs), np.sqrt(d2)


def _depth_net(net: Sequential, depth: int, residual: bool) -> Sequential:
    """The depth-``depth`` network built by the same MLP call, from the 50-layer one's layers.

    MLP draws each Dense layer's weights in order, so the network of depth ``L`` has the
    first ``L`` draws: for a plain network its layers are a prefix; for a residual one the
    ``L``-th draw (a block's Dense layer) is its output layer, after the head's BatchNorm
    and activation.
    """
    layers = net.layers
    if depth == len([layer for layer in layers if isinstance(layer, Dense)]) + len(
        [layer for layer in layers if hasattr(layer, "block")]
    ):
        return net
    if not residual:
        dense = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
        return Sequential(layers[: dense[depth - 1] + 1])
    if depth < 3:
        raise ValueError(f"a residual network here has at least 3 layers, got depth {depth}")
    blocks = [i for i, layer in enumerate(layers) if hasattr(layer, "block")]
    head = layers[blocks[-1] + 1 : -1]  # [BatchNorm], activation
    last = layers[blocks[depth - 2]].block.layers[-1]  # the L-th Dense draw
    return Sequential([*layers[: blocks[depth - 3] + 1], *head, last])


def _run(net: Sequential, full: Sequential, full_cache: ForwardCache, x: Any, dy: Any) -> Any:
    """Forward and backward through ``net``, reusing ``full``'s cache where layers are shared."""
    n = 0
    while n < len(net.layers) - 1 and net.layers[n] is full.layers[n]:
        n += 1
    h = x if n == 0 else full_cache.outputs[n - 1]
    _, rest = Sequential(net.layers[n:]).forward(h)
    cache = ForwardCache(*(a[:n] + b for a, b in zip(full_cache, rest, strict=True)))
    back = net.backward(cache, dy)
    return _flow_rms(net, cache, back.deltas)


def _flow_config(activation: str, init: Any, batch_norm: bool, residual: bool, bias: bool) -> dict:
    """Measured forward and backward RMS at every depth of FLOW_DEPTHS."""
    x, dy = flow_inputs()
    full = flow_network(activation, init, max(FLOW_DEPTHS), batch_norm=batch_norm,
                        residual=residual, bias=bias)  # fmt: skip
    _, cache = full.forward(x)
    out = {}
    for depth in FLOW_DEPTHS:
        fwd, bwd = _run(_depth_net(full, depth, residual), full, cache, x, dy)
        out[str(depth)] = {"forward": _round(fwd), "backward": _round(bwd)}
    return out


#: Significant digits kept in the pages' data: far below what a plot shows.
DIGITS = 4


def _round(values: Sequence[float]) -> list[float]:
    """Values rounded to DIGITS significant digits (JSON-sized)."""
    return [float(f"{v:.{DIGITS}g}") for v in values]


def flow_settings(activation: str) -> tuple[list[tuple[str, Any, float, float]], str | None]:
    """Every weight setting offered for one activation, and why the edge of chaos is missing.

    Keys are the initialization names, and ``"sw2=<value>,sb2=<value>"`` for the values set
    directly (the plain network only).
    """
    settings, missing = [], None
    for name in FLOW_INITS:
        try:
            init, sw2, sb2 = flow_initializer(name, activation)
        except ValueError:
            missing = _edge_of_chaos_reason(activation)
            continue
        settings.append((name, init, sw2, sb2))
    for sw2 in FLOW_SW2:
        for sb2 in FLOW_SB2:
            settings.append((sigma_key(sw2, sb2), meanfield.GaussianInit(sw2, sb2), sw2, sb2))
    return settings, missing


def sigma_key(sw2: float, sb2: float) -> str:
    """Key of a setting with sigma_w^2 and sigma_b^2 given directly."""
    return f"sw2={sw2:g},sb2={sb2:g}"


def flow_jobs() -> list[tuple[str, str, Any, bool, bool, bool]]:
    """Every measured configuration: (key, activation, initializer, batch norm, residual, bias)."""
    jobs = []
    for act in FLOW_ACTIVATIONS:
        for key, init, _, sb2 in flow_settings(act)[0]:
            archs = FLOW_ARCHS if not key.startswith("sw2=") else FLOW_ARCHS[:1]
            for bn, res in archs:
                jobs.append((f"{act}|{key}|{int(bn)}{int(res)}", act, init, bn, res, sb2 > 0))
    return jobs


def flow_job(job: tuple[str, str, Any, bool, bool, bool]) -> tuple[str, dict]:
    """Run one configuration (a top-level function, so that a process pool can run it)."""
    key, act, init, bn, res, bias = job
    return key, _flow_config(act, init, bn, res, bias)


def flow_data(map_fn: Any = map) -> dict:
    """Every configuration of the gradient-flow explorer (``map_fn`` may be a pool's map)."""
    meanfield_curves: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    for act in FLOW_ACTIVATIONS:
        settings, missing = flow_settings(act)
        if missing:
            unavailable[act] = missing
        sw2 = np.array([s[2] for s in settings])
        sb2 = np.array([s[3] for s in settings])
        curves = {d: mean_field_flow(sw2, sb2, act, d) for d in FLOW_DEPTHS}
        for k, (key, *_rest) in enumerate(settings):
            per_depth = {
                str(d): {"forward": _round(fwd[:, k]), "backward": _round(bwd[:, k])}
                for d, (fwd, bwd) in curves.items()
            }
            meanfield_curves[f"{act}|{key}"] = {
                **per_depth,
                "sw2": float(sw2[k]),
                "sb2": float(sb2[k]),
            }
    measured = dict(map_fn(flow_job, flow_jobs()))
    return {
        "depths": list(FLOW_DEPTHS),
        "width": FLOW_WIDTH,
        "batch": FLOW_BATCH,
        "sw2": list(FLOW_SW2),
        "sb2": list(FLOW_SB2),
        "measured": measured,
        "meanfield": meanfield_curves,
        "unavailable": unavailable,
    }


def _edge_of_chaos_reason(activation: str) -> str:
    """Why :func:`vanishing.meanfield.edge_of_chaos` refuses: "negative_bias" or "unstable"."""
    sw2, sb2 = meanfield.critical_line(1.0, activation)
    return "negative_bias" if float(sb2) < 0 else "unstable"


# ======================================================================================
# 2. Order and chaos
# ======================================================================================
#: Activations with a phase diagram, and the sigma_w^2 range of each.
PHASE_ACTIVATIONS = ("tanh", "relu")
#: Fine grid of the diagram: sigma_w^2 = 0.25, 0.375, ..., 4; sigma_b^2 = 0, 0.015, ..., 0.3.
PHASE_SW2 = tuple(0.25 + 0.125 * k for k in range(31))
PHASE_SB2 = tuple(0.015 * k for k in range(21))
#: Every third point of the fine grid is simulated and can be chosen.
PHASE_STEP = 3
#: The simulated network: width, depth, pairs of inputs and their correlation, seed.
PHASE_WIDTH = 64
PHASE_DEPTH = 30
PHASE_PAIRS = 4
PHASE_C0 = 0.5
PHASE_SEED = 0
#: Points of the chi_1 = 1 line: fixed points q* on a log grid.
PHASE_LINE_Q = tuple(float(q) for q in np.geomspace(1e-3, 1e3, 61))


def phase_points() -> tuple[np.ndarray, np.ndarray]:
    """The (sigma_w^2, sigma_b^2) values that can be chosen (every PHASE_STEP-th of the grid)."""
    return np.array(PHASE_SW2[::PHASE_STEP]), np.array(PHASE_SB2[::PHASE_STEP])


def phase_grid(activation: str) -> dict:
    """chi_1, q* and xi_c over the fine grid; None where q* is infinite (no fixed point).

    Uses :func:`vanishing.meanfield.phase_diagram` on the columns where the variance has a
    finite fixed point everywhere; where it grows without bound (ReLU with sigma_w^2 > 2)
    there is no fixed point and nothing to evaluate.
    """
    sw2, sb2 = np.array(PHASE_SW2), np.array(PHASE_SB2)
    w, b = np.meshgrid(sw2, sb2)
    # 100 iterations: Newton converges in a few where q* is finite; elsewhere the
    # variance is growing (to infinity) long before
    q = meanfield.fixed_point(w, b, activation, quad=meanfield.COARSE, max_iter=100)
    finite_cols = np.all(np.isfinite(q), axis=0)
    chi = np.full(w.shape, np.nan)
    xi = np.full(w.shape, np.nan)
    pd = meanfield.phase_diagram(sw2[finite_cols], sb2, activation)
    chi[:, finite_cols], xi[:, finite_cols] = pd.chi1, pd.xi_c
    return {"chi1": _nested(chi), "xi_c": _nested(xi), "q_star": _nested(np.where(
        np.isfinite(q), q, np.nan))}  # fmt: skip


def _nested(a: np.ndarray) -> list:
    """Rows of rounded floats; None for nan and inf (JSON has neither)."""
    return [[None if not np.isfinite(v) else float(f"{v:.{DIGITS}g}") for v in row] for row in a]


def correlation_inputs() -> np.ndarray:
    """PHASE_PAIRS pairs of N(0, I) inputs with correlation PHASE_C0, rows (a1, b1, a2, b2...)."""
    g = np.random.default_rng(PHASE_SEED + 1).standard_normal((2 * PHASE_PAIRS, PHASE_WIDTH))
    first, other = g[0::2], g[1::2]
    second = PHASE_C0 * first + math.sqrt(1.0 - PHASE_C0**2) * other
    return np.stack([first, second], axis=1).reshape(-1, PHASE_WIDTH)


def simulated_correlation(sw2: float, sb2: float, activation: str) -> list[float]:
    """Mean over the pairs of the cosine between the two inputs' pre-activations, per layer."""
    net = MLP([PHASE_WIDTH] * (PHASE_DEPTH + 1), activation, init=meanfield.GaussianInit(sw2, sb2),
              bias=sb2 > 0, rng=PHASE_SEED)  # fmt: skip
    _, cache = net.forward(correlation_inputs())
    out = []
    for i in net.dense_indices:
        z = cache.outputs[i]
        a, b = z[0::2], z[1::2]
        cos = np.sum(a * b, axis=1) / np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1))
        out.append(float(np.mean(cos)))
    return out


def predicted_correlation(sw2: Any, sb2: Any, activation: str) -> np.ndarray:
    r"""Mean-field correlation per layer, following the variance as well (no fixed point needed).

    Layer 1: :math:`q^{(1)} = \sigma_w^2 + \sigma_b^2`, :math:`c^{(1)} = (\sigma_w^2 c_0 +
    \sigma_b^2)/q^{(1)}`. Then :func:`~vanishing.meanfield.correlation_map` at the current
    variance gives :math:`q_{12}^{(l+1)}/q^{(l)}`, and dividing by :math:`q^{(l+1)} =
    \mathcal V(q^{(l)})` instead gives the new correlation. Shape ``(depth, *sw2.shape)``.
    """
    sw2, sb2 = np.broadcast_arrays(np.asarray(sw2, float), np.asarray(sb2, float))
    q = sw2 + sb2
    c = (sw2 * PHASE_C0 + sb2) / q
    out = [c]
    for _ in range(PHASE_DEPTH - 1):
        q_next = meanfield.variance_map(q, sw2, sb2, activation)
        mapped = meanfield.correlation_map(c, sw2, sb2, activation, q=q, quad=meanfield.COARSE)
        c = np.clip(mapped * q / q_next, -1.0, 1.0)
        q = q_next
        out.append(c)
    return np.array(out)


def phase_data() -> dict:
    """Phase diagrams, chi_1 = 1 lines and correlation curves for PHASE_ACTIVATIONS."""
    sw2_pts, sb2_pts = phase_points()
    w, b = np.meshgrid(sw2_pts, sb2_pts)
    out: dict[str, Any] = {
        "sw2": list(PHASE_SW2), "sb2": list(PHASE_SB2), "step": PHASE_STEP,
        "width": PHASE_WIDTH, "depth": PHASE_DEPTH, "pairs": PHASE_PAIRS, "c0": PHASE_C0,
    }  # fmt: skip
    for act in PHASE_ACTIVATIONS:
        grid = phase_grid(act)
        line_w, line_b = meanfield.critical_line(np.array(PHASE_LINE_Q), act)
        keep = (line_b >= 0) & (line_w <= max(PHASE_SW2)) & (line_b <= max(PHASE_SB2))
        predicted = predicted_correlation(w, b, act)
        points = {}
        for j, sb2 in enumerate(sb2_pts):
            for i, sw2 in enumerate(sw2_pts):
                points[f"{sw2:g},{sb2:g}"] = {
                    "simulated": _round(simulated_correlation(float(sw2), float(sb2), act)),
                    "predicted": _round(predicted[:, j, i]),
                }
        out[act] = {**grid, "line": {"sw2": _round(line_w[keep]), "sb2": _round(line_b[keep])},
                    "points": points}  # fmt: skip
    return out


# ======================================================================================
# 3. Gradients through time
# ======================================================================================
RNN_ACTIVATIONS = ("tanh", "relu", "identity")
#: Largest singular value of W_hh: 0.5, 0.55, ..., 1.5.
RNN_NORMS = tuple(round(0.5 + 0.05 * k, 2) for k in range(21))
RNN_STEPS = 50
RNN_HIDDEN = 32
RNN_INPUTS = 4
RNN_BATCH = 8
RNN_MAX_NORM = 1.0
RNN_SEED = 0


def rnn_curve(activation: str, spectral_norm: float) -> tuple[np.ndarray, float]:
    r""":math:`\lVert\partial L/\partial h_t\rVert` for t = 0..T, and the global-norm clip factor.

    The loss reads the last state only, :math:`L = \sum_i\langle h_T^{(i)}, u\rangle`. The
    factor is what :func:`vanishing.clipping.clip_by_global_norm` with ``max_norm =
    RNN_MAX_NORM`` multiplies every parameter gradient by (1 when the norm is below it).
    """
    rnn = VanillaRNN(RNN_INPUTS, RNN_HIDDEN, activation=activation, spectral_norm=spectral_norm,
                     rng=RNN_SEED)  # fmt: skip
    x = np.random.default_rng(RNN_SEED + 1).standard_normal((RNN_STEPS, RNN_BATCH, RNN_INPUTS))
    u = np.random.default_rng(RNN_SEED + 2).standard_normal(RNN_HIDDEN)
    norms = gradient_through_time(rnn, x, direction=u)
    _, cache = rnn.forward(x)
    dout = np.zeros_like(cache.h)
    dout[-1] = u / np.linalg.norm(u)
    grads = rnn.backward(cache, dout).grads
    clipped, norm = clip_by_global_norm(grads, RNN_MAX_NORM)
    return norms, global_norm(clipped) / norm


def rnn_data() -> dict:
    """Curves for every activation and spectral norm of RNN_ACTIVATIONS x RNN_NORMS."""
    curves: dict[str, Any] = {}
    for act in RNN_ACTIVATIONS:
        for s in RNN_NORMS:
            norms, factor = rnn_curve(act, s)
            curves[f"{act}|{s:g}"] = {
                "norms": _round(norms),
                "factor": float(f"{factor:.{DIGITS}g}"),
            }
    return {
        "norms": list(RNN_NORMS), "steps": RNN_STEPS, "hidden": RNN_HIDDEN,
        "batch": RNN_BATCH, "max_norm": RNN_MAX_NORM, "curves": curves,
    }  # fmt: skip
