r"""
Batch normalization makes gradients explode with depth
======================================================

Batch normalization keeps every layer's pre-activations at mean 0 and variance 1, yet at
initialization a deep ReLU network with batch norm has *exploding* gradients: the squared
weight-gradient norm grows by a factor :math:`\pi/(\pi - 1) \approx 1.467` per layer towards
the input (:cite:t:`yang2019`). We measure that rate, and how residual connections temper it.
"""

# %%
# Three networks of 50 layers
# ---------------------------
# :func:`~vanishing.network.MLP` builds, with width 256 and ReLU:
#
# * a plain network, each hidden layer Dense, then
#   :class:`~vanishing.layers.BatchNorm`, then ReLU (``batch_norm=True``);
# * a residual network of pre-activation blocks :math:`x + W\,\mathrm{ReLU}(\mathrm{BN}(x))`
#   after a linear stem (``residual=True, batch_norm=True``);
# * the same with the branches scaled by :math:`1/\sqrt{L}` (``residual_scale``).
#
# We feed a batch of 256 inputs :math:`x \sim \mathcal N(0, 1)` (batch norm uses the batch
# statistics, as in training), back-propagate a random output gradient and record the
# Frobenius norm of every weight gradient :math:`\partial L/\partial W^{(l)}` with
# :func:`~vanishing.diagnostics.weight_gradient_norms`. The squared norms are averaged (in
# the logarithm) over three random networks of each kind.
import math

import matplotlib.pyplot as plt
import numpy as np

from vanishing.diagnostics import weight_gradient_norms
from vanishing.network import MLP

depth, width, n_samples = 50, 256, 256
kinds = {
    "plain": {"batch_norm": True},
    "residual": {"batch_norm": True, "residual": True},
    "scaled": {"batch_norm": True, "residual": True, "residual_scale": depth**-0.5},
}
# The names the printed lines and the figure show.
labels = {"plain": "plain", "residual": "residual", "scaled": "residual, scaled"}


def squared_gradient_norms(options, seed):
    """Squared weight-gradient norm of every hidden layer, input side first."""
    rng = np.random.default_rng(seed)
    net = MLP([width] * (depth + 1) + [10], "relu", rng=seed, **options)
    y, cache = net.forward(rng.standard_normal((n_samples, width)))
    grads = net.backward(cache, rng.standard_normal(y.shape)).grads
    norms = np.array(list(weight_gradient_norms(net, grads).values()))
    return norms[:-1] ** 2  # the last entry is the output layer


sq_norms = {}
for kind, options in kinds.items():
    logs = [np.log(squared_gradient_norms(options, seed)) for seed in range(3)]
    sq_norms[kind] = np.exp(np.mean(logs, axis=0))

# %%
# The rate per layer
# ------------------
# If the squared norm grows by a factor :math:`r` per layer towards the input,
# :math:`\ln\|\partial L/\partial W^{(l)}\|^2` falls on a straight line of slope
# :math:`-\ln r` in :math:`l`. We fit that line, leaving out two layers at each end, where
# the input and the output layer make the first and last layers differ from the rest.
layers = np.arange(1, depth + 1)
fit = slice(2, depth - 2)
theory = math.pi / (math.pi - 1)
rates = {}
print(f"pi / (pi - 1) = {theory:.4f}")
for kind, sq in sq_norms.items():
    slope = np.polyfit(layers[fit], np.log(sq[fit]), 1)[0]
    rates[kind] = math.exp(-slope)
    total = sq[fit][0] / sq[fit][-1]
    print(
        f"{labels[kind]:17s} rate per layer {rates[kind]:.4f}  "
        f"(squared norm x {total:.3g} from layer {layers[fit][-1]} to layer {layers[fit][0]})"
    )
print(f"plain network: measured rate / pi/(pi-1) = {rates['plain'] / theory:.3f}")

# %%
# The figure
# ----------
# Left: the squared weight-gradient norm of layer :math:`l` divided by that of the last
# hidden layer :math:`L`, on a logarithmic axis; the dashed line is
# :math:`(\pi/(\pi - 1))^{L - l}`. Right: the growth factor from layer :math:`l + 1` to layer
# :math:`l`, :math:`\|\partial L/\partial W^{(l)}\|^2 / \|\partial L/\partial
# W^{(l+1)}\|^2`, inside the fitted range.
fig, (ax_norm, ax_rate) = plt.subplots(1, 2, figsize=(10.0, 3.8), layout="constrained")
for kind, sq in sq_norms.items():
    (line,) = ax_norm.semilogy(layers, sq / sq[-1], "o-", markersize=3, label=labels[kind])
    factor = sq[fit][:-1] / sq[fit][1:]
    ax_rate.plot(layers[fit][:-1], factor, "o-", markersize=3, color=line.get_color())
theory_label = r"$(\pi/(\pi-1))^{L-l}$"
ax_norm.semilogy(layers, theory ** (depth - layers), "--", color="0.3", label=theory_label)
ax_rate.axhline(theory, linestyle="--", color="0.3", label=r"$\pi/(\pi - 1)$")
ax_rate.axhline(1.0, color="0.7", linewidth=0.8)
ax_norm.set_xlabel(r"layer $l$ (input side at $l = 1$)")
ax_norm.set_ylabel(r"squared gradient norm $\|\partial L/\partial W^{(l)}\|^2$ / layer $L$")
ax_rate.set_xlabel(r"layer $l$")
ax_rate.set_ylabel("growth factor per layer")
ax_norm.legend(fontsize=10)
ax_rate.legend(fontsize=10)
for ax in (ax_norm, ax_rate):
    ax.grid(True, alpha=0.3)
fig.suptitle("Gradient explosion with batch normalization")
plt.show()

# %%
# The growth factor per layer of the two residual networks at a few layers: in the unscaled
# one it falls towards 1 along the stack, so its single fitted rate is only an average.
for kind in ("residual", "scaled"):
    sq = sq_norms[kind]
    factors = ", ".join(
        f"l = {layer}: {sq[layer - 1] / sq[layer]:.3f}" for layer in (5, 10, 20, 40)
    )
    print(f"{labels[kind]:17s} growth factor at {factors}")

# %%
# What the figure shows
# ---------------------
# In the plain network the squared gradient norm grows by a constant factor per layer, and
# the measured rate is close to :math:`\pi/(\pi - 1)`: over 50 layers this is an explosion
# by many orders of magnitude, although every layer's pre-activations are normalized.
# Batch norm makes each layer scale-invariant and cures saturation, but it does not stop
# gradients from exploding at initialization. :cite:t:`yang2019` derive the rate from
# mean-field theory and show that neither the weight variance (to which the normalized
# layer is blind) nor the choice of activation removes the explosion; batch norm itself
# causes it.
#
# Residual connections temper the explosion. The identity path carries the gradient from
# block to block unchanged, and the branch adds to it a part whose size is set by the
# branch's batch norm, :math:`1/\sqrt{\operatorname{Var}[x_l]}`. Since every block adds
# about the same variance to :math:`x_l`, that part shrinks along the stack, and the growth
# factor falls towards 1: the gradient still grows towards the input, but polynomially in
# the depth rather than exponentially :cite:p:`de2020`. Scaling the branches by
# :math:`1/\sqrt{L}` makes every factor close to 1.
#
# Related theory: :ref:`theory-signal-propagation`.

# sphinx_gallery_thumbnail_number = 1
