r"""
Constant initialization never breaks the symmetry
=================================================

We train the same small network three times: with all weights 0, with all weights 0.5,
and with random Xavier weights. With a constant start the hidden units stay exact copies
of each other for the whole training, and the network cannot learn a curved boundary.
"""

# %%
# Data and network
# ----------------
# Two concentric circles, 200 points. One hidden layer of 8 tanh units, then 2 outputs
# and the softmax cross-entropy. A single hidden unit can only draw a straight line, so
# at least two different units are needed to separate the circles. We train with SGD and
# momentum, one full batch per step, and after every step we record the loss and the
# spread of the first weight matrix :math:`W^{(1)}` (shape 2 by 8) across the 8 units:
# the largest standard deviation over its rows.
import functools

import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import circles
from vanishing.initializers import constant
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP
from vanishing.optimizers import SGD

X, y = circles(200, rng=0)
inits = {
    "0": "zeros",
    "0.5": functools.partial(constant, value=0.5),
    "Xavier": "xavier_normal",
}


def train_and_watch(init, steps=300):
    net = MLP([2, 8, 2], "tanh", init=init, rng=0)
    opt = SGD(lr=0.5, momentum=0.9)
    state = opt.init(net.params)
    losses, spreads = [], []
    for _ in range(steps):
        logits, cache = net.forward(X)
        loss, dlogits = softmax_cross_entropy(logits, y)
        state = opt.step(net.params, net.backward(cache, dlogits).grads, state)
        losses.append(loss)
        spreads.append(net.params["0.W"].std(axis=1).max())
    accuracy = np.mean(net(X).argmax(axis=1) == y)
    return np.array(losses), np.array(spreads), net.params["0.W"].copy(), accuracy


runs = {name: train_and_watch(init) for name, init in inits.items()}
for name, (losses, spreads, _, accuracy) in runs.items():
    print(
        f"init {name:7s} final loss {losses[-1]:.4f}  largest spread {spreads.max():.4f}  "
        f"accuracy {accuracy:.2f}"
    )

# %%
# The figure
# ----------
# Left: the loss :math:`L` against the training step :math:`t`. Middle: the spread of
# :math:`W^{(1)}` across the hidden units. Right: the 8 columns of the trained
# :math:`W^{(1)}`, one point per hidden unit, at coordinates :math:`(W_{1j}, W_{2j})`.
fig, (ax_loss, ax_spread, ax_units) = plt.subplots(1, 3, figsize=(10.0, 3.4), layout="constrained")
style = {"0": ("s", "-", 4, 3), "0.5": ("D", "--", 2, 2), "Xavier": ("o", "-", 2, 1)}
for name, (losses, spreads, W1, _) in runs.items():
    marker, linestyle, linewidth, zorder = style[name]
    label = name if name == "Xavier" else rf"$W = {name}$"
    ax_loss.plot(losses, linestyle, linewidth=linewidth, label=label)
    ax_spread.plot(spreads, linestyle, linewidth=linewidth, label=label)
    ax_units.scatter(W1[0], W1[1], marker=marker, s=50, zorder=zorder, label=label)
ax_loss.set_xlabel(r"step $t$")
ax_loss.set_ylabel(r"loss $L$")
ax_spread.set_xlabel(r"step $t$")
ax_spread.set_ylabel(r"spread $\max_i \, \mathrm{std}_j \, W^{(1)}_{ij}$")
ax_units.set_xlabel(r"weight $W^{(1)}_{1j}$")
ax_units.set_ylabel(r"weight $W^{(1)}_{2j}$")
ax_units.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
ax_units.axvline(0.0, color="0.8", linewidth=0.8, zorder=0)
ax_loss.legend(fontsize=10)
fig.suptitle("Zero, constant and Xavier initialization: loss, spread and trained weights")
plt.show()

# %%
# What the figure shows
# ---------------------
# With all weights 0 nothing moves. The tanh of 0 is 0, so the output layer sees only
# zeros, and the hidden layer receives a delta multiplied by the output weights, which
# are 0 too. The loss stays at :math:`\ln 2`, the loss of a coin flip, and all 8 units
# sit at the origin.
#
# With all weights 0.5 the weights do change, but every unit receives exactly the same
# update. The spread stays exactly 0 during all the steps, and the 8 units end up at
# one and the same point: the network works like a network with one hidden unit. Its
# boundary is a straight line, and the printed accuracy stays low.
#
# Random Xavier weights give every unit a different start. The units spread out, each
# learns a different direction, and the network separates the circles. Random
# initialization is needed to break the symmetry; the scale of the random numbers is
# the subject of the other examples.
#
# Related theory: :doc:`/theory/07-initialization`.
