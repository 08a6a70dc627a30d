r"""
Countermeasures against depth
=============================

We make networks deeper and deeper and measure the gradient that reaches the first
layer. One panel per countermeasure: better activations and initialization, batch
normalization, residual connections, and gradient clipping. The grey curve in every
panel is the same baseline: a sigmoid network with :math:`\mathcal N(0, 1)` weights.
"""

# %%
# The measurement
# ---------------
# Every network gets the same input batch :math:`x` and the same output gradient
# :math:`\partial L/\partial y`, drawn once at random. We run the forward pass, then the
# backward pass, and keep the Frobenius norm of the weight gradient of the first layer,
# :math:`\|\partial L/\partial W^{(1)}\|`. The first layer's input is :math:`x` itself, so
# this weight gradient is :math:`x^\top \delta^{(1)}`: it follows the back-propagated delta
# :math:`\delta^{(1)}` and does not depend on the forward signal of deeper layers.
#
# The depth :math:`D` is the number of hidden layers (or residual blocks).
import functools

import matplotlib.pyplot as plt
import numpy as np

from vanishing.clipping import clip_by_global_norm
from vanishing.initializers import variance_scaling
from vanishing.layers import ActivationLayer, Dense, Residual
from vanishing.network import MLP, Sequential

rng = np.random.default_rng(0)
width, n_out, n_samples = 64, 10, 128
x = rng.standard_normal((n_samples, width))
dy = rng.standard_normal((n_samples, n_out)) / n_samples
depths = np.array([2, 5, 10, 15, 20, 30, 40, 50])


def gradients(net):
    """Parameter gradients of one forward and backward pass."""
    _, cache = net.forward(x)
    return net.backward(cache, dy).grads


def first_layer_norm(net, grads):
    """Frobenius norm of dL/dW of the first Dense layer."""
    return float(np.linalg.norm(grads[f"{net.dense_indices[0]}.W"]))


def sweep(build, clip=1.0):
    """First-layer gradient norm for every depth, before and after clipping at ``clip``."""
    raw, clipped = [], []
    for d in depths:
        net = build(int(d))
        grads = gradients(net)
        raw.append(first_layer_norm(net, grads))
        clipped.append(first_layer_norm(net, clip_by_global_norm(grads, clip)[0]))
    return np.array(raw), np.array(clipped)


def mlp(activation, init, **kwargs):
    return lambda d: MLP([width] * (d + 1) + [n_out], activation, init=init, rng=1, **kwargs)


baseline, baseline_clipped = sweep(mlp("sigmoid", "normal"))

# %%
# Activations and initialization
# ------------------------------
# Xavier initialization stops the sigmoid from saturating, but
# :math:`\sigma'(z) \le 1/4` still shrinks the delta at every layer. tanh with Xavier
# loses much less, and ReLU with He initialization keeps the gradient about constant.
activation_runs = {
    "sigmoid, Xavier": sweep(mlp("sigmoid", "xavier_normal"))[0],
    "tanh, Xavier": sweep(mlp("tanh", "xavier_normal"))[0],
    "ReLU, He": sweep(mlp("relu", "he_normal"))[0],
    "leaky ReLU, He": sweep(mlp("leaky_relu", "he_normal"))[0],
}

# %%
# Batch normalization
# -------------------
# The same sigmoid network with :math:`\mathcal N(0, 1)` weights, but with a
# :class:`~vanishing.layers.BatchNorm` layer before every sigmoid. Each pre-activation is
# standardized, so the sigmoid works near its steep middle whatever the weight scale.
# Batch normalization is not a cure for exploding gradients, though: in a plain ReLU
# network it makes the gradient grow towards the input at initialization
# :cite:p:`yang2019`. We measure that network too; it is printed below, not drawn.
bn_run = sweep(mlp("sigmoid", "normal", batch_norm=True))[0]
bn_relu_run = sweep(mlp("relu", "he_normal", batch_norm=True))[0]

# %%
# Residual connections
# --------------------
# Pre-activation residual blocks :math:`x_{l+1} = x_l + s\,F(x_l)` with
# :math:`F(x) = \mathrm{ReLU}(x)\,W` and He weights (a one-layer branch without batch
# normalization; He et al.'s blocks have two of each), so that :math:`F` preserves the
# variance of its input. Without scaling (:math:`s = 1`) each block doubles the variance
# and the gradient grows like :math:`2^{D/2}`. With :math:`s = 1/\sqrt{D}` it stays
# near :math:`(1 + 1/D)^{D/2} \approx 1.6`.


def residual_net(d, scale):
    block_rng = np.random.default_rng(1)
    layers = [Dense(width, width, init="he_normal", rng=block_rng)]
    for _ in range(d):
        branch = Sequential(
            [ActivationLayer("relu"), Dense(width, width, init="he_normal", rng=block_rng)]
        )
        layers.append(Residual(branch, scale=scale))
    layers.append(Dense(width, n_out, init="he_normal", rng=block_rng))
    return Sequential(layers)


residual_runs = {
    r"$x + F(x)$": sweep(lambda d: residual_net(d, 1.0))[0],
    r"$x + F(x)/\sqrt{D}$": sweep(lambda d: residual_net(d, 1.0 / np.sqrt(d)))[0],
}

