r"""
Activation histograms per layer
===============================

We feed random inputs through networks of five hidden layers and draw a histogram of the
activations of every layer. The scale of the initial weights decides whether the units
saturate, collapse to one value, or keep a healthy spread.
"""

# %%
# The set-up
# ----------
# Five hidden layers of 100 units, 1000 inputs :math:`x \sim \mathcal N(0, 1)` with 100
# features, biases at zero. We compare five ways to draw the weights:
#
# * :math:`\mathcal N(0, 1)`: standard deviation 1, whatever the layer size;
# * :math:`\mathcal N(0, 0.1^2)` and :math:`\mathcal N(0, 0.01^2)`: standard deviation 0.1 and 0.01;
# * Glorot's "standard" :math:`U[-1/\sqrt{n}, 1/\sqrt{n}]` (``standard_uniform``);
# * Xavier, :math:`\operatorname{Var}[W] = 2/(n_\text{in} + n_\text{out})`.
#
# :func:`~vanishing.diagnostics.activation_stats` summarises each activation layer: its
# mean, its standard deviation and the fraction of saturated outputs (within 0.01 of a
# bound of the sigmoid or tanh).
import functools

import matplotlib.pyplot as plt
import numpy as np

from vanishing.diagnostics import activation_stats
from vanishing.initializers import normal
from vanishing.network import MLP

n_hidden, width = 5, 100
x = np.random.default_rng(0).standard_normal((1000, width))
inits = {
    "N(0, 1)": functools.partial(normal, std=1.0),
    "N(0, 0.1^2)": functools.partial(normal, std=0.1),
    "N(0, 0.01^2)": functools.partial(normal, std=0.01),
    "standard U": "standard_uniform",
    "Xavier": "xavier_normal",
    "He": "he_normal",
}
colors = {name: f"C{i}" for i, name in enumerate(inits)}
labels = {
    "N(0, 1)": r"$\mathcal{N}(0, 1)$",
    "N(0, 0.1^2)": r"$\mathcal{N}(0, 0.1^2)$",
    "N(0, 0.01^2)": r"$\mathcal{N}(0, 0.01^2)$",
    "standard U": r"$U(\pm 1/\sqrt{n})$",
    "Xavier": "Xavier",
    "He": "He",
}


def hidden_activations(activation, init):
    net = MLP([width] * (n_hidden + 2), activation, init=init, rng=1)
    _, cache = net.forward(x)
    stats = activation_stats(net, cache)
    layers = [cache.outputs[i] for i in range(len(net.layers)) if i not in net.dense_indices]
    return layers, stats


def histogram_grid(activation, names, value_range, title):
    fig, axes = plt.subplots(
        len(names),
        n_hidden,
        figsize=(9.0, 1.35 * len(names) + 0.6),
        sharex=True,
        layout="constrained",
    )
    for row, name in enumerate(names):
        layers, stats = hidden_activations(activation, inits[name])
        for col, a in enumerate(layers):
            ax = axes[row, col]
            ax.hist(
                a.ravel(), bins=40, range=value_range, histtype="stepfilled", color=colors[name]
            )
            ax.set_yticks([])
            if row == 0:
                ax.set_title(rf"layer $\ell = {col + 1}$", fontsize=9)
        axes[row, 0].set_ylabel(labels[name], fontsize=9)
        print(
            f"{activation:7s} {name:22s} std per layer",
            np.round([s.std for s in stats], 3),
            " saturated",
            np.round([s.saturated_fraction for s in stats], 2),
        )
    for ax in axes[-1]:
        ax.set_xlabel(r"activation $a^{(\ell)}$")
    fig.suptitle(title)
    plt.show()


# %%
# Sigmoid
# -------
# Each row is one initialization, each column one hidden layer, input side on the left.
# The horizontal axis is the activation :math:`a^{(\ell)} \in (0, 1)`.
saturating = ["N(0, 1)", "N(0, 0.1^2)", "N(0, 0.01^2)", "standard U", "Xavier"]
histogram_grid(
    "sigmoid", saturating, (0.0, 1.0), title="Sigmoid activations per layer, five initializations"
)

