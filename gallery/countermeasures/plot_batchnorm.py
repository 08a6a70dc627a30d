r"""
Batch normalization in a deep sigmoid network
=============================================

Ten sigmoid layers on the digits data. Without batch normalization the activations either
saturate at 0 and 1 (:math:`\mathcal N(0, 1)` weights) or crowd around 0.5 with gradients
that vanish (Xavier weights). With a BatchNorm layer before every sigmoid the activations
keep a healthy spread, and the network trains.
"""

# %%
# Three networks
# --------------
# The same architecture, 64 inputs, ten hidden sigmoid layers of width 64 and 10 outputs:
#
# * :math:`\mathcal N(0, 1)` weights, as in the lecture-note experiment;
# * Xavier weights, the usual fix for the sigmoid;
# * :math:`\mathcal N(0, 1)` weights with :class:`~vanishing.layers.BatchNorm` before every
#   sigmoid. Batch normalization divides by the standard deviation of its input, so the
#   weight scale of the hidden layers no longer matters. The output layer has no batch
#   normalization, though: with Xavier weights instead, the hidden activations would be
#   nearly the same but the initial logits would not (printed below).
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits, train_test_split
from vanishing.diagnostics import activation_stats, delta_norms
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP
from vanishing.optimizers import SGD
from vanishing.training import accuracy, train

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
sizes = [64] + [64] * 10 + [10]
configs = {
    "N(0, 1)": dict(init="normal"),
    "Xavier": dict(init="xavier_normal"),
    "N(0, 1), BatchNorm": dict(init="normal", batch_norm=True),
}
labels = {
    "N(0, 1)": r"sigmoid, $\mathcal{N}(0, 1)$",
    "Xavier": "sigmoid, Xavier",
    "N(0, 1), BatchNorm": r"sigmoid, $\mathcal{N}(0, 1)$, BatchNorm",
}


def build(config):
    return MLP(sizes, "sigmoid", rng=0, **config)


logit_std = {
    init: build(dict(init=init, batch_norm=True)).forward(X_train[:512])[0].std()
    for init in ("normal", "xavier_normal")
}
print(
    "std of the initial logits with BatchNorm: N(0, 1) "
    f"{logit_std['normal']:.3g}, Xavier {logit_std['xavier_normal']:.3g}, "
    f"ratio {logit_std['normal'] / logit_std['xavier_normal']:.1f}"
)


# %%
# Activations at initialization
# -----------------------------
# One forward pass of 512 training images. Each panel is a histogram of the sigmoid
# outputs :math:`a^{(\ell)}` of one hidden layer :math:`\ell`.
shown_layers = [1, 4, 7, 10]
fig, axes = plt.subplots(
    len(configs), len(shown_layers), figsize=(10, 6.5), sharex=True, layout="constrained"
)
for row, (name, config) in zip(axes, configs.items(), strict=True):
    net = build(config)
    _, cache = net.forward(X_train[:512])
    stats = activation_stats(net, cache)
    for ax, layer in zip(row, shown_layers, strict=True):
        idx = int(stats[layer - 1].name)
        ax.hist(cache.outputs[idx].ravel(), bins=np.linspace(0, 1, 41), color="C0")
        ax.set_yticks([])
        ax.set_title(rf"$\ell = {layer}$", fontsize=10)
    row[0].set_ylabel(labels[name], fontsize=10)
    saturated = np.mean([s.saturated_fraction for s in stats])
    print(f"{name:20s} fraction of saturated sigmoid outputs: {saturated:.3f}")
for ax in axes[-1]:
    ax.set_xlabel(r"activation $a^{(\ell)}$")
fig.suptitle("Sigmoid activations per layer, with and without batch normalization")
plt.show()

# %%
# Without batch normalization, :math:`\mathcal N(0, 1)` weights push the sigmoid to 0 and
# 1, where :math:`\sigma'(z) \approx 0`. Xavier weights avoid saturation, but every layer's
# output crowds around 0.5. With batch normalization every layer sees standardized
# pre-activations, and the histograms look the same from the first layer to the last.
#
# Deltas at initialization
# ------------------------
# The norm of the back-propagated delta :math:`\delta^{(\ell)} = \partial L/\partial
# z^{(\ell)}` of every hidden Dense layer, for the cross-entropy loss of the same batch.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for name, config in configs.items():
    net = build(config)
    logits, cache = net.forward(X_train[:512])
    _, dlogits = softmax_cross_entropy(logits, y_train[:512])
    norms = list(delta_norms(net, net.backward(cache, dlogits)).values())[:-1]
    ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=labels[name])
    print(f"{name:20s} ||delta(1)|| / ||delta(10)|| = {norms[0] / norms[-1]:.2e}")
ax.set_xlabel(r"layer $\ell$")
ax.set_ylabel(r"gradient norm $\|\delta^{(\ell)}\|$")
ax.legend(fontsize=8)
ax.grid(True, alpha=0.3)
fig.suptitle("Gradient norm per layer at initialization")
plt.show()

# %%
# Training
# --------
# Plain SGD with learning rate 0.1, mini-batches of 64, 10 passes over the training set,
# with :func:`~vanishing.training.train`. It records the loss of every mini-batch.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for name, config in configs.items():
    net = build(config)
    history = train(net, X_train, y_train, optimizer=SGD(lr=0.1), epochs=10, batch_size=64, rng=0)
    smooth = np.convolve(history.loss, np.ones(10) / 10, mode="valid")
    ax.plot(np.arange(len(smooth)) + 10, smooth, label=labels[name])
    print(
        f"{name:20s} last-epoch loss {history.epoch_loss[-1]:.3f}"
        f"   test accuracy {accuracy(net, X_test, y_test):.3f}"
    )
ax.axhline(np.log(10), color="0.6", ls=":", label=r"$\ln 10$")
ax.set_xlabel(r"step $t$")
ax.set_ylabel(r"loss $L$")
ax.legend(fontsize=8)
ax.grid(True, alpha=0.3)
fig.suptitle("Training loss, with and without batch normalization")
plt.show()

# %%
# The horizontal line is :math:`\ln 10`, the loss of a network that guesses uniformly among
# the ten digits; :math:`t` counts SGD steps. The Xavier network stays on that line: its
# deltas vanish before they reach the first layers, which therefore do not learn. The
# saturated :math:`\mathcal N(0, 1)` network learns slowly. The batch-normalized network
# learns quickly and reaches the best test accuracy (printed above).
#
# Related theory: :doc:`/theory/08-countermeasures`.

# sphinx_gallery_thumbnail_number = 3
