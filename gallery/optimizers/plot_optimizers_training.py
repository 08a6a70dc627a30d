r"""
Optimizers on a real training run
=================================

The same small network, trained on the 8x8 digits with seven optimizers from the same
starting weights and the same mini-batches. The figure shows the training loss against
the number of steps; the test accuracy of each run is printed.
"""

# %%
# Data, network and training
# --------------------------
# The 1797 digits shipped with the library, 80 % for training and 20 % for testing. The
# network has two hidden tanh layers of width 64 (Xavier weights). Every run uses the same
# seeds, so the starting weights and the order of the mini-batches are identical: only the
# optimizer differs. :func:`~vanishing.training.train` runs the loop (forward pass,
# cross-entropy loss, backward pass, optimizer step) and records the loss of every
# mini-batch.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits, train_test_split
from vanishing.network import MLP
from vanishing.optimizers import SGD, AdaGrad, Adam, AdamW, RMSProp
from vanishing.training import accuracy, train

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
epochs = 8


def run(opt):
    net = MLP([64, 64, 64, 10], "tanh", rng=0)
    history = train(net, X_train, y_train, optimizer=opt, epochs=epochs, batch_size=32, rng=0)
    return history, accuracy(net, X_test, y_test)


# %%
# The optimizers
# --------------
# SGD-type methods use :math:`\eta = 0.05`; with momentum :math:`\mu = 0.9` the effective
# step along a steady gradient is :math:`\eta/(1 - \mu) = 10\,\eta`. AdaGrad uses
# :math:`\eta = 0.05`. RMSProp, Adam and AdamW use :math:`\eta = 10^{-3}` (Adam's default).
# AdamW adds decoupled weight decay :math:`\lambda = 10^{-2}` (its default).
optimizers = {
    "SGD": SGD(lr=0.05),
    "momentum": SGD(lr=0.05, momentum=0.9),
    "Nesterov": SGD(lr=0.05, momentum=0.9, nesterov=True),
    "AdaGrad": AdaGrad(lr=0.05),
    "RMSProp": RMSProp(lr=1e-3),
    "Adam": Adam(),
    "AdamW": AdamW(),
}
labels = {"momentum": r"SGD, $\mu = 0.9$", "Nesterov": r"Nesterov, $\mu = 0.9$"}
results = {name: run(opt) for name, opt in optimizers.items()}

print(f"steps per pass over the training set: {results['SGD'][0].n_steps // epochs}")
print(f"{'':10s} {'last-pass loss':>15s} {'test accuracy':>14s}")
for name, (history, test_accuracy) in results.items():
    print(f"{name:10s} {history.epoch_loss[-1]:15.4f} {test_accuracy:14.3f}")

# %%
# Loss curves
# -----------
# The training loss :math:`L` of each mini-batch, averaged over 20 steps, against the step
# :math:`t`, on a log scale. One pass over the training set takes the number of steps
# printed above.
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
window = 20
for name, (history, _) in results.items():
    smooth = np.convolve(history.loss, np.ones(window) / window, mode="valid")
    style = "--" if name == "AdamW" else "-"
    ax.semilogy(np.arange(len(smooth)) + window, smooth, style, label=labels.get(name, name))
ax.set_xlabel(r"step $t$")
ax.set_ylabel(r"loss $L$")
ax.legend(fontsize=8)
ax.grid(True, alpha=0.3)
fig.suptitle("Training loss of each optimizer on the digits")
plt.show()

# %%
# What the curves show
# --------------------
# * Every optimizer trains this small, well-initialized network: the test accuracies
#   (printed above) are close. The differences are in speed.
# * Momentum and Nesterov reach a lower loss than plain SGD with the same :math:`\eta`,
#   because their effective step is larger along directions where the gradient is steady.
# * RMSProp and Adam with :math:`\eta = 10^{-3}` are slower here than SGD with momentum.
#   Adam's default learning rate is a safe starting point, not the best value for every
#   problem.
# * Adam and AdamW are almost the same curve: over a few hundred steps, a weight decay of
#   :math:`\eta\lambda = 10^{-5}` per step changes the weights very little.
# * The ranking depends on the learning rates. A fair comparison tunes each optimizer's
#   :math:`\eta`; try it (exercise on the theory page).
#
# Related theory: :doc:`/theory/09-optimizers`.