# %%
# With :math:`\mathcal N(0, 1)` weights, :math:`z = a W + b` sums 100 terms, so its
# standard deviation is about 10 in the first layer. Almost all outputs sit at 0 or 1: the
# units are saturated, their derivative is close to 0, and little gradient gets through.
# The printed saturated fractions are large. With :math:`\mathcal N(0, 0.01^2)` the opposite
# happens: every :math:`z` is close to 0 and every output close to 0.5. The units are no
# longer saturated, but they all say the same thing, and the layers behave almost like
# one linear map. :math:`\mathcal N(0, 0.1^2)`, the standard uniform and Xavier keep a spread
# of values in every layer.
#
# The rows :math:`\mathcal N(0, 0.1^2)` and Xavier are identical. For a layer with 100 inputs
# and 100 outputs, Xavier's standard deviation is :math:`\sqrt{2/(100 + 100)} = 0.1`, and
# both draw the same random numbers. So :math:`\mathcal N(0, 0.1^2)` works here only because
# it happens to match this layer size. For 1000 inputs it would be too large.
#
# In layers 2 to 5 the sigmoid histograms are spiky. The sigmoid's outputs are all
# positive, with mean near 0.5, so each unit of the next layer receives a large constant
# part :math:`0.5 \sum_i W_{ij}` that differs from unit to unit but much less from sample to
# sample. Each spike is one unit. tanh is centred at 0 and does not have this problem.
#
# tanh
# ----
# The same grid for tanh, with activations in :math:`(-1, 1)`.
histogram_grid(
    "tanh", saturating, (-1.0, 1.0), title="tanh activations per layer, five initializations"
)

# %%
# :math:`\mathcal N(0, 1)` saturates tanh at :math:`\pm 1`. Small weights make the
# activations shrink towards 0 from layer to layer: with :math:`\mathcal N(0, 0.01^2)`
# they are practically 0 after a few layers. The standard uniform init has
# :math:`n \operatorname{Var}[W] = 1/3`, so its spread also shrinks with depth, only more
# slowly. Xavier keeps the spread best.
#
# ReLU: Xavier against He
# -----------------------
# For ReLU the question is the scale of the positive outputs. The last two rows compare
# Xavier with He initialization, :math:`\operatorname{Var}[W] = 2/n_\text{in}`. We draw only
# the positive outputs; about half of them are exactly 0.


def relu_grid():
    names = ["Xavier", "He"]
    fig, axes = plt.subplots(
        2, n_hidden, figsize=(9.0, 3.3), sharex=True, sharey="row", layout="constrained"
    )
    for row, name in enumerate(names):
        layers, stats = hidden_activations("relu", inits[name])
        for col, a in enumerate(layers):
            ax = axes[row, col]
            ax.hist(a[a > 0], bins=40, range=(0.0, 4.0), histtype="stepfilled", color=colors[name])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(rf"layer $\ell = {col + 1}$", fontsize=9)
        axes[row, 0].set_ylabel(f"ReLU, {name}", fontsize=9)
        print(f"relu    {name:22s} std per layer", np.round([s.std for s in stats], 3))
    for ax in axes[-1]:
        ax.set_xlabel(r"activation $a^{(\ell)} > 0$")
    fig.suptitle("Positive ReLU activations per layer, Xavier against He")
    plt.show()


relu_grid()

# %%
# With Xavier the ReLU outputs get narrower from layer to layer: the printed standard
# deviation falls by about :math:`\sqrt 2` per layer, because ReLU sets half of its
# inputs to 0 and Xavier does not make up for it. He initialization doubles the variance
# of the weights and keeps the spread the same in every layer.
#
# Lecture notes often describe these pictures in words: :math:`\mathcal N(0, 1)` pushes the
# sigmoid to 0 and 1, a small standard deviation keeps every output near 0.5, and Xavier
# (for sigmoid and tanh) or He (for ReLU) keep the activations spread out in every layer.
#
# Related theory: :doc:`/theory/07-initialization`.
