r"""
Dynamical isometry: the singular values of the Jacobian
=======================================================

At the edge of chaos the *mean* squared gradient keeps its size through every layer, but
its directions need not: the input-output Jacobian of a deep network can still stretch
some directions and crush others. We compute all its singular values for 32-layer tanh and
ReLU networks with Gaussian and with orthogonal weights, as :cite:t:`pennington2017` did.
"""

# %%
# Four networks at the edge of chaos
# ----------------------------------
# Every network has 32 Dense layers of width 128 with the activation between them. The
# weights have :math:`n\operatorname{Var}[W] = \sigma_w^2` and the biases have variance
# :math:`\sigma_b^2`, at the critical point :math:`\chi_1 = 1` that
# :func:`~vanishing.meanfield.edge_of_chaos` returns for a target fixed point :math:`q^*`:
#
# * tanh with a small :math:`q^* = 0.01`, where the pre-activations stay near 0 and tanh
#   is almost linear;
# * ReLU, whose critical point is He's :math:`\sigma_w^2 = 2`, :math:`\sigma_b^2 = 0`
#   for every :math:`q^*`.
#
# Each comes with Gaussian weights (the :class:`~vanishing.meanfield.EdgeOfChaos`
# initializer itself) and with orthogonal weights of the same scale: every singular value
# of :math:`W` equal to :math:`\sigma_w` (``gain`` of
# :func:`~vanishing.initializers.orthogonal`), the biases drawn as before.
import dataclasses
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from vanishing.diagnostics import jacobian_singular_values
from vanishing.initializers import orthogonal
from vanishing.meanfield import EdgeOfChaos, edge_of_chaos
from vanishing.network import MLP


@dataclasses.dataclass(frozen=True)
class OrthogonalEdgeOfChaos(EdgeOfChaos):
    """The same critical point, with orthogonal weights of gain sqrt(sw2)."""

    def __call__(self, shape, rng, *, dtype=np.float64):
        return orthogonal(shape, rng, gain=np.sqrt(self.sw2), dtype=dtype)


def with_orthogonal_weights(init):
    return OrthogonalEdgeOfChaos(**dataclasses.asdict(init))


depth, width, n_samples = 32, 128, 8
q_tanh = 0.01
critical = {"tanh": edge_of_chaos("tanh", q_star=q_tanh), "relu": edge_of_chaos("relu")}
for act, init in critical.items():
    print(f"{act}: sigma_w^2 = {init.sw2:.4f}, sigma_b^2 = {init.sb2:.3g}, q* = {init.q_star:g}")

# %%
# The Jacobian, its zeros and what float64 can resolve
# ----------------------------------------------------
# :func:`~vanishing.diagnostics.jacobian_singular_values` builds the Jacobian
# :math:`J = \partial y/\partial x` of each of 8 inputs (with variance :math:`q^*`, so the
# network starts at its fixed point) from 128 backward passes and returns its singular
# values.
#
# A ReLU network has many singular values that are *exactly* 0. With
# :math:`D^{(l)}` the diagonal matrix of :math:`\phi'(z^{(l)})`,
# :math:`J = W^{(L)} D^{(L-1)} W^{(L-1)} \cdots D^{(1)} W^{(1)}`, and a ReLU unit that is
# inactive for this input puts a 0 on that diagonal. If the most silent layer has only
# :math:`k` active units, the rank of :math:`J` is at most :math:`k` and at least
# :math:`n - k` singular values vanish. We count them that way and look at the spread of
# the :math:`k` largest, the non-zero ones; tanh has :math:`\phi' > 0`, so :math:`k = n`.
#
# Non-zero singular values can still be too small to compute: float64 resolves them only
# down to about :math:`n\varepsilon\,s_\text{max}` (NumPy's rank tolerance), and below that
# we only know that they are tiny.


class Spectrum(NamedTuple):
    non_zero: np.ndarray  # the non-zero singular values of all inputs, as computed
    zero: float  # fraction that is exactly 0 (inactive units)
    resolution: float  # width * eps * s_max: smaller values are round-off
    unresolved: float  # fraction that is not 0 but below the resolution
    round_off: float  # largest computed "exact zero", relative to s_max
    mean_square: float  # mean of s^2 over all singular values


def spectrum(act, init, seed=0):
    net = MLP([width] * (depth + 1), act, init=init, rng=seed)
    x = np.sqrt(init.q_star) * np.random.default_rng(seed + 1).standard_normal((n_samples, width))
    s = jacobian_singular_values(net, x)  # (n_samples, width), descending
    k = np.full((n_samples, 1), width)
    if act == "relu":
        _, cache = net.forward(x, training=False)
        hidden = [i for i in range(len(net.layers)) if i not in net.dense_indices]
        k = np.min([(cache.outputs[i] > 0).sum(axis=1) for i in hidden], axis=0)[:, None]
    non_zero = np.arange(width) < k
    s_max = s[:, :1]
    resolution = width * np.finfo(s.dtype).eps * s_max.max()
    return Spectrum(
        s[non_zero],
        1 - non_zero.mean(),
        resolution,
        np.mean(non_zero & (s < resolution)),
        (s / s_max)[~non_zero].max(initial=0.0),
        np.mean(s**2),
    )


