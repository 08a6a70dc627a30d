r"""
Xavier against He in a 30-layer ReLU network
============================================

He et al. (2015) found that a 30-layer ReLU network does not learn with Xavier
initialization but does with theirs. We measure the forward signal and the backward
deltas layer by layer for both, and then train both networks for a few epochs.
"""

# %%
# Signal and deltas at initialization
# -----------------------------------
# :func:`~vanishing.diagnostics.signal_propagation` builds 30 Dense layers of width 128
# with ReLU between them and no biases, feeds a batch of :math:`x \sim \mathcal N(0, 1)`
# and back-propagates a random output gradient. It returns, per layer, the standard
# deviation of the pre-activations :math:`z^{(\ell)}` (forward) and of the deltas
# :math:`\delta^{(\ell)} = \partial L/\partial z^{(\ell)}` (backward).
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits
from vanishing.diagnostics import signal_propagation
from vanishing.network import MLP
from vanishing.optimizers import SGD
from vanishing.training import train

depth = 30
inits = {"Xavier": "xavier_normal", "He": "he_normal"}
signal = {
    name: signal_propagation(depth, 128, "relu", init, n_samples=128, rng=0)
    for name, init in inits.items()
}
for name, s in signal.items():
    print(
        f"{name:6s} forward: last / first {s.forward_ratio:.3g}   "
        f"backward: first / last {s.backward_ratio:.3g}"
    )
print(f"theory for Xavier: 2 ** -14.5 = {2**-14.5:.3g}")

# %%
# Training
# --------
# Now two 30-layer ReLU networks of width 48 learn 512 handwritten digits, with SGD
# (learning rate 0.003, momentum 0.9) in batches of 64, for 30 epochs. The two networks
# differ only in their initial weights. :func:`~vanishing.training.train` records the
# loss.
X, y = load_digits()
X, y = X[:512], y[:512]
histories = {}
for name, init in inits.items():
    net = MLP([64] + [48] * (depth - 1) + [10], "relu", init=init, rng=0)
    histories[name] = train(
        net,
        X,
        y,
        loss="softmax_cross_entropy",
        optimizer=SGD(lr=0.003, momentum=0.9),
        epochs=30,
        batch_size=64,
        rng=0,
    )
    print(
        f"{name:6s} loss after the first epoch {histories[name].epoch_loss[0]:.3f}, "
        f"after the last {histories[name].epoch_loss[-1]:.3f}"
    )
print(f"ln 10 = {np.log(10):.3f}")

# %%
# The figure
# ----------
# Left: the standard deviation of :math:`z^{(\ell)}` against the layer index :math:`\ell`.
# Middle: the standard deviation of :math:`\delta^{(\ell)}`. Both vertical axes are
# logarithmic. Right: the training loss :math:`L` of each epoch against the epoch
# :math:`t`.
fig, (ax_fwd, ax_bwd, ax_loss) = plt.subplots(1, 3, figsize=(10.0, 3.4), layout="constrained")
layers = np.arange(1, depth + 1)
for (name, s), color in zip(signal.items(), ["C3", "C0"], strict=True):
    ax_fwd.semilogy(layers, s.forward_std, "o-", markersize=3, color=color, label=name)
    ax_bwd.semilogy(layers, s.backward_std, "o-", markersize=3, color=color, label=name)
    ax_loss.plot(np.arange(1, 31), histories[name].epoch_loss, color=color, label=name)
ax_fwd.set_xlabel(r"layer $\ell$")
ax_fwd.set_ylabel(r"forward, $\mathrm{std}(z^{(\ell)})$")
ax_bwd.set_xlabel(r"layer $\ell$")
ax_bwd.set_ylabel(r"backward, $\mathrm{std}(\delta^{(\ell)})$")
ax_loss.set_xlabel(r"epoch $t$")
ax_loss.set_ylabel(r"loss $L$")
for ax in (ax_fwd, ax_bwd):
    ax.grid(True, which="major", alpha=0.3)
ax_loss.legend(fontsize=10)
fig.suptitle("Xavier against He initialization in a 30-layer ReLU network")
plt.show()

# %%
# What the figure shows
# ---------------------
# With Xavier, the variance of the weights is :math:`1/n`, half of what ReLU needs, so the
# signal loses a factor :math:`\sqrt 2` at every layer: forward towards the output, and
# backward towards the input. The printed ratios are close to :math:`2^{-14.5}`. With He,
# :math:`\operatorname{Var}[W] = 2/n`, both curves stay flat.
#
# The training curves show what this means. From Xavier weights, the output of the
# network is almost 0 for every image, the loss stays at :math:`\ln 10` (a uniform guess
# over 10 digits), and every weight gradient is tiny: the network stalls. From He weights
# the same network starts learning in the first epochs. The curve is noisy, because a
# 30-layer network without normalization or residual connections is hard to train even
# from a good start.
#
# Related theory: :doc:`/theory/07-initialization`.
