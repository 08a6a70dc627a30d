r"""
Sigmoid, tanh and ReLU against depth
====================================

We build deep networks with sigmoid, tanh and ReLU units and measure the back-propagated
delta in every layer. With the sigmoid it falls by orders of magnitude towards the input,
with tanh much less, and with ReLU it stays flat.
"""

# %%
# The networks
# ------------
# Every network has Dense layers of width 64 and the same hidden activation between
# them. Each activation gets the initialization that suits it: Xavier for sigmoid and
# tanh, He for ReLU. The input :math:`x` and the output gradient
# :math:`\partial L/\partial y` are the same random batches for all networks. We record
# the norm of the delta :math:`\delta^{(\ell)} = \partial L/\partial z^{(\ell)}` of every
# Dense layer with :func:`~vanishing.diagnostics.delta_norms`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.diagnostics import delta_norms
from vanishing.network import MLP

width, n_samples = 64, 64
rng = np.random.default_rng(0)
x = rng.standard_normal((n_samples, width))
dy = rng.standard_normal((n_samples, width)) / n_samples
setups = {"sigmoid": "xavier_normal", "tanh": "xavier_normal", "ReLU": "he_normal"}
# Legend entries and printed names that are words.
labels = {"sigmoid": "sigmoid"}


def deltas(activation, init, depth):
    net = MLP([width] * (depth + 1), activation.lower(), init=init, rng=1)
    _, cache = net.forward(x)
    back = net.backward(cache, dy)
    return np.array(list(delta_norms(net, back).values()))


# %%
# Delta per layer in a 30-layer network
# -------------------------------------
# Layer 1 is next to the input, layer 30 next to the output. We print the ratio of the
# first layer's delta to the last layer's, and the average factor per layer.
depth = 30
per_layer = {name: deltas(name, init, depth) for name, init in setups.items()}
for name, d in per_layer.items():
    ratio, label = d[0] / d[-1], labels.get(name, name)
    print(f"{label:8s} first / last {ratio:9.3g}   per layer {ratio ** (1 / (depth - 1)):.3f}")

# %%
# The first layer's delta against depth
# -------------------------------------
# Now we change the depth :math:`D`, the number of Dense layers, and keep only the delta
# of the first layer, the one that vanishes first.
depths = np.array([2, 5, 10, 15, 20, 25, 30])
first = {
    name: np.array([deltas(name, init, int(d))[0] for d in depths]) for name, init in setups.items()
}

# %%
# The figure
# ----------
# Left: :math:`\|\delta^{(\ell)}\|` against the layer index :math:`\ell` for :math:`D = 30`.
# Right: :math:`\|\delta^{(1)}\|` against the depth :math:`D`. Both vertical axes are
# logarithmic, so an exponential decay is a straight line.
fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6), layout="constrained")
for name, d in per_layer.items():
    left.semilogy(np.arange(1, depth + 1), d, "o-", markersize=3, label=labels.get(name, name))
    right.semilogy(depths, first[name], "o-", markersize=4, label=labels.get(name, name))
left.set_xlabel(r"layer $\ell$")
left.set_ylabel(r"gradient norm $\|\delta^{(\ell)}\|$")
right.set_xlabel(r"depth $D$")
right.set_ylabel(r"first layer's $\|\delta^{(1)}\|$")
for ax in (left, right):
    ax.grid(True, which="major", alpha=0.3)
left.legend(fontsize=9)
fig.suptitle("Gradient norm per layer, and of the first layer against depth")
plt.show()

# %%
# What the figure shows
# ---------------------
# The sigmoid's delta falls on a straight line: it loses the same factor at every layer.
# The printed factor per layer is well below 1, as expected from
# :math:`\sigma'(z) \le 1/4`. tanh also loses at every layer, but much less, because its
# derivative is 1 at :math:`z = 0`. ReLU with He initialization keeps the delta at about
# the same size in every layer and at every depth. On the right, the sigmoid's
# first-layer delta falls exponentially as the network gets deeper.
#
# Related theory: :doc:`/theory/05-vanishing`.
