r"""
Speed of learning per layer
===========================

Following Nielsen, we measure how fast each hidden layer of a sigmoid network learns at
initialization, on the handwritten digits that ship with the library. The bar charts show
that every hidden layer learns several times more slowly than the next one.
"""

# %%
# The data and the networks
# -------------------------
# The digits are 8 by 8 images, so the networks have 64 inputs and 10 outputs. We use
# the first 1000 images. As in Nielsen's experiment, the weights are drawn from
# :math:`\mathcal N(0, 1/n_\text{in})` (``lecun_normal``), the biases from
# :math:`\mathcal N(0, 1)`, every unit is a sigmoid, and the loss is the cross-entropy
# summed over the 10 output units.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits
from vanishing.diagnostics import bias_gradient_norms
from vanishing.losses import binary_cross_entropy_with_logits
from vanishing.network import MLP

X_all, Y_all = load_digits(one_hot=True)
X, Y = X_all[:1000], Y_all[:1000]

# %%
# The speed of a layer
# --------------------
# A bias moves by :math:`\eta\,\partial L/\partial b^{(\ell)}` at every step, so the norm
# :math:`\|\partial L/\partial b^{(\ell)}\|` is the speed at which layer :math:`\ell`
# learns. This bias gradient is the back-propagated delta
# :math:`\delta^{(\ell)} = \partial L/\partial z^{(\ell)}` summed over the batch.
# :func:`~vanishing.diagnostics.bias_gradient_norms` returns it for every Dense layer; we
# keep the hidden layers. The library's loss averages over all 10 output units, so its
# gradient is multiplied by 10 to get Nielsen's sum. We average over 10 random
# initializations.


def speed_of_learning(sizes, seed):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, "sigmoid", init="lecun_normal", rng=rng)
    for i in net.dense_indices:
        b = net.params[f"{i}.b"]
        b[:] = rng.standard_normal(b.shape)
    logits, cache = net.forward(X)
    _, dlogits = binary_cross_entropy_with_logits(logits, Y)
    grads = net.backward(cache, dlogits * Y.shape[1]).grads
    return list(bias_gradient_norms(net, grads).values())[:-1]


speeds = {}
for n_hidden in (2, 3, 4):
    sizes = [64] + [30] * n_hidden + [10]
    speeds[n_hidden] = np.mean([speed_of_learning(sizes, seed) for seed in range(10)], axis=0)
    s = speeds[n_hidden]
    print(f"{str(sizes):24s} speed {np.round(s, 4)}  ratio to next {np.round(s[:-1] / s[1:], 3)}")

# %%
# The figure
# ----------
# One panel per network, with two, three and four hidden layers. The bars are the hidden
# layers, input side on the left. The vertical axis is logarithmic and shared.
fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.2), sharey=True, layout="constrained")
for ax, (n_hidden, s) in zip(axes, speeds.items(), strict=True):
    layers = np.arange(1, n_hidden + 1)
    ax.bar(layers, s, color="C0")
    ax.set_xticks(layers)
    ax.set_xlabel(r"layer $\ell$")
    ax.set_title(f"[64, {', '.join(['30'] * n_hidden)}, 10]", fontsize=9)
axes[0].set_yscale("log")
axes[0].set_ylabel(r"bias gradient norm $\|\partial L / \partial b^{(\ell)}\|$")
fig.suptitle("Bias gradient norm per layer in three networks")
plt.show()

# %%
# What the figure shows
# ---------------------
# In every network the speed grows with the layer index. The printed ratios between a
# layer and the next one are all about the same, well below 1: each hidden layer learns
# several times more slowly than the layer after it. Adding a layer at the input side
# adds one more such factor, so the first layer of the deepest network is the slowest of
# all.
# Nielsen found the same pattern on MNIST, with 784 inputs instead of 64. The cause is
# the product of weights and sigmoid derivatives :math:`\sigma' \le 1/4` that the delta
# picks up at every layer on its way back.
#
# Related theory: :doc:`/theory/05-vanishing`.
