r"""
Batch, stochastic and mini-batch gradient descent
=================================================

The same network is trained on the same digits with three batch sizes: the whole training
set per update (batch gradient descent), one sample per update (stochastic gradient
descent), and 32 samples per update (mini-batch). The loss curves are plotted against the
number of training samples seen and against the number of updates.
"""

# %%
# The data and the training loop
# ------------------------------
# The data are the 8x8 images of handwritten digits that ship with the library
# (:func:`~vanishing.datasets.load_digits`), split into a training and a test set. The
# model is a small :func:`~vanishing.network.MLP` with one hidden ReLU layer. Every update
# is plain gradient descent, :math:`\theta \leftarrow \theta - \eta\,\partial L/\partial
# \theta`, with the same learning rate :math:`\eta = 0.1` for all three runs
# (:class:`~vanishing.optimizers.SGD` without momentum). Only the batch size differs.
#
# The loop shuffles the training set once per epoch and cuts it into batches. After some
# of the updates it records the loss on the *whole* training set, so the three runs are
# measured in the same way.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits, train_test_split
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP
from vanishing.optimizers import SGD

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
n_train = len(X_train)
print(f"{n_train} training samples, {len(X_test)} test samples, {X.shape[1]} features")


def train(batch_size, n_updates, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    net = MLP([64, 32, 10], "relu", rng=seed)
    optimizer = SGD(lr=lr)
    state = optimizer.init(net.params)
    record_at = set(np.geomspace(1, n_updates, 25).astype(int))
    history = [(0, 0, softmax_cross_entropy(net(X_train), y_train)[0])]
    updates = seen = 0
    while updates < n_updates:
        order = rng.permutation(n_train)  # one epoch
        for start in range(0, n_train, batch_size):
            batch = order[start : start + batch_size]
            logits, cache = net.forward(X_train[batch])
            loss, dlogits = softmax_cross_entropy(logits, y_train[batch])
            state = optimizer.step(net.params, net.backward(cache, dlogits).grads, state)
            updates += 1
            seen += len(batch)
            if updates in record_at:
                history.append((updates, seen, softmax_cross_entropy(net(X_train), y_train)[0]))
            if updates == n_updates:
                break
    accuracy = np.mean(net(X_test).argmax(axis=1) == y_test)
    return np.array(history), accuracy


# %%
# Three runs
# ----------
# Stochastic gradient descent makes 1500 updates of one sample each. Mini-batch gradient
# descent makes 150 updates of 32 samples. Batch gradient descent makes 40 updates, each
# over the whole training set. An *epoch* is one pass over the training set.
runs = {
    "SGD": (1, 1500),
    "mini-batch": (32, 150),
    "batch": (n_train, 40),
}
histories = {}
for name, (batch_size, n_updates) in runs.items():
    history, accuracy = train(batch_size, n_updates)
    histories[name] = history
    updates, seen, loss = history[-1]
    print(
        f"{name:10s} B = {batch_size:4d}: {int(updates):4d} updates, "
        f"{int(seen):6d} samples seen ({seen / n_train:5.1f} epochs), "
        f"training loss {loss:.3f}, test accuracy {accuracy:.3f}"
    )

# %%
# The left panel shows the training loss :math:`L` against the number of samples seen,
# :math:`n`, which measures the work done. :math:`B` is the batch size. The right panel shows it
# against the number of updates
# :math:`t`. Both axes of the left panel use log scales, and so does the horizontal axis
# on the right.
labels = {"SGD": "B = 1", "mini-batch": "B = 32", "batch": f"B = {n_train}"}
fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.0), sharey=True, layout="constrained")
for name, history in histories.items():
    updates, seen, loss = history[1:].T
    axes[0].plot(seen, loss, "o-", markersize=3, label=labels[name])
    axes[1].plot(updates, loss, "o-", markersize=3, label=labels[name])
axes[0].set_xscale("log")
axes[0].set_xlabel("samples seen $n$")
axes[0].set_ylabel("loss $L$")
axes[1].set_xscale("log")
axes[1].set_xlabel("updates $t$")
for ax in axes:
    ax.legend()
fig.suptitle("Loss of batch, mini-batch and stochastic gradient descent")
plt.show()

# %%
# **Per sample seen (left)**, stochastic gradient descent learns fastest. It updates the
# weights after every sample, while batch gradient descent must look at the whole training
# set before it takes a single step. **Per update (right)**, the order is reversed: a
# full-batch step uses the exact gradient of the training loss, so each step is a good
# one, while a single-sample step uses a noisy estimate of it. The SGD curve is also the
# bumpiest. The curves for :math:`B = 32` and for the full batch almost coincide. A
# gradient averaged over 32 samples is still noisy, but with this learning rate the noise
# of successive steps largely cancels out.
#
# Mini-batch gradient descent sits in between, and in practice it is the usual choice. A
# batch of 32 gives a gradient estimate with much less noise than a single sample. On
# vectorised hardware it also costs little more time than one sample, because the samples
# of a batch are processed together as one matrix product.
#
# The printed numbers sum up the trade-off. SGD reached the lowest training loss after
# seeing each sample about once. Batch gradient descent looked at every sample 40 times,
# but it made only 40 updates, and it is still far from done: compare its printed loss
# and test accuracy with the other two.
#
# The name "stochastic gradient descent" (and the :class:`~vanishing.optimizers.SGD`
# class) is also used for the mini-batch version. The optimizer only applies the update
# rule; the batch size is chosen by the training loop.
#
# Related theory
# --------------
# :doc:`/theory/01-learning` explains the forward pass, the loss functions, gradient
# descent and the three ways of choosing the batch.