def spread(sp):
    """The 5-95 % range of the non-zero singular values, in words."""
    lo, hi = np.percentile(sp.non_zero, [5, 95])
    if lo < sp.resolution:
        return f"below {sp.resolution:.0g} .. {hi:.2g} (ratio > {hi / sp.resolution:.0e})"
    return f"{lo:.2g} .. {hi:.2g} (ratio {hi / lo:.2g})"


# The names the table and the figure show.
weight_labels = {"Gaussian": "Gaussian", "orthogonal": "orthogonal"}
runs = {}
for act, init in critical.items():
    for weights, make in (("Gaussian", init), ("orthogonal", with_orthogonal_weights(init))):
        runs[act, weights] = spectrum(act, make)

print("network          mean s^2  exactly 0  unresolved  5-95 % range of the non-zero")
for (act, weights), sp in runs.items():
    network = f"{act} {weight_labels[weights]}"
    print(
        f"{network:16s} {sp.mean_square:8.2f} {sp.zero:10.0%} {sp.unresolved:11.0%}  " + spread(sp)
    )
round_off = max(runs["relu", weights].round_off for weights in ("Gaussian", "orthogonal"))
print(f"ReLU's exact zeros, as computed: at most {round_off:.0e} s_max")

# %%
# The figure
# ----------
# Histograms of the non-zero singular values :math:`s` of :math:`J` that float64 resolves,
# on a logarithmic axis, pooled over the 8 inputs. Dynamical isometry means all of them
# near 1.
fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.8), layout="constrained")
bins = np.logspace(-14, 2, 65)
titles = {"tanh": rf"tanh, $q^* = {q_tanh:g}$", "relu": r"ReLU, $\sigma_w^2 = 2$ (He)"}
for ax, act in zip(axes, critical, strict=True):
    for weights, color in (("Gaussian", "C0"), ("orthogonal", "C3")):
        sp = runs[act, weights]
        hidden = sp.zero + sp.unresolved
        name = weight_labels[weights]
        label = name if hidden == 0 else f"{name} ({hidden:.0%} zero or unresolved)"
        resolved = sp.non_zero[sp.non_zero >= sp.resolution]
        ax.hist(resolved, bins=bins, color=color, alpha=0.6, label=label)
    ax.set_xscale("log")
    ax.axvline(1.0, color="0.4", linewidth=0.8)
    ax.set_xlabel(r"singular value $s$ of the Jacobian $\partial y/\partial x$")
    ax.set_title(f"{titles[act]}, {depth} layers")
    ax.legend(fontsize=10, loc="upper left")
for ax in axes:
    ax.set_ylabel("number of singular values")
fig.suptitle("Singular values of the input-output Jacobian at the edge of chaos")
plt.show()

# %%
# Orthogonal weights are not enough on their own
# ----------------------------------------------
# The narrow tanh spectrum needs the small :math:`q^*` as well: with a larger fixed point the
# units work further into the curved part of tanh, :math:`\phi'` varies from unit to unit,
# and the diagonal matrices :math:`D^{(l)}` spread the spectrum even between orthogonal
# weights.
for q_star in (0.01, 0.1, 1.0):
    init = with_orthogonal_weights(edge_of_chaos("tanh", q_star))
    print(f"tanh, orthogonal, q* = {q_star:g}: 5-95 % range {spread(spectrum('tanh', init))}")

# %%
# What the figure shows
# ---------------------
# All four networks sit at the edge of chaos: the mean of :math:`s^2`, which is what
# :math:`\chi_1 = 1` controls, is of order 1 in each (the printed values). Their spectra
# could hardly differ more. With Gaussian weights the product of 32 random matrices
# spreads the singular values over many decades, for tanh and ReLU alike:
# a few directions of the gradient are amplified and most are crushed. Orthogonal weights
# with tanh at a small :math:`q^*` keep every singular value close to 1: this is dynamical
# isometry, and the smaller :math:`q^*`, the closer. ReLU reaches it neither with Gaussian
# nor with orthogonal weights: its inactive units delete directions outright (the
# exactly-zero singular values), and the non-zero ones still spread over orders of
# magnitude.
#
# Related theory: :ref:`theory-signal-propagation`.

# sphinx_gallery_thumbnail_number = 1
