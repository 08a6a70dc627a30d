r"""
Residual connections and branch scaling
=======================================

A stack of :math:`D` residual blocks, each adding a variance-preserving branch to its
input. Without scaling the signal doubles its variance in every block and grows like
:math:`2^{D/2}`; with branches scaled by :math:`1/\sqrt{D}` it grows only to
:math:`(1 + 1/D)^{D/2} \approx 1.64`. The gradient at the input behaves the same way.
"""

# %%
# Pre-activation residual blocks
# ------------------------------
# Each block computes :math:`x_{l+1} = x_l + s\,F(x_l)` with
# :math:`F(x) = \mathrm{ReLU}(x)\,W` and He-initialized :math:`W` (variance :math:`2/n`).
# For an input with second moment :math:`q`, :math:`\mathrm{ReLU}(x)` has second moment
# :math:`q/2`, so :math:`F(x)` has second moment :math:`n \cdot (2/n) \cdot q/2 = q`: the
# branch preserves the variance. Its output is also uncorrelated with :math:`x_l`, so the
# variances add:
#
# .. math::
#
#     q_{l+1} = q_l + s^2 q_l = (1 + s^2)\, q_l
#     \quad\Longrightarrow\quad
#     \sqrt{q_D / q_0} = (1 + s^2)^{D/2}.
#
# With :math:`s = 1` that is :math:`2^{D/2}`. With :math:`s = 1/\sqrt{D}` it is
# :math:`(1 + 1/D)^{D/2}`, which tends to :math:`\sqrt{e} \approx 1.65` for large
# :math:`D`. This is the block design of :cite:t:`he2016identity`, built from the library's
# layers.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.layers import ActivationLayer, Dense, Residual
from vanishing.network import Sequential

width, n_samples, depth = 128, 256, 50


def residual_stack(n_blocks, scale, seed=0):
    rng = np.random.default_rng(seed)
    blocks = []
    for _ in range(n_blocks):
        branch = Sequential(
            [ActivationLayer("relu"), Dense(width, width, init="he_normal", bias=False, rng=rng)]
        )
        blocks.append(Residual(branch, scale=scale))
    return Sequential(blocks)


def rms(a):
    return float(np.sqrt(np.mean(a**2)))


# %%
# Forward and backward through 50 blocks
# --------------------------------------
# We feed :math:`x_0 \sim \mathcal N(0, 1)` and record the root mean square of every
# block's output. Then we back-propagate a random gradient
# :math:`\partial L/\partial x_D \sim \mathcal N(0, 1)` and record the root mean square of
# the gradient at every block's input, :math:`\partial L/\partial x_l`.
rng = np.random.default_rng(0)
x0 = rng.standard_normal((n_samples, width))
g_out = rng.standard_normal((n_samples, width))
blocks = np.arange(depth + 1)
runs = {}
for name, scale in [("s = 1", 1.0), ("s = 1/sqrt(D)", 1.0 / np.sqrt(depth))]:
    net = residual_stack(depth, scale)
    y, cache = net.forward(x0)
    back = net.backward(cache, g_out)
    forward = np.array([rms(x0)] + [rms(out) for out in cache.outputs]) / rms(x0)
    # back.deltas[i] is dL/d(output of block i); back.dx is dL/dx_0
    backward = np.array([rms(back.dx)] + [rms(d) for d in back.deltas]) / rms(g_out)
    runs[name] = (scale, forward, backward)

# %%
# The figure
# ----------
# Left: the forward signal :math:`\|x_l\| / \|x_0\|` after :math:`l` blocks. Right: the
# gradient :math:`\|\partial L/\partial x_l\| / \|\partial L/\partial x_D\|` at the input
# of block :math:`l + 1`; the input of the whole stack is :math:`l = 0`. Dashed lines are
# the prediction :math:`(1 + s^2)^{l/2}` (left) and :math:`(1 + s^2)^{(D - l)/2}` (right).
fig, (ax_f, ax_b) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
labels = {"s = 1": r"$s = 1$", "s = 1/sqrt(D)": r"$s = 1/\sqrt{D}$"}
for name, (scale, forward, backward) in runs.items():
    (line,) = ax_f.semilogy(blocks, forward, label=labels[name])
    ax_f.semilogy(blocks, (1 + scale**2) ** (blocks / 2), "--", color=line.get_color())
    ax_b.semilogy(blocks, backward, label=labels[name], color=line.get_color())
    ax_b.semilogy(blocks, (1 + scale**2) ** ((depth - blocks) / 2), "--", color=line.get_color())
ax_f.set_xlabel(r"block $l$")
ax_f.set_ylabel(r"forward growth $\|x_l\| \,/\, \|x_0\|$")
ax_b.set_xlabel(r"block $l$")
ax_b.set_ylabel(r"gradient growth $\|\partial L/\partial x_l\| \,/\, \|\partial L/\partial x_D\|$")
for ax in (ax_f, ax_b):
    ax.legend()
    ax.grid(True, alpha=0.3)
fig.suptitle(rf"Forward and backward growth through residual blocks, depth $D = {depth}$")
plt.show()

# %%
# The numbers: measured growth over all 50 blocks against the prediction.
for name, (scale, forward, backward) in runs.items():
    predicted = (1 + scale**2) ** (depth / 2)
    print(
        f"{name:14s} forward {forward[-1]:.3g}   gradient at the input {backward[0]:.3g}"
        f"   predicted (1 + s^2)^(D/2) = {predicted:.4g}"
    )

# %%
# Why the gradient does not vanish
# --------------------------------
# Writing the stack out, :math:`x_D = x_l + s \sum_{i=l}^{D-1} F(x_i)`, so
#
# .. math::
#
#     \frac{\partial L}{\partial x_l} = \frac{\partial L}{\partial x_D}
#     \Big(I + s\, \frac{\partial}{\partial x_l} \sum_{i=l}^{D-1} F(x_i)\Big).
#
# The identity term carries :math:`\partial L/\partial x_D` to every block unchanged. The
# gradient cannot vanish, whatever the branches do. It can grow, though: the second term
# adds variance at every block, exactly as in the forward pass. Scaling the branches by
# :math:`1/\sqrt{D}` keeps both directions within a factor of about 1.6 over any depth.
#
# Related theory: :doc:`/theory/08-countermeasures`.
