r"""
Gradient clipping by norm
=========================

We train a small ReLU network with a learning rate that is too large, once as it is and
once with its gradients clipped by their global norm. We plot the loss and the gradient
norm before clipping, and then show why clipping by norm keeps the gradient's direction.
"""

# %%
# Two training runs
# -----------------
# The network has three hidden layers of 64 ReLU units with He initialization. It learns
# 1024 handwritten digits with plain SGD, learning rate :math:`\eta = 1.5`, in batches of
# 64. In every step we compute the gradients, record their global norm
# :math:`\|g\|` (all parameters together), and, in the second run, rescale them with
# :func:`~vanishing.clipping.clip_by_global_norm` before the update:
#
# .. math::
#
#    g \leftarrow \min\left(1, \frac{c}{\|g\|}\right) g, \qquad c = 1.
#
# ``clip_by_global_norm`` returns the clipped gradients and the norm before clipping.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.clipping import clip_by_global_norm, clip_by_value, global_norm
from vanishing.datasets import load_digits
from vanishing.diagnostics import activation_stats
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP
from vanishing.optimizers import SGD

X, y = load_digits()
X, y = X[:1024], y[:1024]
c = 1.0


def run(clip):
    rng = np.random.default_rng(0)
    net = MLP([64, 64, 64, 64, 10], "relu", init="he_normal", rng=0)
    opt = SGD(lr=1.5)
    state = opt.init(net.params)
    losses, norms = [], []
    for _ in range(6):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 64):
            batch = order[start : start + 64]
            logits, cache = net.forward(X[batch])
            loss, dlogits = softmax_cross_entropy(logits, y[batch])
            grads = net.backward(cache, dlogits).grads
            if clip:
                grads, norm = clip_by_global_norm(grads, c)
            else:
                norm = global_norm(grads)
            state = opt.step(net.params, grads, state)
            losses.append(loss)
            norms.append(norm)
    _, cache = net.forward(X)
    dead = [s.dead_fraction for s in activation_stats(net, cache)]
    return np.array(losses), np.array(norms), dead


runs = {"SGD": run(clip=False), "SGD, clip": run(clip=True)}
for name, (losses, norms, dead) in runs.items():
    print(
        f"{name:10s} largest loss {losses.max():.3g}   largest |g| {norms.max():.3g}   "
        f"mean loss of the last 16 steps {losses[-16:].mean():.3f}"
    )
    print(f"{'':10s} fraction of dead ReLU units per hidden layer: {np.round(dead, 2)}")
print(f"ln 10 = {np.log(10):.3f}")

# %%
# The figure
# ----------
# Left: the loss :math:`L` of each batch against the step :math:`t`. Right: the gradient
# norm :math:`\|g\|` before clipping; the dashed line is the threshold :math:`c`. Both
# vertical axes are logarithmic.
fig, (ax_loss, ax_norm) = plt.subplots(1, 2, figsize=(9.0, 3.5), layout="constrained")
for (name, (losses, norms, _)), color in zip(runs.items(), ["C3", "C0"], strict=True):
    label = "SGD" if name == "SGD" else rf"SGD, $c = {c:g}$"
    ax_loss.semilogy(losses, color=color, label=label)
    ax_norm.semilogy(norms, color=color, label=label)
ax_norm.axhline(c, color="k", linestyle="--", linewidth=1)
ax_loss.set_xlabel(r"step $t$")
ax_loss.set_ylabel(r"loss $L$")
ax_norm.set_xlabel(r"step $t$")
ax_norm.set_ylabel(r"gradient norm $\|g\|$")
ax_loss.legend(fontsize=9)
fig.suptitle("Training a network whose gradients explode, with and without gradient clipping")
plt.show()

# %%
# Without clipping, the gradient norm and the loss jump by many orders of magnitude
# within a few steps: a large gradient, multiplied by the large learning rate, throws
# the weights far away, which makes the next gradient even larger. After this jump the
# loss falls back to about :math:`\ln 10`, the loss of a uniform guess over the 10
# digits, and stays there. The printed fractions of dead ReLU units show why: the huge
# steps have switched off the hidden units (a dead unit outputs 0 for every input and
# gets no gradient), and the network no longer learns.
#
# With clipping, the gradient norm before clipping still rises above :math:`c` many
# times, but each update moves the weights by at most :math:`\eta c`. The loss goes
# down.
#
# Clipping by norm keeps the direction
# ------------------------------------
# Clipping by norm multiplies *all* gradients by the same factor, so the direction of the
# update does not change. Clipping by value clips each entry to :math:`[-c, c]` on its
# own and can turn the update. We check both on one real gradient of the network and on
# a two-dimensional example, :math:`g = (3, 0.5)` with :math:`c = 1`.
net = MLP([64, 64, 64, 64, 10], "relu", init="he_normal", rng=0)
logits, cache = net.forward(X[:64])
_, dlogits = softmax_cross_entropy(logits, y[:64])
grads = net.backward(cache, dlogits).grads
by_norm, _ = clip_by_global_norm(grads, 0.1)
by_value = clip_by_value(grads, 0.01)


def cosine(a, b):
    dot = sum(float(np.vdot(a[k], b[k])) for k in a)
    return dot / (global_norm(a) * global_norm(b))


print(f"cosine(g, clipped by norm)  = {cosine(grads, by_norm):.6f}")
print(f"cosine(g, clipped by value) = {cosine(grads, by_value):.6f}")

g = np.array([3.0, 0.5])
g_norm, _ = clip_by_global_norm(g, c)
g_value = clip_by_value(g, c)
print("g =", g, " by norm:", g_norm.round(4), " by value:", g_value)

# %%
# In the plane, clipping by norm pulls :math:`g` back onto the circle of radius :math:`c`
# along the same ray. Clipping by value moves it to the nearest point of the square
# :math:`[-c, c]^2`, which points in a different direction.
fig, ax = plt.subplots(figsize=(4.8, 3.6), layout="constrained")
theta = np.linspace(0.0, 2.0 * np.pi, 200)
ax.plot(c * np.cos(theta), c * np.sin(theta), color="C0", linewidth=1)
ax.plot([-c, c, c, -c, -c], [-c, -c, c, c, -c], color="C1", linewidth=1)
arrow_labels = [
    (g, "k", r"gradient $g$"),
    (g_norm, "C0", r"by norm, $c\,g/\|g\|$"),
    (g_value, "C1", r"by value, $\mathrm{clip}(g, -c, c)$"),
]
for vector, color, label in arrow_labels:
    ax.annotate(
        "",
        xy=vector,
        xytext=(0.0, 0.0),
        arrowprops={"arrowstyle": "->", "color": color, "linewidth": 2},
    )
    ax.plot([], [], color=color, linewidth=2, label=label)
ax.set_aspect("equal")
ax.set_xlim(-1.3, 3.3)
ax.set_ylim(-1.3, 1.4)
ax.legend(fontsize=8, loc="lower right")
fig.suptitle("Clipping a gradient by norm and by value")
plt.show()

# %%
# The printed cosines confirm it on the real network: the gradient clipped by norm is
# exactly parallel to the original one, the gradient clipped by value is not. Clipping
# treats the symptom of exploding gradients, not their cause, and it can never make a
# small gradient larger, so it does nothing against vanishing gradients.
#
# Related theory: :doc:`/theory/06-exploding`.
