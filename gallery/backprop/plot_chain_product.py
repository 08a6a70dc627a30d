r"""
The chain rule as a product of derivatives
==========================================

A chain of :math:`n` units, one per layer, computes :math:`p_k = a(w_k\,p_{k-1})`. The
gradient of the output with respect to the first weight is a product with one factor
:math:`a'(z_k)` per layer. This example shows how that product shrinks with depth for the
sigmoid and tanh, but not for ReLU, and how the weights enter the product too.
"""

# %%
# A chain of scalar units
# -----------------------
# We build the chain from the library's layers: each layer is a
# :class:`~vanishing.layers.Dense` layer with one input, one output and no bias,
# followed by an :class:`~vanishing.layers.ActivationLayer`. The backward pass with
# :math:`\partial p_n/\partial p_n = 1` returns :math:`\partial p_n / \partial w_1` as the
# gradient of the first weight.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.layers import ActivationLayer, Dense
from vanishing.network import Sequential


def scalar_chain(n, activation, w=1.0):
    layers = []
    for _ in range(n):
        dense = Dense(1, 1, init="zeros", bias=False)
        dense.params["W"][...] = w
        layers += [dense, ActivationLayer(activation)]
    return Sequential(layers)


def dpn_dw1(n, activation, w=1.0, x=1.0):
    net = scalar_chain(n, activation, w)
    p, cache = net.forward(np.array([[x]]))
    return net.backward(cache, np.ones_like(p)).grads["0.W"].item()


labels = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
depths = np.arange(1, 31)
by_depth = {name: np.abs([dpn_dw1(n, name) for n in depths]) for name in labels}

shown = 10  # the depth printed
for name, label in labels.items():
    value = by_depth[name][depths == shown].item()
    print(f"{label:8s} |dp_n/dw_1| at n = {shown}: {value:.3e}")
print(f"(1/4)**{shown} = {0.25**shown:.6e} = 2**-{2 * shown} = {2.0 ** (-2 * shown):.6e}")

# %%
# The chain rule writes the gradient as
#
# .. math::
#
#     \frac{\partial p_n}{\partial w_1}
#     = \Bigl(\prod_{k=1}^{n} a'(z_k)\Bigr) \Bigl(\prod_{k=2}^{n} w_k\Bigr)\, x,
#     \qquad z_k = w_k\, p_{k-1}.
#
# With all weights equal to 1 and :math:`x = 1`, only the activation derivatives remain.
# The sigmoid's derivative is at most :math:`1/4`, so the product is at most
# :math:`4^{-n}`. For ten layers this bound is :math:`(1/4)^{10} = 2^{-20}`, printed above:
# about one millionth. The printed sigmoid value at :math:`n = 10` is even smaller,
# because the units do not sit at :math:`z = 0`, where :math:`\sigma'` is largest.
#
# Against depth
# -------------
# The left panel plots :math:`|\partial p_n / \partial w_1|` against the depth :math:`n`
# on a log scale, with the bound :math:`4^{-n}` as a dashed line. The marker shows
# :math:`n = 10`.
fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.0), layout="constrained")
ax = axes[0]
for name, label in labels.items():
    ax.semilogy(depths, by_depth[name], "o-", markersize=3, label=label)
ax.semilogy(depths, 0.25**depths, "k--", linewidth=1, label=r"$4^{-n}$")
ax.plot([10], [0.25**10], "ks")
ax.annotate(
    r"$(1/4)^{10} = 2^{-20}$", (10, 0.25**10), xytext=(12, 1e-4), arrowprops={"arrowstyle": "->"}
)
ax.set_xlabel("chain length $n$")
ax.set_ylabel(r"gradient $|\partial p_n / \partial w_1|$")
legend = ax.legend(loc="lower left")  # assigned: no repr under the code
# sphinx_gallery_defer_figures

# %%
# Against the weights
# -------------------
# The weights are factors of the product too. The right panel fixes the depth at
# :math:`n = 10`, sets every weight to the same value :math:`w`, and varies :math:`w`.
# With ReLU the product is exactly :math:`w^{n-1} x`: it vanishes for :math:`w < 1` and
# explodes for :math:`w > 1`. With the sigmoid, larger weights do not help much, because a
# large :math:`w` pushes :math:`z = w p` away from 0, where :math:`\sigma'` is small.
weights = np.geomspace(0.1, 10.0, 41)
n = 10
by_weight = {name: np.abs([dpn_dw1(n, name, w=w) for w in weights]) for name in labels}

ax = axes[1]
for name, label in labels.items():
    ax.loglog(weights, by_weight[name], "o-", markersize=3, label=label)
ax.axhline(1.0, color="0.5", linewidth=0.8)
ax.set_xlabel("weight $w$")
ax.set_ylabel(r"gradient $|\partial p_{10} / \partial w_1|$")
ax.legend(loc="upper left")
fig.suptitle("Gradient of the first weight of a chain against its length and its weights")
plt.show()

span = f"[{weights[0]:g}, {weights[-1]:g}]"
for name, label in labels.items():
    print(f"{label:8s} largest |dp_10/dw_1| over w in {span}: {by_weight[name].max():.3e}")

# %%
# With ReLU the gradient is 1 at :math:`w = 1` and explodes for larger weights. With the
# sigmoid the largest printed value stays far below 1 for every :math:`w`: no single
# weight scale rescues a deep sigmoid chain. This is the product behind vanishing (and
# exploding) gradients. Real networks have matrices instead of scalars, but the structure
# is the same: one factor per layer.
#
# Related theory
# --------------
# :doc:`/theory/04-backprop` derives the product formula, then the matrix form of
# backpropagation.