# %%
# Gradient clipping
# -----------------
# Clipping is a fix for *exploding* gradients, so we need a network whose gradients
# explode: ReLU with weights 1.2 times larger than He's (variance :math:`2 \cdot 1.2^2/n`).
# :func:`~vanishing.clipping.clip_by_global_norm` with :math:`c = 1` rescales all the
# gradients together whenever their global norm exceeds 1. It can only scale gradients
# down, never up, so it cannot help the vanishing baseline (black crosses).
too_large = functools.partial(variance_scaling, scale=2 * 1.2**2)
exploding, exploding_clipped = sweep(mlp("relu", too_large))
clip_runs = {"ReLU, 1.2 He": exploding, r"ReLU, 1.2 He, $c = 1$": exploding_clipped}

# %%
# The comparison
# --------------
# Log scale on the vertical axis: a straight falling line is a gradient that vanishes
# exponentially with depth, a straight rising line one that explodes.
fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex=True, layout="constrained")
# Legend entries that are words.
labels = {
    "sigmoid, Xavier": "sigmoid, Xavier",
    r"sigmoid, $\mathcal{N}(0, 1)$, BatchNorm": r"sigmoid, $\mathcal{N}(0, 1)$, BatchNorm",
}
panels = [
    ("ReLU, He", activation_runs),
    ("BatchNorm", {r"sigmoid, $\mathcal{N}(0, 1)$, BatchNorm": bn_run}),
    (r"$x_{l+1} = x_l + s\,F(x_l)$", residual_runs),
    (r"$g \leftarrow \min(1, c/\|g\|)\,g$", clip_runs),
]
for ax, (title, runs) in zip(axes.flat, panels, strict=True):
    ax.semilogy(depths, baseline, "o--", color="0.6", label=r"sigmoid, $\mathcal{N}(0, 1)$")
    for label, values in runs.items():
        ax.semilogy(depths, values, "o-", label=labels.get(label, label))
    ax.set_title(title)
    ax.legend(fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
axes[1, 1].semilogy(depths, baseline_clipped, "x", color="k", label=r"sigmoid, $c = 1$")
axes[1, 1].legend(fontsize=10)
for ax in axes[1]:
    ax.set_xlabel(r"depth $D$")
for ax in axes[:, 0]:
    ax.set_ylabel(r"first layer's gradient norm $\|\partial L / \partial W^{(1)}\|$")
fig.suptitle("First layer's gradient against depth, with four countermeasures")
plt.show()

# %%
# The numbers behind the figure: the first-layer gradient norm at the smallest and the
# largest depth, and their ratio.
rows = {r"sigmoid, N(0, 1)": baseline}
rows |= activation_runs
rows["sigmoid, N(0, 1), BatchNorm"] = bn_run
rows["ReLU, He, BatchNorm"] = bn_relu_run
rows["residual, s = 1"] = residual_runs[r"$x + F(x)$"]
rows["residual, s = 1/sqrt(D)"] = residual_runs[r"$x + F(x)/\sqrt{D}$"]
rows["ReLU, 1.2 He"] = clip_runs["ReLU, 1.2 He"]
rows["ReLU, 1.2 He, clipped"] = clip_runs[r"ReLU, 1.2 He, $c = 1$"]
rows["sigmoid, N(0, 1), clipped"] = baseline_clipped
print(f"{'network':30s} {'D = 2':>10s} {'D = 50':>10s} {'ratio':>10s}")
for name, values in rows.items():
    print(f"{name:30s} {values[0]:10.3g} {values[-1]:10.3g} {values[-1] / values[0]:10.3g}")
print("clipping never scales up:", bool(np.all(baseline_clipped <= baseline)))
print("2^(D/2) at D = 50:", 2.0**25, "  (1 + 1/D)^(D/2) at D = 50:", round(1.02**25, 4))
bn_rate = (bn_relu_run[-1] / bn_relu_run[0]) ** (1 / (depths[-1] - depths[0]))
print(
    f"ReLU with BatchNorm: x{bn_rate:.3f} per layer; "
    f"sqrt(pi/(pi - 1)) = {np.sqrt(np.pi / (np.pi - 1)):.3f}"
)

# %%
# What the figure shows
# ---------------------
# * The baseline loses orders of magnitude between :math:`D = 2` and :math:`D = 50`.
#   Xavier alone does not save the sigmoid: its curve falls even faster, because the
#   weights are now small and :math:`\sigma' \le 1/4` is no longer compensated.
# * ReLU with He initialization, and batch normalization in front of the sigmoid, keep
#   the first-layer gradient within a small factor of its value in a shallow network.
# * Batch normalization does not do that in general. Put it in the ReLU network and the
#   first-layer gradient grows with depth (the row "ReLU, He, BatchNorm"), by about the
#   factor per layer printed above, close to the :math:`\sqrt{\pi/(\pi - 1)}` that Yang et
#   al. derive. It cures saturation, not explosion.
# * Unscaled residual blocks do not vanish, they explode. Scaling each branch by
#   :math:`1/\sqrt{D}` keeps the gradient almost flat.
# * Clipping caps an exploding gradient: the global norm never exceeds :math:`c`. It never
#   makes a small gradient larger, so the clipped baseline (black crosses) still vanishes.
#   Here it is even a little smaller, because the global norm includes the large gradients
#   of the last layers. Clipping treats the symptom of exploding gradients, not the cause.
#
# Related theory: :doc:`/theory/08-countermeasures`.
